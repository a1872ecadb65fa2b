"""Zalo Bot API channel: our own async client and update parsing."""

from partybot.handlers.zalo.client import (
    DEFAULT_API_BASE,
    MAX_TEXT_LEN,
    BotInfo,
    WebhookInfo,
    ZaloApiError,
    ZaloBadRequest,
    ZaloBotClient,
    ZaloForbidden,
    ZaloQuotaExceeded,
    ZaloServerError,
    ZaloUnauthorized,
    error_for,
)
from partybot.handlers.zalo.updates import (
    SECRET_HEADER,
    UpdateKind,
    ZaloUpdate,
    dedup_key,
    parse_update,
    verify_secret,
)

__all__ = [
    "DEFAULT_API_BASE",
    "MAX_TEXT_LEN",
    "SECRET_HEADER",
    "BotInfo",
    "UpdateKind",
    "WebhookInfo",
    "ZaloApiError",
    "ZaloBadRequest",
    "ZaloBotClient",
    "ZaloForbidden",
    "ZaloQuotaExceeded",
    "ZaloServerError",
    "ZaloUnauthorized",
    "ZaloUpdate",
    "dedup_key",
    "error_for",
    "parse_update",
    "verify_secret",
]
