"""A small async client for the Zalo Bot API (POST + JSON, ``{ok, result}`` envelope).

Our own instead of a PyPI wrapper: the API is a handful of trivial endpoints,
and the wrappers we found are stubbed, sync-in-async or of doubtful licence.
The bot token sits in every URL path, so it is redacted from every message
and log line this module produces.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import quote, urlsplit

import aiohttp

from partybot.handlers.zalo.updates import ZaloUpdate, parse_update

DEFAULT_API_BASE = "https://bot-api.zaloplatforms.com"
MAX_TEXT_LEN = 2000
"""sendMessage text and sendPhoto caption: 1..2000 characters."""
SECRET_MIN_LEN, SECRET_MAX_LEN = 8, 256
POLL_TIMEOUT_CODE = 408
"""Error code getUpdates answers when no update arrived within the timeout."""

log = logging.getLogger(__name__)


class ZaloApiError(Exception):
    """The API refused a call (``ok: false``) or could not be reached.

    ``retryable`` says whether trying the same call again later can succeed.
    """

    retryable: ClassVar[bool] = False

    def __init__(self, error_code: int, description: str, method: str = "") -> None:
        self.error_code = error_code
        self.description = description
        self.method = method
        where = f"{method}: " if method else ""
        super().__init__(f"{where}[{error_code}] {description}")


class ZaloBadRequest(ZaloApiError):
    """400: bad parameters (also raised before sending for invalid text or URLs)."""


class ZaloUnauthorized(ZaloApiError):
    """401: invalid or reset bot token."""


class ZaloForbidden(ZaloApiError):
    """403: the API refuses this call, e.g. the user cannot be reached."""


class ZaloQuotaExceeded(ZaloApiError):
    """429: quota exceeded; back off and retry later."""

    retryable = True


class ZaloServerError(ZaloApiError):
    """5xx, 408 outside polling, an unreadable answer, or a network failure: transient."""

    retryable = True


@dataclass(frozen=True)
class BotInfo:
    """getMe result."""

    id: str
    account_name: str
    account_type: str
    can_join_groups: bool


@dataclass(frozen=True)
class WebhookInfo:
    """setWebhook / getWebhookInfo / deleteWebhook result; ``url`` is "" when none is set."""

    url: str
    updated_at: int | None


_ERRORS_BY_CODE: dict[int, type[ZaloApiError]] = {
    400: ZaloBadRequest,
    401: ZaloUnauthorized,
    403: ZaloForbidden,
    408: ZaloServerError,
    429: ZaloQuotaExceeded,
}


def error_for(error_code: int, description: str, method: str = "") -> ZaloApiError:
    """The exception class matching a Zalo error code (5xx -> ZaloServerError)."""
    cls = _ERRORS_BY_CODE.get(error_code)
    if cls is None:
        cls = ZaloServerError if error_code >= 500 else ZaloApiError
    return cls(error_code, description, method)


class ZaloBotClient:
    """Calls the Zalo Bot API for one bot token. Never retries by itself.

    Pass ``session`` to share an aiohttp session (it is then not closed here);
    otherwise one is created on first use and closed by ``close()``.
    ``timeout`` bounds each call in seconds; getUpdates adds its long-poll time.
    """

    def __init__(
        self,
        token: str,
        api_base: str = DEFAULT_API_BASE,
        session: aiohttp.ClientSession | None = None,
        timeout: float = 15.0,
    ) -> None:
        if not token or token != token.strip():
            raise ValueError("Zalo bot token is empty or has surrounding whitespace")
        if not _is_http_url(api_base):
            raise ValueError(f"Zalo api_base must be an absolute http(s) URL, got {api_base!r}")
        # Every spelling of the token that could surface in a message: raw, URL-quoted,
        # and its secret half (after "bot_id:") when long enough to be unambiguous.
        self._secrets = {token, quote(token, safe=""), quote(token, safe=":")}
        secret_half = token.partition(":")[2]
        if len(secret_half) >= 8:
            self._secrets |= {secret_half, quote(secret_half, safe="")}
        self._base = f"{api_base.rstrip('/')}/bot{quote(token, safe=':')}/"
        self._api_base = api_base
        self._session = session
        self._own_session = session is None
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"ZaloBotClient(api_base={self._api_base!r}, token=<redacted>)"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this client created it."""
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def get_me(self) -> BotInfo:
        """The bot's identity; also the cheapest check that the token works."""
        result = _as_dict(await self._call("getMe", {}))
        return BotInfo(
            id=_as_str(result.get("id")),
            account_name=_as_str(result.get("account_name")),
            account_type=_as_str(result.get("account_type")),
            can_join_groups=result.get("can_join_groups") is True,
        )

    async def get_update(self, timeout_s: int = 30) -> ZaloUpdate | None:
        """Long-poll for ONE update; None when none arrived within ``timeout_s``.

        An update the parser cannot attribute (no message/from/chat) is logged
        and skipped (None), so a polling loop simply asks again.
        """
        try:
            result = await self._call(
                "getUpdates", {"timeout": str(timeout_s)}, extra_time=timeout_s
            )
        except ZaloServerError as exc:
            if exc.error_code == POLL_TIMEOUT_CODE:
                return None
            raise
        if not isinstance(result, dict) or not result:
            return None
        try:
            return parse_update(result)
        except ValueError as exc:
            log.warning("zalo getUpdates: skipped an unparseable update: %s", exc)
            return None

    async def set_webhook(self, url: str, secret_token: str) -> WebhookInfo:
        """Register ``url``; Zalo then POSTs updates there with the secret header."""
        _check_http_url(url, "setWebhook", "webhook url")
        if not SECRET_MIN_LEN <= len(secret_token) <= SECRET_MAX_LEN:
            raise ZaloBadRequest(
                400,
                f"secret_token must be {SECRET_MIN_LEN}..{SECRET_MAX_LEN} characters",
                "setWebhook",
            )
        result = await self._call("setWebhook", {"url": url, "secret_token": secret_token})
        return _webhook_info(result, default_url=url)

    async def delete_webhook(self) -> None:
        """Back to polling. The result is ``true`` or ``{url: "", updated_at}``; both are fine."""
        await self._call("deleteWebhook", {})

    async def get_webhook_info(self) -> WebhookInfo:
        """The registered webhook (``url`` is "" in polling mode); the secret is never returned."""
        return _webhook_info(await self._call("getWebhookInfo", {}), default_url="")

    async def send_message(self, chat_id: str, text: str) -> str:
        """Send text (1..2000 characters, checked here); returns the message id."""
        _check_chat(chat_id, "sendMessage")
        _check_text(text, "sendMessage", "text")
        result = await self._call("sendMessage", {"chat_id": chat_id, "text": text})
        return _as_str(_as_dict(result).get("message_id"))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> str:
        """Send an image by URL (Zalo fetches it before answering); returns the message id."""
        _check_chat(chat_id, "sendPhoto")
        _check_http_url(photo_url, "sendPhoto", "photo")
        params: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption is not None:
            _check_text(caption, "sendPhoto", "caption")
            params["caption"] = caption
        result = await self._call("sendPhoto", params)
        return _as_str(_as_dict(result).get("message_id"))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing…" while a slower answer is prepared."""
        _check_chat(chat_id, "sendChatAction")
        await self._call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def _call(self, method: str, params: dict[str, Any], extra_time: float = 0) -> Any:
        """POST one method; return ``result`` or raise the matching ZaloApiError."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self._timeout + extra_time)
        try:
            async with self._session.post(
                self._base + method, json=params, timeout=timeout
            ) as resp:
                status = resp.status
                raw = await resp.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            detail = self._redact(f"network error: {type(exc).__name__}: {exc}")
            log.warning("zalo %s failed: %s", method, detail)
            raise ZaloServerError(0, detail, method) from None
        envelope = _envelope(raw)
        if envelope is None:
            code = status if status >= 400 else 502
            detail = f"HTTP {status} without a JSON envelope"
            log.warning("zalo %s failed: %s", method, detail)
            raise error_for(code, detail, method)
        if envelope.get("ok") is True:
            return envelope.get("result")
        code = envelope.get("error_code")
        if not isinstance(code, int) or isinstance(code, bool):
            code = status if status >= 400 else 400
        description = self._redact(str(envelope.get("description") or "no description"))
        if code != POLL_TIMEOUT_CODE:
            log.info("zalo %s refused: [%s] %s", method, code, description)
        raise error_for(code, description, method)

    def _redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "<token>")
        return text


def _envelope(raw: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) and "ok" in data else None


def _webhook_info(result: Any, default_url: str) -> WebhookInfo:
    info = _as_dict(result)
    url = info.get("url")
    updated = info.get("updated_at")
    return WebhookInfo(
        url=url if isinstance(url, str) else default_url,
        updated_at=updated if isinstance(updated, int) and not isinstance(updated, bool) else None,
    )


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _check_chat(chat_id: str, method: str) -> None:
    if not isinstance(chat_id, str) or not chat_id.strip():
        raise ZaloBadRequest(400, "chat_id must be a non-empty string", method)


def _check_text(text: str, method: str, field: str) -> None:
    if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT_LEN:
        size = len(text) if isinstance(text, str) else type(text).__name__
        raise ZaloBadRequest(
            400, f"{field} must be 1..{MAX_TEXT_LEN} characters, got {size}", method
        )


def _check_http_url(url: str, method: str, field: str) -> None:
    if not _is_http_url(url):
        raise ZaloBadRequest(400, f"{field} must be an absolute http(s) URL", method)


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 1) > 0
    except (TypeError, ValueError, AttributeError):
        return False
