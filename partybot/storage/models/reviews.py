"""Residence reviews (QĐ 213): one request per member and year, its history and writers' drafts."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from partybot.storage.models.base import Base, utcnow


class ReviewStatus(StrEnum):
    REQUESTED = "requested"  # waiting for the residence secretary
    SIGNED = "signed"  # the comments are signed and went back to the workplace
    DECLINED = "declined"  # the residence side could not comment, with a reason


class ReviewRequest(Base):
    """A working member's request for their residence cell's comments for one year.

    `answers` keeps each duty's text as it was asked, so a later change of the configured duty
    list never rewrites a signed review. `turnaround_seconds` is request -> signed, stored so
    reports can aggregate it with plain SQL on every backend.
    """

    __tablename__ = "review_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    workplace_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    residence_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=ReviewStatus.REQUESTED)
    note: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    signer_name: Mapped[str | None] = mapped_column(String(120))
    signer_role: Mapped[str | None] = mapped_column(String(30))
    signer_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    has_cell_committee: Mapped[bool | None]
    answers: Mapped[list[Any]] = mapped_column(default=list)
    front_consulted: Mapped[bool | None]
    comments: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    verification_code: Mapped[str | None] = mapped_column(String(24), unique=True)
    turnaround_seconds: Mapped[int | None]


# At most one open request per member and year, enforced by the database so two taps (or two
# workers) cannot both open one.
Index(
    "uq_review_requests_open",
    ReviewRequest.member_id,
    ReviewRequest.year,
    unique=True,
    sqlite_where=text("status = 'requested'"),
    postgresql_where=text("status = 'requested'"),
)
Index("ix_review_requests_workplace", ReviewRequest.workplace_org_id, ReviewRequest.year)
Index("ix_review_requests_member", ReviewRequest.member_id, ReviewRequest.year)


class ReviewEvent(Base):
    """The request's history: who did what, when (shown in the status view and the export)."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("review_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ReviewDraft(Base):
    """A secretary's half-written form, saved at every answer so nothing typed is ever lost."""

    __tablename__ = "review_drafts"
    __table_args__ = (UniqueConstraint("request_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
