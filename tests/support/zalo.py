"""The real Zalo channel on a local web server, talking to the Zalo Bot API emulator."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.test_utils import TestServer, unused_port

from partybot.dialogs.engine import Clock, Engine
from partybot.handlers.files_web import add_file_routes
from partybot.handlers.ratelimit import LocalRateLimiter
from partybot.handlers.zalo.channel import ZaloChannel, ZaloSender
from partybot.handlers.zalo.client import ZaloBotClient
from partybot.storage.db import Database
from tests.emulators.zalo import ZaloEmulator

SECRET = "s3cret-webhook-token"


@asynccontextmanager
async def zalo_channel(
    emu: ZaloEmulator, db: Database, engine: Engine, clock: Clock, webhook: bool
) -> AsyncIterator[ZaloChannel]:
    """Started as `partybot run` would (webhook or polling), with the file routes Zalo fetches."""
    web_app = web.Application()
    port = unused_port()
    server = TestServer(web_app, host="127.0.0.1", port=port)
    client = ZaloBotClient(emu.token, api_base=emu.base_url)
    base = f"http://127.0.0.1:{port}"
    limiter = LocalRateLimiter(global_rate=1000, per_chat_rate=1000, per_chat_burst=10)
    sender = ZaloSender(client, limiter, base)
    channel = ZaloChannel(engine, client, sender, SECRET if webhook else None, base, 1)
    channel.add_routes(web_app)
    add_file_routes(web_app, db, clock)
    await server.start_server()
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()
        await server.close()
