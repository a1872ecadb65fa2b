"""Transfers of party activity: the request, its chain of steps, its history and its letters.

Also the two facts a transfer depends on or produces besides the member's official cell: the
inspection/complaint flags that block a transfer, and temporary memberships (no voting rights).
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from partybot.storage.models.base import Base, utcnow


class TransferKind(StrEnum):
    OFFICIAL = "official"
    TEMPORARY = "temporary"


class TransferStatus(StrEnum):
    PENDING = "pending"  # a step before the letter is waiting
    RETURNED = "returned"  # sent back to the member to fix and resubmit
    ISSUED = "issued"  # letter issued, not yet presented at the receiving side
    ARRIVING = "arriving"  # letter presented, the receiving side is confirming
    RECEIVED = "received"  # official: the member's official cell changed (final)
    ACTIVE = "active"  # temporary: the temporary membership runs
    CLOSED = "closed"  # temporary: the member came back or the end date passed (final)
    OUTSIDE = "outside"  # letter issued to an organisation outside the roster (final)
    CANCELLED = "cancelled"  # withdrawn by the member (final)


OPEN_STATUSES = (
    TransferStatus.PENDING,
    TransferStatus.RETURNED,
    TransferStatus.ISSUED,
    TransferStatus.ARRIVING,
    TransferStatus.ACTIVE,
)


class StepKind(StrEnum):
    CELL = "cell"  # the home chi bộ secretary
    OFFICE = "office"  # the home đảng ủy committee office: comments, seals the dossier
    SUPERIOR = "superior"  # the superior level, when the move leaves the đảng bộ
    RECEIVING_OFFICE = "receiving_office"  # the receiving đảng ủy committee office
    RECEIVING_CELL = "receiving_cell"  # the receiving chi bộ, which records the member
    EXTENSION = "extension"  # a temporary stay extended, decided at the temporary cell


class StepStatus(StrEnum):
    WAITING = "waiting"  # not reached yet
    PENDING = "pending"  # an approval is open
    APPROVED = "approved"
    RETURNED = "returned"
    CANCELLED = "cancelled"  # the request was withdrawn or returned elsewhere


class Transfer(Base):
    """One request to move a member's party activity, official or temporary."""

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default=TransferStatus.PENDING)
    reason_code: Mapped[str] = mapped_column(String(20))  # job, retire, leave, home, work, study
    reason: Mapped[str] = mapped_column(String(300))
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    to_text: Mapped[str | None] = mapped_column(String(200))  # a destination outside the roster
    decision_date: Mapped[date | None]  # official: the decision or the move
    late_start_note: Mapped[str | None] = mapped_column(String(300))  # started after 60 w. days
    start_date: Mapped[date | None]  # temporary
    end_date: Mapped[date | None]  # temporary (moves with approved extensions)
    round: Mapped[int] = mapped_column(default=1)  # bumped on every resubmission
    return_reason: Mapped[str | None] = mapped_column(String(300))
    deadline_reminded_at: Mapped[datetime | None]
    late_at: Mapped[datetime | None]  # the deadline to present the letter passed
    late_explanation: Mapped[str | None] = mapped_column(String(500))
    presented_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    received_on: Mapped[date | None]  # the business date of the receipt (dues follow from next)
    end_reminded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_transfers_member", Transfer.member_id, Transfer.status)
Index("ix_transfers_status", Transfer.status, Transfer.kind)
Index("ix_transfers_from", Transfer.from_org_id)
Index("ix_transfers_to", Transfer.to_org_id)


class TransferStep(Base):
    """One link of a transfer's chain for one round; an open one has an approval on its id."""

    __tablename__ = "transfer_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"))
    round: Mapped[int]
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    issues_letter: Mapped[bool] = mapped_column(default=False)
    after_arrival: Mapped[bool] = mapped_column(default=False)  # opens once the letter is shown
    status: Mapped[str] = mapped_column(String(12), default=StepStatus.WAITING)
    requested_end: Mapped[date | None]  # extension steps: the end date asked for
    opened_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(300))


Index("ix_transfer_steps_transfer", TransferStep.transfer_id, TransferStep.round, TransferStep.seq)


class TransferEvent(Base):
    """The history of a transfer, one row per thing that happened to it."""

    __tablename__ = "transfer_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    step_kind: Mapped[str | None] = mapped_column(String(20))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(12))  # the transfer's status after the event
    note: Mapped[str | None] = mapped_column(String(500))


Index("ix_transfer_events_transfer", TransferEvent.transfer_id, TransferEvent.id)


class TransferLetter(Base):
    """The register of transfer letters (giấy giới thiệu) of an issuing organisation.

    Numbers run per issuer and year and are never reused: a letter voided by a return or a
    cancellation keeps its line in the register.
    """

    __tablename__ = "transfer_letters"
    __table_args__ = (UniqueConstraint("issuer_org_id", "year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"))
    issuer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date]
    present_by: Mapped[date | None]  # official: 30 working days, stored (holidays may move)
    dues_paid_through: Mapped[date | None]  # the last month paid when the letter was issued
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    void_at: Mapped[datetime | None]


class TemporaryMembership(Base):
    """A member taking part in another chi bộ for a while, without voting rights."""

    __tablename__ = "temporary_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    voting_rights: Mapped[bool] = mapped_column(default=False)  # never: rule 12, QĐ 294
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(20))  # returned, expired, official


Index(
    "ix_temporary_memberships_member", TemporaryMembership.member_id, TemporaryMembership.closed_at
)


class FlagKind(StrEnum):
    INSPECTION = "inspection"  # under inspection or discipline
    COMPLAINT = "complaint"  # a complaint or denunciation pending


class MemberFlag(Base):
    """An open inspection or complaint about a member, set by the committee office."""

    __tablename__ = "member_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(300))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    cleared_at: Mapped[datetime | None]


Index("ix_member_flags_member", MemberFlag.member_id, MemberFlag.cleared_at)
