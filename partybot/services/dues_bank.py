"""Credits on a cell's bank account, from a bank notification or a statement row, matched to dues.

Every credit is recorded once (keyed by the provider's transaction id, and by the bank's own
reference across providers), whatever happens next: matched by the memo's payment reference and
the exact amount it settles a payment; otherwise it is kept for the treasurer to resolve, never
lost. A repeated delivery changes nothing.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import approvals, audit, directory, dues
from partybot.services.payment_refs import find_references
from partybot.services.spreadsheets import TableRow, read_table
from partybot.services.textnorm import fold
from partybot.settings import Settings
from partybot.storage.models import (
    BankTransaction,
    BankTxStatus,
    DuesPayment,
    IntentStatus,
    Member,
    Organisation,
    PaymentIntent,
    PaymentMethod,
)
from partybot.storage.queries import insert_ignoring_conflict

MEMO_MAX = 500


class Reason(StrEnum):
    """Why a credit waits for the treasurer."""

    UNKNOWN_ACCOUNT = "unknown_account"
    NO_REFERENCE = "no_reference"
    UNKNOWN_REFERENCE = "unknown_reference"
    AMOUNT_MISMATCH = "amount_mismatch"
    ALREADY_PAID = "already_paid"
    WRONG_ACCOUNT = "wrong_account"


class Result(StrEnum):
    MATCHED = "matched"
    REVIEW = "review"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Credit:
    """An incoming transfer as a bank reports it."""

    provider: str
    external_id: str
    account: str
    amount: int
    memo: str
    occurred_at: datetime
    bank_ref: str | None = None
    code: str | None = None  # a payment code the provider already recognised
    raw: dict[str, Any] = field(default_factory=dict)


def clean_account(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text)


async def org_by_account(session: AsyncSession, account: str) -> Organisation | None:
    wanted = clean_account(account)
    candidates = (
        await session.scalars(select(Organisation).where(Organisation.bank_account.is_not(None)))
    ).all()
    return next((o for o in candidates if clean_account(o.bank_account or "") == wanted), None)


async def _already_seen(session: AsyncSession, credit: Credit) -> BankTransaction | None:
    if not credit.bank_ref:
        return None
    return await session.scalar(
        select(BankTransaction).where(
            BankTransaction.account == clean_account(credit.account),
            BankTransaction.bank_ref == credit.bank_ref,
        )
    )


async def _intent_for(session: AsyncSession, credit: Credit) -> tuple[PaymentIntent | None, bool]:
    """The intent named in the memo (or the provider's code); and whether any reference was seen."""
    references = find_references(" ".join(p for p in (credit.code, credit.memo) if p))
    for reference in references:
        intent = await session.scalar(
            select(PaymentIntent).where(PaymentIntent.reference == reference)
        )
        if intent is not None:
            return intent, True
    return None, bool(references)


async def _same_payment_seen(
    session: AsyncSession, intent: PaymentIntent, credit: Credit, settings: Settings
) -> bool:
    """The intent was paid by a credit of the same amount on the same day: this is that credit,
    reported again by another source (a notification, then the statement)."""
    day = credit.occurred_at.astimezone(settings.tz).date()
    earlier = (
        await session.scalars(
            select(BankTransaction).where(
                BankTransaction.intent_id == intent.id,
                BankTransaction.status == BankTxStatus.MATCHED,
                BankTransaction.amount == credit.amount,
            )
        )
    ).all()
    return any(t.occurred_at.astimezone(settings.tz).date() == day for t in earlier)


async def record_credit(
    session: AsyncSession, settings: Settings, credit: Credit, now: datetime
) -> tuple[Result, BankTransaction | None]:
    """Record one incoming transfer and settle it if it matches; safe to call again."""
    if credit.amount <= 0:
        raise ValueError("a credit must have a positive amount")
    if await _already_seen(session, credit):
        return Result.DUPLICATE, None
    inserted = await insert_ignoring_conflict(
        session,
        BankTransaction,
        {
            "provider": credit.provider,
            "external_id": credit.external_id,
            "bank_ref": credit.bank_ref,
            "account": clean_account(credit.account),
            "amount": credit.amount,
            "memo": credit.memo[:MEMO_MAX],
            "occurred_at": credit.occurred_at,
            "status": BankTxStatus.REVIEW,
            "raw": credit.raw,
            "created_at": now,
        },
    )
    if not inserted:
        return Result.DUPLICATE, None
    tx = await session.scalar(
        select(BankTransaction).where(
            BankTransaction.provider == credit.provider,
            BankTransaction.external_id == credit.external_id,
        )
    )
    assert tx is not None
    org = await org_by_account(session, credit.account)
    tx.org_id = org.id if org else None
    intent, saw_reference = await _intent_for(session, credit)
    tx.intent_id = intent.id if intent else None
    reason: Reason | None = None
    if org is None:
        reason = Reason.UNKNOWN_ACCOUNT
    elif intent is None:
        reason = Reason.UNKNOWN_REFERENCE if saw_reference else Reason.NO_REFERENCE
    elif intent.status == IntentStatus.PAID:
        if await _same_payment_seen(session, intent, credit, settings):
            await session.delete(tx)
            await session.flush()
            return Result.DUPLICATE, None
        reason = Reason.ALREADY_PAID
    elif intent.org_id != org.id:
        reason = Reason.WRONG_ACCOUNT
    elif intent.amount != credit.amount:
        reason = Reason.AMOUNT_MISMATCH
    if reason is not None:
        tx.reason = reason
        await _ask_treasurer(session, settings, tx, intent, now)
        audit.record(session, "dues.credit_review", f"bank:{tx.id}", None, {"reason": reason})
        return Result.REVIEW, tx
    assert intent is not None
    member = await directory.member(session, intent.member_id)
    tx.status = BankTxStatus.MATCHED
    await session.flush()
    await dues.record_payment(
        session,
        settings,
        member,
        credit.amount,
        PaymentMethod.BANK if credit.provider != "statement" else PaymentMethod.STATEMENT,
        now,
        received_at=credit.occurred_at,
        intent=intent,
        bank_transaction_id=tx.id,
    )
    return Result.MATCHED, tx


async def _ask_treasurer(
    session: AsyncSession,
    settings: Settings,
    tx: BankTransaction,
    intent: PaymentIntent | None,
    now: datetime,
) -> None:
    """An approval for the cell's treasurer; with no known account there is nobody to ask yet,
    and the row waits in `partybot payments unmatched`."""
    if tx.org_id is None:
        return
    params: dict[str, Any] = {
        "amount": tx.amount,
        "memo": tx.memo[:120],
        "reason": tx.reason,
        "occurred_at": tx.occurred_at.astimezone(settings.tz).isoformat(),
        "account": tx.account,
    }
    if intent is not None:
        member = await directory.member(session, intent.member_id)
        params |= {"name": member.full_name, "expected": intent.amount}
    await approvals.request(
        session,
        kind="dues.transfer",
        subject_id=tx.id,
        org_id=tx.org_id,
        params=params,
        now=now,
        actions=["resolve"],
        roles=dues.DUES_ROLES,
    )


async def waiting(session: AsyncSession, org_id: int | None = None) -> list[BankTransaction]:
    """Credits waiting for the treasurer (all of them when `org_id` is None)."""
    query = select(BankTransaction).where(BankTransaction.status == BankTxStatus.REVIEW)
    if org_id is not None:
        query = query.where(
            BankTransaction.org_id.in_(await directory.descendants(session, org_id))
        )
    return list((await session.scalars(query.order_by(BankTransaction.occurred_at))).all())


async def suggested_member(session: AsyncSession, tx: BankTransaction) -> Member | None:
    if tx.intent_id is None:
        return None
    intent = await session.get(PaymentIntent, tx.intent_id)
    return await directory.member(session, intent.member_id) if intent else None


async def resolve(
    session: AsyncSession,
    settings: Settings,
    tx: BankTransaction,
    member: Member,
    actor: Member,
    now: datetime,
) -> DuesPayment:
    """The treasurer assigns a waiting credit to a member: the whole amount settles their oldest
    months (and months ahead); the receipt goes out."""
    if tx.status != BankTxStatus.REVIEW:
        raise ValueError("this transfer is already handled")
    if not await dues.may_collect(session, actor, member):
        raise PermissionError("not this member's treasurer")
    intent = await session.get(PaymentIntent, tx.intent_id) if tx.intent_id else None
    if intent is not None and (intent.member_id != member.id or intent.status == IntentStatus.PAID):
        intent = None
    tx.status, tx.resolved_at, tx.resolved_by_id = BankTxStatus.RESOLVED, now, actor.id
    await session.flush()
    payment = await dues.record_payment(
        session,
        settings,
        member,
        tx.amount,
        PaymentMethod.BANK if tx.provider != "statement" else PaymentMethod.STATEMENT,
        now,
        received_at=tx.occurred_at,
        confirmed_by=actor,
        intent=intent,
        bank_transaction_id=tx.id,
    )
    await approvals.close(session, "dues.transfer", tx.id, actor.id, now)
    return payment


async def ignore(session: AsyncSession, tx: BankTransaction, actor: Member, now: datetime) -> None:
    """Not dues (a donation, a mistake to refund): kept on record, out of the way."""
    if tx.status != BankTxStatus.REVIEW:
        raise ValueError("this transfer is already handled")
    if tx.org_id is None or not await directory.holds_role_over(
        session, actor.id, tx.org_id, dues.DUES_ROLES
    ):
        raise PermissionError("not this account's treasurer")
    tx.status, tx.resolved_at, tx.resolved_by_id = BankTxStatus.IGNORED, now, actor.id
    await approvals.close(session, "dues.transfer", tx.id, actor.id, now)
    audit.record(session, "dues.credit_ignored", f"bank:{tx.id}", actor.id, {})


# -- statements -----------------------------------------------------------------------------------

ID_HEADERS = ("Mã giao dịch", "Số tham chiếu", "Mã tham chiếu", "Số bút toán")
DATE_HEADERS = ("Ngày giao dịch", "Ngày", "Thời gian giao dịch", "Ngày hiệu lực")
AMOUNT_HEADERS = ("Số tiền", "Số tiền ghi có", "Ghi có", "Phát sinh có")
MEMO_HEADERS = ("Nội dung", "Nội dung giao dịch", "Diễn giải", "Mô tả", "Nội dung chuyển khoản")
ACCOUNT_HEADERS = ("Số tài khoản", "Tài khoản")


class RowProblem(StrEnum):
    BAD_AMOUNT = "bad_amount"
    BAD_DATE = "bad_date"
    NO_ACCOUNT = "no_account"


@dataclass
class StatementReport:
    matched: list[int] = field(default_factory=list)  # row numbers
    review: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    duplicates: list[int] = field(default_factory=list)
    outgoing: list[int] = field(default_factory=list)
    problems: list[tuple[int, RowProblem, str]] = field(default_factory=list)
    no_header: str | None = None
    written: bool = False


_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:([.,\s])\d{3})*(?:[.,]\d{1,2})?$|^[+-]?\d+(?:[.,]\d{1,2})?$")


