"""Telegram channel (aiogram 3): adapter, renderer, sender, long polling and webhook."""

from partybot.handlers.telegram.adapter import TelegramAdapter, chat_key, mark_unreachable
from partybot.handlers.telegram.channel import (
    TelegramChannel,
    file_loader,
    make_bot,
    make_limiter,
)
from partybot.handlers.telegram.polling import Poller
from partybot.handlers.telegram.render import render, split_text
from partybot.handlers.telegram.sender import CHANNEL, RetryPolicy, TelegramSender
from partybot.handlers.telegram.webhook import SECRET_HEADER, WebhookEndpoint, derived_secret

__all__ = [
    "CHANNEL",
    "SECRET_HEADER",
    "Poller",
    "RetryPolicy",
    "TelegramAdapter",
    "TelegramChannel",
    "TelegramSender",
    "WebhookEndpoint",
    "chat_key",
    "derived_secret",
    "file_loader",
    "make_bot",
    "make_limiter",
    "mark_unreachable",
    "render",
    "split_text",
]
