"""The channels this process talks through, chosen by settings (a token enables a channel).

A channel receives updates (polling task or webhook routes on the shared web server) and owns
the sender that delivers replies and outbox notices. `partybot run` starts what is built here.
"""

from typing import Protocol

from aiohttp import web

from partybot.bot.app import App
from partybot.handlers.sending import Sender


class Channel(Protocol):
    name: str
    sender: Sender

    def add_routes(self, web_app: web.Application) -> None:
        """Register webhook routes on the shared web server (nothing to do when polling)."""
        ...

    async def start(self) -> None:
        """Begin receiving: start polling, or register the webhook with the platform."""
        ...

    async def stop(self) -> None: ...


def build_channels(app: App) -> list[Channel]:
    """Every channel whose token is configured."""
    channels: list[Channel] = []
    if app.settings.telegram_bot_token:
        from partybot.handlers.telegram import TelegramChannel

        channels.append(TelegramChannel(app.settings, app.engine))
    return channels
