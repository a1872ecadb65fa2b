"""The webhook endpoint: check the secret header, process the update, then answer 200.

Telegram redelivers an update until it gets a 2xx, so answering only after the engine committed
means a crash mid-update costs a redelivery (harmless: update ids are recorded), never the
update. aiogram's SimpleRequestHandler answers first by default, which is why this is our own.
"""

import asyncio
import hashlib
import hmac
import logging

from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from partybot.handlers.telegram.adapter import TelegramAdapter

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_PATH = "/telegram/webhook"

log = logging.getLogger(__name__)


def derived_secret(token: str) -> str:
    """A secret every worker of one bot agrees on without configuration (A-Z a-z 0-9 only)."""
    return hashlib.sha256(f"partybot-telegram-webhook:{token}".encode()).hexdigest()


class WebhookEndpoint:
    def __init__(self, adapter: TelegramAdapter, secret: str) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self.adapter = adapter
        self._secret = secret.encode()

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=401)
        try:
            update = Update.model_validate(await request.json(), context={"bot": self.adapter.bot})
        except (ValueError, ValidationError):
            return web.Response(status=400)
        processing = self.adapter.submit(update)
        try:
            # Shielded: a dropped connection must not abort an update half-way.
            await asyncio.shield(processing)
        except Exception:
            log.exception("webhook update %s failed", update.update_id)
            return web.Response(status=500)
        return web.Response(status=200)
