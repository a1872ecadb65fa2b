"""The one settings model, read from the environment or `.env`.

A leaf module: the composition root (`bot/`) builds it once and hands it down; lower layers take it
as an argument and never read the environment themselves.
"""

from datetime import time
from functools import cached_property
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Storage
    database_url: str = "sqlite+aiosqlite:///./partybot.db"

    # Telegram
    telegram_bot_token: str | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None

    # Zalo
    zalo_bot_token: str | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_secret: str | None = None

    # Web server (webhooks, files served to Zalo)
    public_base_url: str | None = None
    web_host: str = "0.0.0.0"
    web_port: int = 8080

    # Sending
    redis_url: str | None = None

    # People and time
    timezone: str = "Asia/Ho_Chi_Minh"
    address_form: str = Field(
        default="Bác",
        description="How the bot addresses a member in every text: 'Bác' or 'Đồng chí'.",
    )
    quiet_hours_start: time = time(21, 0)
    quiet_hours_end: time = time(7, 0)

    # Onboarding
    invite_ttl_hours: int = 72
    invite_max_attempts: int = 5

    # Dialogs
    resume_after_minutes: int = Field(
        default=120,
        description="A member returning after this long to an unfinished step is asked to "
        "continue or start over.",
    )
    max_tries: int = 3

    # Approvals: one reminder to the approver, then escalation to the committee office above.
    approval_remind_hours: float = 24
    approval_escalate_hours: float = 72

    # --- telegram ---
    # Sending pace, shared by replies and the outbox worker (through Redis when REDIS_URL is set):
    # Telegram allows about 30 messages/s per bot and about 1/s per chat, with short bursts.
    telegram_global_rate: float = 25.0
    telegram_per_chat_rate: float = 1.0
    telegram_per_chat_burst: int = 3
    # A 429 asking to wait longer than this (seconds) goes back to the caller as RetryLater.
    telegram_max_retry_wait: float = 30.0
    # Tries for a send that meets network trouble or a 5xx, the first pause doubling each time.
    telegram_send_attempts: int = 3
    telegram_retry_backoff: float = 0.5
    # Long polling: seconds one getUpdates call waits for news.
    telegram_poll_timeout: int = 30

    # --- notify: outbox delivery worker, scheduled sweeps, broadcasts ---
    # How many outbox rows one worker claims at a time and sends at once (the channel's rate
    # limiter paces them), and how long a claim lasts before another worker may take the row.
    outbox_batch_size: int = Field(default=60, ge=1)
    outbox_concurrency: int = Field(default=60, ge=1)
    outbox_lease_seconds: float = Field(default=120, gt=0)
    outbox_send_timeout_seconds: float = Field(default=60, gt=0)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    # A row that failed this many times on a healthy channel is dead (see `partybot outbox`).
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_backoff_base_seconds: float = Field(default=10, gt=0)
    outbox_backoff_max_seconds: float = Field(default=1800, gt=0)
    # A failing channel (5xx, network) is paused for this long at most between probes.
    outbox_channel_pause_max_seconds: float = Field(default=60, gt=0)
    # Sweep schedules overriding the defaults, as JSON: {"approvals.sla": "*/5 * * * *"};
    # "off" stops a sweep. Checked when `partybot run` starts.
    sweep_schedules: dict[str, str] = Field(default_factory=dict)
    # How often a standby scheduler (or, without REDIS_URL, a standby worker) tries to take over
    # its PostgreSQL advisory lock, and how often the holder checks that it still holds it.
    lock_retry_seconds: float = Field(default=15, gt=0)
    broadcast_max_chars: int = Field(default=1000, ge=50, le=1800)

    @field_validator("address_form")
    @classmethod
    def _known_form(cls, value: str) -> str:
        if value not in ("Bác", "Đồng chí"):
            raise ValueError("ADDRESS_FORM must be 'Bác' or 'Đồng chí'")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
