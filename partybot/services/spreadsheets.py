"""Spreadsheets in and out: xlsx reports for secretaries, CSV/XLSX tables for imports.

Operators prepare rosters and bank statements in Excel or export them as CSV with whatever
header spelling, delimiter and encoding their tools produce, so reading matches headers after
folding and copes with the usual CSV variants; writing produces real numbers and dates so the
sheets sort and sum in Excel.
"""

import csv
import io
import re
from collections.abc import Collection, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from partybot.services.textnorm import fold, nfc

BUSINESS_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
HEADER_SCAN_ROWS = 30  # bank statements put a title and account details above the table
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _excel_value(value: Any, column: int, money: Collection[int], dates: Collection[int]) -> Any:
    if value is None:
        return None
    if column in money and (not isinstance(value, int) or isinstance(value, bool)):
        raise TypeError(f"money column {column} needs integer VND, got {value!r}")
    if column in dates:
        if not isinstance(value, date):
            raise TypeError(f"date column {column} needs a date or datetime, got {value!r}")
        if isinstance(value, datetime) and value.tzinfo is not None:
            # Excel has no time zones: show the business-calendar wall clock.
            return value.astimezone(BUSINESS_TZ).replace(tzinfo=None)
    return nfc(value) if isinstance(value, str) else value


def _number_format(value: Any, column: int, money: Collection[int]) -> str | None:
    if column in money:
        return MONEY_FORMAT
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return None


def _display_width(value: Any, number_format: str | None) -> int:
    if value is None:
        return 0
    if number_format == MONEY_FORMAT:
        return len(f"{value:,}")
    if number_format in (DATE_FORMAT, DATETIME_FORMAT):
        return len(number_format)
    return max(len(line) for line in str(value).splitlines() or [""])


