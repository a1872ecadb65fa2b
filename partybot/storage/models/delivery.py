"""Messages waiting to be delivered, and the files (QR codes, PDFs) they carry."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from partybot.storage.models.base import Base, utcnow


class Urgency(StrEnum):
    """Reminders wait out quiet hours; prompts and replies to the user's own action do not."""

    REPLY = "reply"
    PROMPT = "prompt"
    REMINDER = "reminder"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class OutboxMessage(Base):
    """A notice for one member: an event name and its parameters, rendered at delivery time."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    urgency: Mapped[str] = mapped_column(String(10), default=Urgency.PROMPT)
    dedup_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )


Index("ix_outbox_due", OutboxMessage.status, OutboxMessage.available_at)
Index("ix_outbox_member", OutboxMessage.member_id, OutboxMessage.id)


class StoredFile(Base):
    """Bytes to hand to a channel; `token` is the unguessable name under which Zalo fetches it."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))  # xlsx types are 65 characters
    data: Mapped[bytes] = mapped_column(LargeBinary)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