def parse_money(value: Any) -> int | None:
    """A statement amount: 35000, 35000.0, "35.000", "35,000.00", "+35 000 VND"; None if not a
    whole number of đồng."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if value is None:
        return None
    text = re.sub(r"(?i)\s*(vnd|đ|d|dong)\s*$", "", str(value).strip())
    if not _NUMBER.match(text):
        return None
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    decimals = re.search(r"[.,](\d{1,2})$", text)
    if decimals and not re.search(r"[.,]\d{3}$", text):
        if int(decimals.group(1)) != 0:
            return None
        text = text[: decimals.start()]
    return sign * int(re.sub(r"[.,\s]", "", text))


def parse_moment(value: Any, settings: Settings) -> datetime | None:
    """A statement date (or date and time), read in the business time zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(12))
    elif isinstance(value, str):
        text = value.strip()
        for pattern in (
            "%d/%m/%Y %H:%M:%S",
            "%d/%m/%Y %H:%M",
            "%d/%m/%Y",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d",
            "%d-%m-%Y",
        ):
            try:
                moment = datetime.strptime(text, pattern)
            except ValueError:
                continue
            if "%H" not in pattern:
                moment = moment.replace(hour=12)
            break
        else:
            return None
    else:
        return None
    return moment.replace(tzinfo=settings.tz) if moment.tzinfo is None else moment


