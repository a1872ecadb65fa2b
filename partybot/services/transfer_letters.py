"""Transfer letters (giấy giới thiệu sinh hoạt đảng): the issuer's register and the PDF.

The register numbers letters per issuing organisation and year and never reuses a number. The PDF
is rendered from the register line and the transfer, so it can be rebuilt identically at any time
(the stored copy handed to a channel expires, the register does not). The wording below is the
document's own template, not chat text.
"""

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import directory, files
from partybot.services.documents import DocumentSpec, KeyValues, Paragraphs, Signature, render_pdf
from partybot.services.transfer_chain import base_committee
from partybot.services.workdays import working_days_between
from partybot.settings import Settings
from partybot.storage.models import (
    Member,
    MemberStatus,
    Organisation,
    StoredFile,
    Transfer,
    TransferKind,
    TransferLetter,
)

TITLE = {
    TransferKind.OFFICIAL: "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG",
    TransferKind.TEMPORARY: "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG TẠM THỜI",
}
PDF_KEEP_DAYS = 90
NO_VALUE = "—"


def register_number(seq: int, year: int) -> str:
    return f"{seq:03d}/{year}/GTSHĐ"


async def issue(
    session: AsyncSession,
    transfer: Transfer,
    issuer: Organisation,
    signer: Member,
    issued_on: date,
    present_by: date | None,
    dues_paid_through: date | None,
    now: datetime,
) -> TransferLetter:
    """Write the next line of the issuer's register for this transfer."""
    year = issued_on.year
    last = await session.scalar(
        select(func.max(TransferLetter.seq)).where(
            TransferLetter.issuer_org_id == issuer.id, TransferLetter.year == year
        )
    )
    seq = (last or 0) + 1
    letter = TransferLetter(
        transfer_id=transfer.id,
        issuer_org_id=issuer.id,
        year=year,
        seq=seq,
        number=register_number(seq, year),
        issued_on=issued_on,
        present_by=present_by,
        dues_paid_through=dues_paid_through,
        signer_id=signer.id,
        signer_name=signer.full_name,
        issued_at=now,
    )
    session.add(letter)
    await session.flush()
    return letter


async def current(session: AsyncSession, transfer_id: int) -> TransferLetter | None:
    """The transfer's valid letter, if one is issued and not voided."""
    return await session.scalar(
        select(TransferLetter)
        .where(TransferLetter.transfer_id == transfer_id, TransferLetter.void_at.is_(None))
        .order_by(TransferLetter.id.desc())
        .limit(1)
    )


async def void(session: AsyncSession, transfer_id: int, now: datetime) -> bool:
    """Void the transfer's valid letter (its register line stays); True when there was one."""
    result = await session.execute(
        update(TransferLetter)
        .where(TransferLetter.transfer_id == transfer_id, TransferLetter.void_at.is_(None))
        .values(void_at=now)
    )
    return bool(result.rowcount)


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else NO_VALUE


async def _place_of(session: AsyncSession, cell_id: int) -> str:
    cell = await directory.organisation(session, cell_id)
    committee = await base_committee(session, cell_id)
    return cell.name if committee.id == cell.id else f"{cell.name}, {committee.name}"


async def spec(
    session: AsyncSession, transfer: Transfer, letter: TransferLetter, settings: Settings
) -> DocumentSpec:
    member = await directory.member(session, transfer.member_id)
    issuer = await directory.organisation(session, letter.issuer_org_id)
    above = await directory.ancestors(session, issuer.id)
    issuer_lines = [org.name.upper() for org in reversed(above[:2])]
    origin = await _place_of(session, transfer.from_org_id)
    if transfer.to_org_id is not None:
        destination = await _place_of(session, transfer.to_org_id)
    else:
        destination = transfer.to_text or NO_VALUE
    status = "dự bị" if member.status == MemberStatus.PROBATIONARY else "chính thức"
    rows = [
        ("Họ và tên", member.full_name),
        ("Ngày sinh", _day(member.birth_date)),
        ("Đảng viên", status),
        ("Số thẻ đảng viên", member.card_number),
        ("Số lý lịch đảng viên", member.biography_number or NO_VALUE),
        ("Ngày vào Đảng", _day(member.admitted_on)),
        ("Ngày chính thức", _day(member.official_on)),
        ("Đang sinh hoạt tại", origin),
        ("Chuyển đến sinh hoạt tại", destination),
        ("Lý do", transfer.reason),
    ]
    paid = letter.dues_paid_through
    rows.append(("Đã đóng đảng phí đến hết", f"tháng {paid:%m/%Y}" if paid else NO_VALUE))
    closing: list[str] = []
    if transfer.kind == TransferKind.TEMPORARY:
        rows.append(
            (
                "Thời gian sinh hoạt tạm thời",
                f"từ {_day(transfer.start_date)} đến {_day(transfer.end_date)}",
            )
        )
        closing.append(
            "Trong thời gian sinh hoạt đảng tạm thời, đồng chí có tên trên tham gia sinh hoạt "
            "nhưng không biểu quyết, không ứng cử, đề cử và bầu cử tại nơi sinh hoạt tạm thời."
        )
    if letter.present_by is not None:
        rows.append(("Hạn trình giấy giới thiệu", f"đến hết ngày {_day(letter.present_by)}"))
        closing.append(
            "Đồng chí có tên trên mang giấy này và hồ sơ đảng viên đã niêm phong đến trình cấp ủy "
            f"nơi chuyển đến trong thời hạn trên "
            f"({working_days_between(letter.issued_on, letter.present_by)} ngày làm việc "
            "kể từ ngày cấp)."
        )
    closing.append("Đề nghị cấp ủy nơi chuyển đến tiếp nhận và quản lý.")
    return DocumentSpec(
        issuer_lines=issuer_lines,
        number=letter.number,
        place=settings.transfer_letter_place,
        issued_on=letter.issued_on,
        title=TITLE[TransferKind(transfer.kind)],
        sections=[
            Paragraphs([f"{issuer.name} trân trọng giới thiệu:"]),
            KeyValues(rows),
            Paragraphs(closing),
        ],
        signature=Signature(f"T/M {issuer.name.upper()}", letter.signer_name, letter.issued_at),
        verification_code=f"GTSHD-{issuer.code}-{letter.year}-{letter.seq:03d}",
        created_at=letter.issued_at,
    )


async def pdf(
    session: AsyncSession, transfer: Transfer, letter: TransferLetter, settings: Settings
) -> bytes:
    return render_pdf(await spec(session, transfer, letter, settings))


async def store_pdf(
    session: AsyncSession,
    transfer: Transfer,
    letter: TransferLetter,
    settings: Settings,
    now: datetime,
) -> StoredFile:
    """The letter as a stored file, ready to attach to a message."""
    data = await pdf(session, transfer, letter, settings)
    filename = f"giay-gioi-thieu-{letter.year}-{letter.seq:03d}.pdf"
    return await files.store(
        session,
        data,
        filename,
        "application/pdf",
        now,
        member_id=transfer.member_id,
        keep_days=PDF_KEEP_DAYS,
    )
