"""The dues documents: the receipt (biên lai) and the cell's ledger workbook (sổ thu đảng phí).

Both are built from the ledger alone, so a receipt asked for again months later comes out the same.
Their wording is document text, like the rest of services/documents.py.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from partybot.services.documents import (
    BUSINESS_TZ,
    DocumentSpec,
    KeyValues,
    Signature,
    Table,
    format_vnd,
    render_pdf,
)
from partybot.services.spreadsheets import xlsx_table
from partybot.services.vnwords import vnd_in_words
from partybot.storage.models import DuesPayment, Member, Organisation

METHOD_LABELS = {
    "bank": "Chuyển khoản (ngân hàng báo tự động)",
    "statement": "Chuyển khoản (đối soát sao kê)",
    "transfer": "Chuyển khoản (thủ quỹ xác nhận)",
    "cash": "Tiền mặt",
}
CATEGORY_LABELS = {
    "salary": "Hưởng lương (đóng BHXH)",
    "benefit": "Hưởng trợ cấp ốm đau, thai sản",
    "pension": "Hưởng lương hưu",
    "student": "Học sinh, sinh viên",
    "no_income": "Không lương, không lương hưu",
    "abroad_allowance": "Ở nước ngoài (sinh hoạt phí)",
    "abroad_other": "Ở nước ngoài (mức ấn định)",
    "social_pension": "Trợ cấp hưu trí xã hội",
}
AUTOMATIC = "Đối soát tự động"


def month_label(month: date) -> str:
    return f"{month.month:02d}/{month.year}"


class Line(Protocol):
    month: date
    amount: int
    month_total: int


def months_text(lines: Sequence[Line]) -> str:
    parts = []
    for line in lines:
        label = month_label(line.month)
        if line.amount < line.month_total:
            label += f" (một phần: {format_vnd(line.amount)})"
        parts.append(label)
    return ", ".join(parts) or "—"


def receipt_filename(payment: DuesPayment) -> str:
    return f"bien-lai-{payment.receipt_number}.pdf"


def receipt_pdf(
    payment: DuesPayment,
    member: Member,
    chain: Sequence[Organisation],
    lines: Sequence[Line],
    confirmer: Member | None,
    place: str,
) -> bytes:
    """The numbered receipt for one payment; `chain` is the member's cell and those above it."""
    cell = chain[0]
    issuers = [org.name.upper() for org in reversed(chain[:2])]
    received = payment.received_at.astimezone(BUSINESS_TZ)
    rows = [
        ("Họ và tên", member.full_name),
        ("Số thẻ đảng viên", member.card_number),
        ("Chi bộ", cell.name),
        ("Nộp đảng phí tháng", months_text(lines)),
        ("Số tiền", format_vnd(payment.amount)),
        ("Bằng chữ", vnd_in_words(payment.amount)),
        ("Hình thức", METHOD_LABELS.get(payment.method, payment.method)),
        ("Ngày nộp", received.strftime("%d/%m/%Y")),
        ("Người xác nhận", confirmer.full_name if confirmer else AUTOMATIC),
    ]
    if payment.unallocated:
        rows.append(("Còn dư (tính cho các tháng sau)", format_vnd(payment.unallocated)))
    table = Table(
        headers=("Tháng", "Mức đảng phí", "Nộp lần này"),
        rows=[
            (month_label(line.month), format_vnd(line.month_total), format_vnd(line.amount))
            for line in lines
        ],
        numeric_columns={1, 2},
        col_widths=(1, 1, 1),
    )
    spec = DocumentSpec(
        issuer_lines=issuers,
        number=payment.receipt_number,
        place=place,
        issued_on=received.date(),
        title="BIÊN LAI THU ĐẢNG PHÍ",
        sections=[KeyValues(rows), *([table] if lines else [])],
        signature=Signature(
            "NGƯỜI THU",
            confirmer.full_name if confirmer else AUTOMATIC,
            signed_at=payment.recorded_at,
        ),
        verification_code=payment.receipt_number,
        footer_note="Biên lai lập từ sổ thu đảng phí của chi bộ (Trợ lý Đảng viên).",
        created_at=payment.recorded_at,
    )
    return render_pdf(spec)


@dataclass(frozen=True)
class LedgerRow:
    """One member's line in the month's ledger."""

    cell: str
    name: str
    card: str
    category: str | None
    base: int | None
    amount: int | None  # None: not priced (a fact is missing)
    paid: int
    status: str  # open, paid, exempt, unpriced
    paid_on: datetime | None
    methods: Sequence[str]
    receipts: Sequence[str]
    note: str


LEDGER_HEADERS = (
    "STT",
    "Chi bộ",
    "Họ và tên",
    "Số thẻ đảng viên",
    "Đối tượng",
    "Mức căn cứ",
    "Số phải nộp",
    "Số đã nộp",
    "Ngày nộp",
    "Hình thức",
    "Số biên lai",
    "Ghi chú",
)
STATUS_NOTES = {"exempt": "Miễn", "unpriced": "Chưa tính được mức", "open": "Chưa nộp đủ"}


def ledger_workbook(title: str, rows: Sequence[LedgerRow]) -> bytes:
    """The month's sổ thu đảng phí as an Excel sheet with real numbers, dates and totals."""
    body = [
        [
            index,
            row.cell,
            row.name,
            row.card,
            CATEGORY_LABELS.get(row.category or "", row.category or ""),
            row.base,
            row.amount,
            row.paid,
            row.paid_on,
            ", ".join(METHOD_LABELS.get(m, m) for m in row.methods),
            ", ".join(row.receipts),
            "; ".join(p for p in (STATUS_NOTES.get(row.status, ""), row.note) if p),
        ]
        for index, row in enumerate(rows, start=1)
    ]
    totals = [
        "Tổng cộng",
        f"{len(rows)} đảng viên",
        None,
        None,
        None,
        None,
        sum(r.amount or 0 for r in rows),
        sum(r.paid for r in rows),
        None,
        None,
        None,
        f"Đã nộp đủ {sum(r.status == 'paid' for r in rows)}, miễn "
        f"{sum(r.status == 'exempt' for r in rows)}, chưa nộp đủ "
        f"{sum(r.status in ('open', 'unpriced') for r in rows)}",
    ]
    return xlsx_table(
        title,
        LEDGER_HEADERS,
        body,
        totals=totals,
        money_columns={5, 6, 7},
        date_columns={8},
    )
