"""Party dues: the rules as data, the monthly ledger, payments and the bank credits behind them."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from partybot.storage.models.base import Base, utcnow


class DuesRuleSet(Base):
    """A dues regime (Quyết định 342, Quy định 01) and the months it governs."""

    __tablename__ = "dues_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    exempt_party_years: Mapped[int] = mapped_column(default=0)
    max_decision_months: Mapped[int] = mapped_column(default=12)
    confidence: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(300), default="")


class DuesRate(Base):
    """What one category pays in a period; `rate_ppm` is the percentage in parts per million."""

    __tablename__ = "dues_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(30))
    age: Mapped[str | None] = mapped_column(String(12))
    region: Mapped[int | None]
    method: Mapped[str] = mapped_column(String(24))
    rate_ppm: Mapped[int | None]
    amount: Mapped[int | None]
    min_amount: Mapped[int | None]
    max_amount: Mapped[int | None]
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    confidence: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(300), default="")


class MinimumWage(Base):
    """The regional monthly minimum wage in a period (base of the no-income category)."""

    __tablename__ = "minimum_wages"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[int]
    amount: Mapped[int]
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    confidence: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(300), default="")


class ObligationStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    EXEMPT = "exempt"


class DuesObligation(Base):
    """One member's dues for one month. Paid and exempt months keep the amount they had; open
    months follow the current rules, base and decisions (they are re-priced when those change)."""

    __tablename__ = "dues_obligations"
    __table_args__ = (UniqueConstraint("member_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    month: Mapped[date]  # the first day of the month
    amount: Mapped[int]
    paid_amount: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default=ObligationStatus.OPEN)
    rule_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(30))
    base: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)  # how the amount was computed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]


Index("ix_dues_obligations_org_month", DuesObligation.org_id, DuesObligation.month)
Index(
    "ix_dues_obligations_member_status",
    DuesObligation.member_id,
    DuesObligation.status,
    DuesObligation.month,
)


class IntentStatus(StrEnum):
    OPEN = "open"  # QR shown, nothing heard since
    CLAIMED = "claimed"  # the member said "Tôi đã chuyển khoản"
    PAID = "paid"
    CANCELLED = "cancelled"  # the treasurer found no money


class PaymentIntent(Base):
    """A payment the member chose in the dialog: the months, the amount and the memo reference."""

    __tablename__ = "dues_payment_intents"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))  # whose account
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    months: Mapped[list[Any]] = mapped_column(default=list)  # ISO dates of first days
    amount: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=IntentStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class BankTxStatus(StrEnum):
    MATCHED = "matched"  # settled a payment automatically
    REVIEW = "review"  # kept for the treasurer: wrong amount, unknown reference or account
    RESOLVED = "resolved"  # the treasurer assigned it to a member
    IGNORED = "ignored"  # the treasurer said it is not dues


class BankTransaction(Base):
    """A credit seen on a cell's account (bank notification or statement row), never lost."""

    __tablename__ = "bank_transactions"
    __table_args__ = (UniqueConstraint("provider", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))  # "sepay", "statement"
    external_id: Mapped[str] = mapped_column(String(64))
    bank_ref: Mapped[str | None] = mapped_column(String(64))  # the bank's own reference
    account: Mapped[str] = mapped_column(String(32))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    amount: Mapped[int]
    memo: Mapped[str] = mapped_column(String(500), default="")
    occurred_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(30))
    intent_id: Mapped[int | None] = mapped_column(ForeignKey("dues_payment_intents.id"))
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )


Index("ix_bank_transactions_ref", BankTransaction.account, BankTransaction.bank_ref)
Index("ix_bank_transactions_status", BankTransaction.status, BankTransaction.org_id)


class PaymentMethod(StrEnum):
    BANK = "bank"  # matched from a bank notification
    STATEMENT = "statement"  # matched from an imported bank statement
    TRANSFER = "transfer"  # a transfer confirmed by the treasurer
    CASH = "cash"  # cash handed to the cell, confirmed by the treasurer


class DuesPayment(Base):
    """Money received for one member; allocated to months oldest first, with a numbered receipt."""

    __tablename__ = "dues_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    amount: Mapped[int]
    unallocated: Mapped[int] = mapped_column(default=0)  # paid beyond the months allowed ahead
    method: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    intent_id: Mapped[int | None] = mapped_column(ForeignKey("dues_payment_intents.id"))
    bank_transaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_transactions.id"), unique=True
    )
    receipt_number: Mapped[str | None] = mapped_column(String(30), unique=True)


class DuesAllocation(Base):
    """How much of a payment went to which month."""

    __tablename__ = "dues_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("dues_payments.id", ondelete="CASCADE"), index=True
    )
    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("dues_obligations.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[int]


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class DuesRequest(Base):
    """A member's report of a changed base, or an application for exemption or reduction."""

    __tablename__ = "dues_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # "base" or "exemption"
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class DuesExemption(Base):
    """A recorded decision: exemption (100) or reduction (30/50/70 %) for a run of months."""

    __tablename__ = "dues_exemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    percent: Mapped[int]
    first_month: Mapped[date]
    last_month: Mapped[date]
    reason: Mapped[str] = mapped_column(String(30))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("dues_requests.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