def xlsx_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    totals: Sequence[Any] | None = None,
    money_columns: Collection[int] = frozenset(),
    date_columns: Collection[int] = frozenset(),
) -> bytes:
    """One-sheet workbook: title in row 1, bold frozen header in row 2, data, optional totals.

    Column indexes in money_columns/date_columns are 0-based. Money cells must be int (VND,
    shown as "#,##0"); date cells date or datetime (aware datetimes shown in Vietnam time).
    Raises TypeError for a wrongly typed money/date value and ValueError for a ragged row.
    """
    width = len(headers)
    for number, row in enumerate([*rows, *([totals] if totals is not None else [])], start=1):
        if len(row) != width:
            raise ValueError(f"row {number} has {len(row)} cells, the header has {width}")
    book = Workbook()
    sheet = book.active
    sheet.title = _SHEET_NAME_BAD.sub(" ", nfc(title))[:31].strip() or "Sheet1"
    sheet.append([nfc(title)])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([nfc(h) for h in headers])
    widths = [len(h) for h in headers]
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    body = [(row, False) for row in rows] + ([(totals, True)] if totals is not None else [])
    for row, is_total in body:
        values = [_excel_value(v, c, money_columns, date_columns) for c, v in enumerate(row)]
        sheet.append(values)
        for column, cell in enumerate(sheet[sheet.max_row]):
            fmt = _number_format(cell.value, column, money_columns)
            if fmt:
                cell.number_format = fmt
            if is_total:
                cell.font = Font(bold=True)
            widths[column] = max(widths[column], _display_width(cell.value, fmt))
    for column, chars in enumerate(widths, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(max(chars + 2, _MIN_WIDTH), _MAX_WIDTH)
    sheet.freeze_panes = "A3"
    if rows:
        last = get_column_letter(width)
        sheet.auto_filter.ref = f"A2:{last}{2 + len(rows)}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TableRow(dict[str, Any]):
    """One data row keyed by header; `row_number` is its 1-based row in the source file."""

    def __init__(self, row_number: int, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.row_number = row_number


def _header_key(text: Any) -> str:
    return fold(str(text)).replace(" ", "") if text is not None else ""


def _is_xlsx(source: str | Path | bytes) -> bool:
    if isinstance(source, bytes):
        return source.startswith(b"PK\x03\x04")
    return Path(source).suffix.lower() in (".xlsx", ".xlsm")


def _decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1258")  # Windows Vietnamese, what older Excel exports use


def _csv_rows(text: str) -> list[tuple[int, list[Any]]]:
    # A title line may come first, so look at the lines where the header can be.
    top = "\n".join(text.splitlines()[: HEADER_SCAN_ROWS + 1])
    delimiter = max(";,\t", key=top.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return list(enumerate(reader, start=1))


def _is_date_only(number_format: str) -> bool:
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]', "", number_format.lower())
    return "h" not in plain and "s" not in plain


def _xlsx_rows(data: bytes, sheet: str | None) -> list[tuple[int, list[Any]]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows: list[tuple[int, list[Any]]] = []
        for number, cells in enumerate(ws.iter_rows(), start=1):
            values: list[Any] = []
            for cell in cells:
                value = cell.value
                if isinstance(value, datetime) and _is_date_only(cell.number_format):
                    value = value.date()
                values.append(value)
            rows.append((number, values))
        return rows
    finally:
        book.close()


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = nfc(value.strip())
        return value or None
    return value


def _find_header(rows: list[tuple[int, list[Any]]], required_headers: Sequence[str]) -> int:
    """Index of the first top row holding every required header; ValueError naming the gaps."""
    required = {_header_key(h) for h in required_headers}
    scanned = [{_header_key(h) for h in header} for _, header in rows[:HEADER_SCAN_ROWS]]
    for index, keys in enumerate(scanned):
        if required <= keys:
            return index
    best = max(scanned, key=lambda keys: len(required & keys), default=set())
    missing = [h for h in required_headers if _header_key(h) not in best]
    raise ValueError(f"missing columns: {', '.join(missing)}")


def _column_names(header: list[Any], wanted: dict[str, str]) -> dict[int, str]:
    """Column index -> key in the returned rows; unnamed and repeated extra columns are dropped."""
    names: dict[int, str] = {}
    for column, text in enumerate(header):
        key = _header_key(text)
        if not key:
            continue
        name = wanted.get(key) or _clean(str(text))
        if name in names.values():
            if key in wanted:
                raise ValueError(f"column {name!r} appears twice in the header row")
            continue
        names[column] = name
    return names


def read_table(
    source: str | Path | bytes,
    required_headers: Sequence[str],
    optional_headers: Sequence[str] = (),
    sheet: str | None = None,
) -> list[TableRow]:
    """Data rows of a CSV or XLSX table (path or raw bytes) under its header row.

    The header row is the first of the top rows holding every required header, compared after
    folding case, diacritics and spaces ("Số thẻ đảng viên" == "so the dang vien"). Required and
    optional headers come back keyed as the caller spelt them, other columns as the file spells
    them. Text is stripped and NFC-normalised, blank cells are None, blank rows are skipped.
    CSV: UTF-8 (with or without BOM), UTF-16 or cp1258; delimiter ";", "," or tab.
    Raises ValueError when no header row has all the required headers.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    rows = _xlsx_rows(data, sheet) if _is_xlsx(source) else _csv_rows(_decode_csv(data))
    header_at = _find_header(rows, required_headers)
    wanted = {_header_key(h): h for h in (*required_headers, *optional_headers)}
    names = _column_names(rows[header_at][1], wanted)
    table: list[TableRow] = []
    for number, values in rows[header_at + 1 :]:
        cleaned = [_clean(v) for v in values]
        if all(v is None for v in cleaned):
            continue
        record = {name: cleaned[c] if c < len(cleaned) else None for c, name in names.items()}
        for header_name in optional_headers:
            record.setdefault(header_name, None)
        table.append(TableRow(number, record))
    return table
