"""The one settings model, read from the environment or `.env`.

A leaf module: the composition root (`bot/`) builds it once and hands it down; lower layers take it
as an argument and never read the environment themselves.
"""

from datetime import date, time
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

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
    # Zalo publishes no rate limit; stay gentle: a few messages a second, one per chat.
    zalo_global_rate: float = 10
    zalo_per_chat_rate: float = 1
    zalo_per_chat_burst: int = 3

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
    flood_messages: int = Field(
        default=8, description="More messages than this within FLOOD_WINDOW_SECONDS are slowed."
    )
    flood_window_seconds: float = 10

    # Approvals: one reminder to the approver, then escalation to the committee office above.
    approval_remind_hours: float = 24
    approval_escalate_hours: float = 72

    # Residence review (QĐ 213): the duty list, the comment limit, the place on the document.
    review_duties_file: Path | None = Field(
        default=None,
        description="CSV/XLSX with columns Mã, Nội dung: the duties the residence cell answers "
        "on. Default: the packaged list (the duties readable in the public sources).",
    )
    review_comments_max_chars: int = Field(default=10_000, ge=100)
    review_document_place: str = "Hà Nội"
    # Party dues (issue 5).
    dues_max_months_ahead: int = Field(
        default=12, ge=0, le=24, description="How many months ahead a member may pay."
    )
    dues_start_month: date | None = Field(
        default=None,
        description="First month the ledger owes (YYYY-MM-01) for members with no months yet; "
        "unset: the month the member first appears.",
    )
    dues_receipt_place: str = "Hà Nội"
    bank_webhook_path: str = "/bank/sepay"
    bank_webhook_api_key: str | None = Field(
        default=None, description="SePay 'Authorization: Apikey <key>' secret."
    )
    bank_webhook_hmac_secret: str | None = Field(
        default=None,
        description="SePay HMAC-SHA256 secret (X-SePay-Signature over '<timestamp>.<body>').",
    )
    bank_webhook_max_skew_seconds: int = 300
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
    # Updates handled at once (chats beyond wait their turn); 0: 1 on SQLite, 4 on PostgreSQL.
    telegram_update_concurrency: int = 0

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

    @field_validator("review_duties_file", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # --- transfers ---
    # Rules of Quy định 294-QĐ/TW, in working days (weekends and Vietnamese holidays excluded).
    transfer_start_working_days: int = Field(
        default=60,
        description="An official transfer starts within this many working days of the "
        "decision or the move; later requests carry the member's explanation.",
    )
    transfer_present_working_days: int = Field(
        default=30,
        description="Working days the member has to present the letter at the receiving side.",
    )
    transfer_remind_working_days: int = Field(
        default=5,
        description="The member is reminded this many working days before that deadline.",
    )
    temporary_end_remind_days: int = Field(
        default=30,
        description="A temporary stay is reminded this many days before its end date.",
    )
    transfer_superior: dict[str, str] = Field(
        default_factory=dict,
        description="Per organisation tree, who acts as the superior level when a transfer "
        "leaves a đảng bộ: organisation code -> 'parent' (the đảng ủy's parent, the default), "
        "'self' (the đảng ủy issues the letter itself) or another organisation's code. The "
        "nearest configured ancestor of the đảng ủy wins.",
    )
    transfer_letter_place: str = Field(
        default="Hà Nội", description="The place printed on transfer letters."
    )

    @field_validator("dues_start_month", mode="before")
    @classmethod
    def _first_of_month(cls, value: object) -> object:
        """Accept "2026-09" as well as a date; always the first day of the month."""
        if isinstance(value, str) and len(value.strip()) == 7:
            value = f"{value.strip()}-01"
        if isinstance(value, str) and value.strip():
            return date.fromisoformat(value.strip()).replace(day=1)
        return value or None
