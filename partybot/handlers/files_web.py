"""Stored files served over HTTP under unguessable, expiring names (Zalo fetches images by URL)."""

from aiohttp import web

from partybot.dialogs.engine import Clock
from partybot.services import files
from partybot.storage.db import Database

PATH = "/files/{token}"


def file_url(public_base_url: str, token: str) -> str:
    return f"{public_base_url.rstrip('/')}/files/{token}"


def add_file_routes(web_app: web.Application, db: Database, clock: Clock) -> None:
    async def serve(request: web.Request) -> web.Response:
        async with db.transaction() as session:
            stored = await files.by_token(session, request.match_info["token"], clock())
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(
            body=stored.data,
            content_type=stored.content_type,
            headers={
                "Content-Disposition": f'inline; filename="{stored.filename}"',
                "Cache-Control": "private, max-age=3600",
                "X-Content-Type-Options": "nosniff",
            },
        )

    web_app.router.add_get(PATH, serve)
