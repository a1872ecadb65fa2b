"""The channels this process talks through, chosen by settings (a token enables a channel).

A channel receives updates (polling task or webhook routes on the shared web server) and owns
the sender that delivers replies and outbox notices. `partybot run` starts what is built here.
"""

from typing import Protocol

from aiohttp import web

from partybot.bot.app import App
from partybot.handlers.ratelimit import make_rate_limiter
from partybot.handlers.sending import Sender
from partybot.handlers.telegram.channel import TelegramChannel
from partybot.handlers.zalo.channel import ZaloChannel, ZaloSender
from partybot.handlers.zalo.client import ZaloBotClient


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


def zalo_channel(app: App) -> ZaloChannel:
    settings = app.settings
    assert settings.zalo_bot_token
    client = ZaloBotClient(settings.zalo_bot_token, api_base=settings.zalo_api_base)
    limiter = make_rate_limiter(
        settings.redis_url,
        "zalo:" + settings.zalo_bot_token.split(":", 1)[0],
        settings.zalo_global_rate,
        settings.zalo_per_chat_rate,
        settings.zalo_per_chat_burst,
    )
    sender = ZaloSender(client, limiter, settings.public_base_url)
    return ZaloChannel(
        app.engine, client, sender, settings.zalo_webhook_secret, settings.public_base_url
    )


def build_channels(app: App) -> list[Channel]:
    """Every channel whose token is configured."""
    channels: list[Channel] = []
    if app.settings.telegram_bot_token:
        channels.append(TelegramChannel(app.settings, app.engine))
    if app.settings.zalo_bot_token:
        channels.append(zalo_channel(app))
    return channels
