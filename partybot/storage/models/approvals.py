"""Work waiting for someone with a role: one inbox and one reminder rule for every procedure."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from partybot.storage.models.base import Base, utcnow


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class Approval(Base):
    """A step of some procedure waiting for a holder of `roles` in `org_id`.

    `params` carries what the prompt shows (names, dates), so listing the inbox needs no joins
    into each procedure's tables.
    """

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    roles: Mapped[list[Any]] = mapped_column(default=list)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12), default=ApprovalStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    escalated_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


Index("ix_approvals_pending", Approval.status, Approval.org_id)
Index("ix_approvals_subject", Approval.kind, Approval.subject_id)
