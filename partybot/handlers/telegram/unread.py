"""Bot API calls whose answer nobody reads, sent as one JSON body and only checked for success.

aiogram's session sends a call as a form: it dumps the method with pydantic, walks the dump in
Python to JSON-encode each field again, url-encodes the lot, and builds the typed result (for a
reply, a `Message` with its chat, sender and keyboard). For the replies and prompts this bot
sends, that was half the CPU of a send, and the `Message` was thrown away. A call without files
goes here instead: pydantic writes the JSON body in one pass (fields never set are left out, as
aiogram leaves out its unset defaults), and a successful answer is only decoded far enough to see
`"ok": true`. A failed answer goes through aiogram's own `check_response`, so it raises the same
exceptions (`TelegramRetryAfter`, `TelegramForbiddenError`, …) as any other call. Calls with
files, and bots made with default properties that a body must carry, take aiogram's usual path.
"""

import dataclasses
import json
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.types import InputFile
from aiohttp import ClientError, ClientTimeout

JSON_HEADERS = {"Content-Type": "application/json"}


def _has_defaults(bot: Bot) -> bool:
    """Whether the bot was made with DefaultBotProperties that calls must be filled in with."""
    return any(getattr(bot.default, f.name) is not None for f in dataclasses.fields(bot.default))


def _has_files(method: TelegramMethod[Any]) -> bool:
    return any(isinstance(getattr(method, name), InputFile) for name in method.model_fields_set)


async def call_unread(bot: Bot, method: TelegramMethod[Any]) -> None:
    """Make the call; raise as `bot(method)` would, but build no result."""
    session = bot.session
    if not isinstance(session, AiohttpSession) or _has_defaults(bot) or _has_files(method):
        await bot(method)
        return
    http = await session.create_session()
    url = session.api.api_url(token=bot.token, method=method.__api_method__)
    body = method.model_dump_json(exclude_unset=True, exclude_none=True)
    try:
        async with http.post(
            url, data=body, headers=JSON_HEADERS, timeout=ClientTimeout(total=session.timeout)
        ) as response:
            status, content = response.status, await response.text()
    except TimeoutError as late:
        raise TelegramNetworkError(method=method, message="Request timeout error") from late
    except ClientError as trouble:
        message = f"{type(trouble).__name__}: {trouble}"
        raise TelegramNetworkError(method=method, message=message) from trouble
    if 200 <= status <= 226 and _succeeded(content):
        return
    session.check_response(bot=bot, method=method, status_code=status, content=content)


def _succeeded(content: str) -> bool:
    try:
        answer = json.loads(content)
    except ValueError:
        return False  # check_response says how it failed
    return isinstance(answer, dict) and answer.get("ok") is True
