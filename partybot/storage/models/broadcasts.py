"""Announcements a secretary or committee office sends to its members through the outbox."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from partybot.storage.models.base import Base, utcnow


class Broadcast(Base):
    """One announcement; its deliveries are the outbox rows that carry its id.

    `skipped` counts the members who had no reachable channel when it was queued (they are told
    in person); the progress of the rest is read from the outbox rows themselves.
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(2000))
    recipients: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


Index("ix_broadcasts_sender", Broadcast.sender_id, Broadcast.id)
