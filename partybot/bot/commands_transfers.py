"""`partybot export transfers`: the ward office's Excel list of transfers over a period."""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.bot.app import App
from partybot.bot.cliutil import DbOption, console, run_with_app, settings_for
from partybot.services import directory, transfer_views
from partybot.services import transfer_letters as letters
from partybot.services.spreadsheets import xlsx_table
from partybot.services.transfer_chain import base_committee
from partybot.settings import Settings
from partybot.storage.models import Organisation, Transfer, TransferKind

HEADERS = (
    "Số giấy giới thiệu",
    "Loại",
    "Chiều",
    "Họ và tên",
    "Số thẻ đảng viên",
    "Từ chi bộ",
    "Đến",
    "Lý do",
    "Ngày gửi",
    "Trạng thái",
    "Ngày cấp giấy",
    "Hạn trình giấy",
    "Ngày tiếp nhận",
    "Tạm thời từ",
    "Tạm thời đến",
)
DATE_COLUMNS = frozenset({8, 10, 11, 12, 13, 14})
KIND = {TransferKind.OFFICIAL: "Chính thức", TransferKind.TEMPORARY: "Tạm thời"}
STATE = {
    "pending": "Đang duyệt",
    "returned": "Trả lại",
    "issued": "Đã cấp giấy",
    "arriving": "Đã nộp giấy",
    "received": "Đã tiếp nhận",
    "active": "Đang sinh hoạt tạm thời",
    "closed": "Kết thúc tạm thời",
    "outside": "Cấp giấy ra ngoài hệ thống",
    "cancelled": "Đã hủy",
}
DIRECTION = {"out": "Đi", "in": "Đến", "both": "Nội bộ"}


def parse_day(text: str) -> date:
    """dd/mm/yyyy, as the office writes it, or ISO yyyy-mm-dd."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise typer.BadParameter(f"không đọc được ngày «{text}» (dùng ngày/tháng/năm)")


def _direction(transfer: Transfer, tree: set[int]) -> str:
    leaving = transfer.from_org_id in tree
    entering = transfer.to_org_id in tree
    return "both" if leaving and entering else ("out" if leaving else "in")


async def export_rows(
    session: AsyncSession, org: Organisation, start: date, end: date, settings: Settings
) -> list[list[Any]]:
    """One row per transfer leaving or entering `org`'s tree, sent or changed in [start, end]."""
    tz = settings.tz
    since = datetime.combine(start, time(), tz)
    until = datetime.combine(end + timedelta(days=1), time(), tz)
    tree = set(await directory.descendants(session, org.id))
    rows: list[list[Any]] = []
    for transfer in await transfer_views.in_period(session, org.id, since, until):
        member = await directory.member(session, transfer.member_id)
        letter = await letters.current(session, transfer.id)
        home = await directory.organisation(session, transfer.from_org_id)
        destination = transfer.to_text or ""
        if transfer.to_org_id is not None:
            cell = await directory.organisation(session, transfer.to_org_id)
            committee = await base_committee(session, cell.id)
            destination = f"{cell.name}, {committee.name}"
        rows.append(
            [
                letter.number if letter else None,
                KIND[TransferKind(transfer.kind)],
                DIRECTION[_direction(transfer, tree)],
                member.full_name,
                member.card_number,
                home.name,
                destination,
                transfer.reason,
                transfer.submitted_at,
                STATE[transfer.status],
                letter.issued_on if letter else None,
                letter.present_by if letter else None,
                transfer.received_on,
                transfer.start_date,
                transfer.end_date,
            ]
        )
    return rows


def export(
    org: Annotated[str, typer.Option("--org", help="Organisation code, e.g. DU-YENHOA.")],
    start: Annotated[str, typer.Option("--from", help="First day, dd/mm/yyyy.")],
    end: Annotated[str, typer.Option("--to", help="Last day (included), dd/mm/yyyy.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the .xlsx file.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Transfers leaving or entering an organisation over a period, as an Excel sheet."""
    first, last = parse_day(start), parse_day(end)
    if last < first:
        raise typer.BadParameter("ngày cuối phải sau ngày đầu", param_hint="--to")
    settings = settings_for(db)
    target = out or Path(f"chuyen-sinh-hoat-{org}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx")

    async def body(opened: App) -> int:
        async with opened.db.transaction() as session:
            found = await session.scalar(select(Organisation).where(Organisation.code == org))
            if found is None:
                console.print(f"[red]Không có tổ chức mã {org}.[/red]")
                raise typer.Exit(1)
            rows = await export_rows(session, found, first, last, settings)
        title = f"Chuyển sinh hoạt đảng — {found.name} — {first:%d/%m/%Y}–{last:%d/%m/%Y}"
        target.write_bytes(xlsx_table(title, HEADERS, rows, date_columns=DATE_COLUMNS))
        return len(rows)

    count = run_with_app(settings, body)
    console.print(f"Đã ghi {count} yêu cầu vào {target}.")
