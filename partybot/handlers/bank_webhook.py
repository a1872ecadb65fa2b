"""The bank-notification webhook (SePay format): authenticate, parse, record, answer.

SePay posts every credit on a linked account as JSON and retries until it gets HTTP 200 with
{"success": true}; so a credit already recorded still answers success, a body that can never be
read answers 400, and only our own failure answers 500 (to be retried). Authentication is the
`Authorization: Apikey <key>` header or an HMAC-SHA256 signature (`X-SePay-Signature:
sha256=<hex>` over "<X-SePay-Timestamp>.<raw body>"), compared in constant time.
"""

import hashlib
import hmac
import json
import logging
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from aiohttp import web

from partybot.dialogs.engine import Engine
from partybot.services import dues_bank
from partybot.settings import Settings
from partybot.storage.db import Database

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
MAX_AMOUNT = 10**12
SIGNATURE_HEADER = "X-SePay-Signature"
TIMESTAMP_HEADER = "X-SePay-Timestamp"


class WebhookApp(Protocol):
    """What the handler needs from the running app (partybot.bot.app.App has it)."""

    settings: Settings
    db: Database
    engine: Engine


def add_routes(web_app: web.Application, app: WebhookApp) -> None:
    """Mount the webhook at BANK_WEBHOOK_PATH on the shared web server."""
    web_app.router.add_post(app.settings.bank_webhook_path, partial(handle, app))


def _answer(status: int, **fields: Any) -> web.Response:
    return web.json_response(fields, status=status)


def _apikey_ok(header: str, key: str) -> bool:
    scheme, _, given = header.strip().partition(" ")
    return scheme.lower() == "apikey" and hmac.compare_digest(given.strip().encode(), key.encode())


def _signature_ok(
    signature: str, timestamp: str, body: bytes, secret: str, now: datetime, skew: int
) -> bool:
    if not timestamp.strip().isdigit():
        return False
    if abs(now.timestamp() - int(timestamp)) > skew:
        return False  # an old request replayed
    expected = hmac.new(secret.encode(), f"{timestamp.strip()}.".encode() + body, hashlib.sha256)
    given = signature.strip().removeprefix("sha256=").lower()
    return hmac.compare_digest(given.encode(), expected.hexdigest().encode())


def authorised(headers: Any, body: bytes, settings: Settings, now: datetime) -> bool:
    """True when the request carries the configured API key or a valid fresh signature."""
    if settings.bank_webhook_api_key and _apikey_ok(
        headers.get("Authorization", ""), settings.bank_webhook_api_key
    ):
        return True
    return bool(
        settings.bank_webhook_hmac_secret
        and _signature_ok(
            headers.get(SIGNATURE_HEADER, ""),
            headers.get(TIMESTAMP_HEADER, ""),
            body,
            settings.bank_webhook_hmac_secret,
            now,
            settings.bank_webhook_max_skew_seconds,
        )
    )


def _text(payload: dict[str, Any], key: str, required: bool = True) -> str | None:
    value = payload.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"'{key}' is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"'{key}' must be text")
    return str(value).strip()


def _amount(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("'transferAmount' must be a whole number of đồng")
    if not 0 < value < MAX_AMOUNT:
        raise ValueError("'transferAmount' is out of range")
    return value


def parse_sepay(payload: Any, settings: Settings) -> dues_bank.Credit | None:
    """A SePay notification as a credit; None for money going out. ValueError says what is wrong."""
    if not isinstance(payload, dict):
        raise ValueError("the body must be a JSON object")
    direction = (_text(payload, "transferType") or "").lower()
    if direction not in ("in", "out"):
        raise ValueError("'transferType' must be 'in' or 'out'")
    external_id = _text(payload, "id")
    account = _text(payload, "accountNumber")
    amount = _amount(payload.get("transferAmount"))
    when = _text(payload, "transactionDate")
    assert external_id and account and when
    try:
        occurred = datetime.strptime(when, "%Y-%m-%d %H:%M:%S").replace(tzinfo=settings.tz)
    except ValueError:
        raise ValueError("'transactionDate' must look like 2026-12-03 14:02:37") from None
    if direction == "out":
        return None
    return dues_bank.Credit(
        provider="sepay",
        external_id=external_id[:64],
        account=account,
        amount=amount,
        memo=_text(payload, "content", required=False) or "",
        occurred_at=occurred,
        bank_ref=(_text(payload, "referenceCode", required=False) or None),
        code=_text(payload, "code", required=False),
        raw=payload,
    )


async def handle(app: WebhookApp, request: web.Request) -> web.Response:
    settings = app.settings
    now = app.engine.clock()
    if not (settings.bank_webhook_api_key or settings.bank_webhook_hmac_secret):
        return _answer(503, success=False, message="bank webhook is not configured")
    if (request.content_length or 0) > MAX_BODY:
        return _answer(413, success=False, message="body too large")
    body = await request.read()
    if not authorised(request.headers, body, settings, now):
        log.warning("bank webhook: unauthorised request from %s", request.remote)
        return _answer(401, success=False, message="unauthorized")
    try:
        credit = parse_sepay(json.loads(body), settings)
    except (ValueError, UnicodeDecodeError) as bad:
        log.warning("bank webhook: unreadable body: %s", bad)
        return _answer(400, success=False, message=str(bad))
    if credit is None:
        return _answer(200, success=True, result="ignored")
    try:
        async with app.db.transaction() as session:
            result, _tx = await dues_bank.record_credit(session, settings, credit, now)
    except Exception:
        log.exception("bank webhook: could not record transaction %s", credit.external_id)
        return _answer(500, success=False, message="temporary failure, please retry")
    return _answer(200, success=True, result=str(result))