def _read_statement(data: bytes) -> list[TableRow]:
    """The statement's rows under the first header row that names an amount and a memo column."""
    last_error = "missing columns"
    optional = (*ID_HEADERS, *DATE_HEADERS, *AMOUNT_HEADERS, *MEMO_HEADERS, *ACCOUNT_HEADERS)
    for amount in AMOUNT_HEADERS:
        for memo in MEMO_HEADERS:
            try:
                return read_table(data, (amount, memo), optional)
            except ValueError as missing:
                last_error = str(missing)
    raise ValueError(last_error)


def _first(row: TableRow, headers: tuple[str, ...]) -> Any:
    return next((row[h] for h in headers if row.get(h) not in (None, "")), None)


def _synthetic_id(account: str, moment: datetime, amount: int, memo: str) -> str:
    digest = hashlib.sha256(f"{account}|{moment.isoformat()}|{amount}|{fold(memo)}".encode())
    return "row-" + digest.hexdigest()[:24]


async def import_statement(
    session: AsyncSession,
    settings: Settings,
    data: bytes,
    now: datetime,
    account: str | None = None,
    partial: bool = False,
) -> StatementReport:
    """Match a bank statement (CSV/XLSX) like notifications. All-or-nothing unless `partial`:
    a broken row is reported and, by default, nothing is written."""
    report = StatementReport()
    try:
        rows = _read_statement(data)
    except ValueError as missing:
        report.no_header = str(missing)
        return report
    credits: list[tuple[int, Credit]] = []
    for row in rows:
        amount = parse_money(_first(row, AMOUNT_HEADERS))
        moment = parse_moment(_first(row, DATE_HEADERS), settings)
        row_account = _first(row, ACCOUNT_HEADERS) or account
        if amount is None:
            report.problems.append(
                (row.row_number, RowProblem.BAD_AMOUNT, str(_first(row, AMOUNT_HEADERS)))
            )
            continue
        if moment is None:
            report.problems.append(
                (row.row_number, RowProblem.BAD_DATE, str(_first(row, DATE_HEADERS)))
            )
            continue
        if not row_account:
            report.problems.append((row.row_number, RowProblem.NO_ACCOUNT, ""))
            continue
        if amount <= 0:
            report.outgoing.append(row.row_number)
            continue
        memo = str(_first(row, MEMO_HEADERS) or "")
        reference = _first(row, ID_HEADERS)
        bank_ref = str(reference).strip() if reference is not None else None
        if isinstance(reference, float) and reference.is_integer():
            bank_ref = str(int(reference))
        clean = clean_account(str(row_account))
        credits.append(
            (
                row.row_number,
                Credit(
                    provider="statement",
                    external_id=f"{clean}:{bank_ref}"
                    if bank_ref
                    else _synthetic_id(clean, moment, amount, memo),
                    account=clean,
                    amount=amount,
                    memo=memo,
                    occurred_at=moment,
                    bank_ref=bank_ref,
                    raw={k: str(v) for k, v in row.items() if v is not None},
                ),
            )
        )
    if report.problems and not partial:
        return report
    for number, credit in credits:
        result, tx = await record_credit(session, settings, credit, now)
        if result == Result.MATCHED:
            report.matched.append(number)
        elif result == Result.DUPLICATE:
            report.duplicates.append(number)
        else:
            report.review.append((number, tx.reason if tx and tx.reason else ""))
    report.written = True
    audit.record(
        session,
        "dues.statement_imported",
        "bank",
        None,
        {
            "matched": len(report.matched),
            "review": len(report.review),
            "duplicates": len(report.duplicates),
            "problems": len(report.problems),
        },
    )
    return report
