import io
import unicodedata
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from partybot.services.spreadsheets import TableRow, read_table, xlsx_table

HEADERS = ["STT", "Họ và tên", "Số thẻ đảng viên", "Ngày nộp", "Số tiền (đ)"]
ROWS = [
    [1, "Nguyễn Văn Ước", "0123456", date(2026, 12, 3), 35_000],
    [2, "Trần Thị Ơn", "0123457", datetime(2026, 12, 4, 9, 30), 1_250_000],
    [3, "Phạm Đức Ưng", "0123458", None, None],
]


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_xlsx_layout_values_and_formats():
    data = xlsx_table(
        "Đảng phí tháng 12/2026 - Chi bộ Khu phố 3",
        HEADERS,
        ROWS,
        totals=["Tổng cộng", None, None, None, 1_285_000],
        money_columns={4},
        date_columns={3},
    )
    ws = _sheet(data)
    assert ws.title == "Đảng phí tháng 12 2026 - Chi bộ"  # 31 characters, no "/"
    assert ws["A1"].value == "Đảng phí tháng 12/2026 - Chi bộ Khu phố 3"
    assert ws["A1"].font.b
    assert [c.value for c in ws[2]] == HEADERS
    assert all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:E5"

    assert [c.value for c in ws[3]] == [
        1,
        "Nguyễn Văn Ước",
        "0123456",
        datetime(2026, 12, 3),
        35000,
    ]
    assert ws["D3"].is_date and ws["D3"].number_format == "dd/mm/yyyy"
    assert ws["D4"].value == datetime(2026, 12, 4, 9, 30)
    assert ws["D4"].number_format == "dd/mm/yyyy hh:mm"
    assert isinstance(ws["E3"].value, int) and ws["E3"].number_format == "#,##0"
    assert ws["E4"].value == 1_250_000 and ws["E4"].number_format == "#,##0"
    assert ws["C3"].data_type == "s"  # card numbers keep their leading zero
    assert ws["D5"].value is None and ws["E5"].value is None

    totals = ws[6]
    assert [c.value for c in totals] == ["Tổng cộng", None, None, None, 1_285_000]
    assert all(c.font.b for c in totals)
    assert totals[4].number_format == "#,##0"
    assert not ws["A5"].font.b
    assert ws.max_row == 6


def test_column_widths_follow_content():
    long_name = "Nguyễn Thị Phương Thảo Hoàng Lan Anh"
    ws = _sheet(
        xlsx_table("T", ["A", "Tên", "Tiền"], [[1, long_name, 123_456_789]], money_columns={2})
    )
    assert ws.column_dimensions["A"].width == 8  # minimum
    assert ws.column_dimensions["B"].width == len(long_name) + 2
    assert ws.column_dimensions["C"].width == len("123,456,789") + 2
    wide = _sheet(xlsx_table("T", ["X"], [["x" * 500]]))
    assert wide.column_dimensions["A"].width == 60


def test_aware_datetimes_shown_in_vietnam_time():
    ws = _sheet(
        xlsx_table("T", ["Lúc"], [[datetime(2026, 12, 3, 1, 0, tzinfo=UTC)]], date_columns={0})
    )
    assert ws["A3"].value == datetime(2026, 12, 3, 8, 0)


def test_xlsx_rejects_wrong_types_and_ragged_rows():
    with pytest.raises(TypeError, match="integer VND"):
        xlsx_table("T", ["Tiền"], [[35000.5]], money_columns={0})
    with pytest.raises(TypeError, match="integer VND"):
        xlsx_table("T", ["Tiền"], [["35.000"]], money_columns={0})
    with pytest.raises(TypeError, match="date"):
        xlsx_table("T", ["Ngày"], [["03/12/2026"]], date_columns={0})
    with pytest.raises(ValueError, match="row 2"):
        xlsx_table("T", ["A", "B"], [[1, 2], [1]])
    with pytest.raises(ValueError, match="row 2"):
        xlsx_table("T", ["A", "B"], [[1, 2]], totals=["Tổng"])


def test_empty_table():
    ws = _sheet(xlsx_table("Trống", ["A", "B"], []))
    assert ws.max_row == 2
    assert ws.auto_filter.ref is None


def test_xlsx_round_trip_through_read_table():
    data = xlsx_table("Danh sách", HEADERS, ROWS, money_columns={4}, date_columns={3})
    rows = read_table(data, ["so the dang vien", "HO VA TEN"], optional_headers=["Ghi chú"])
    assert [r.row_number for r in rows] == [3, 4, 5]
    first = rows[0]
    assert isinstance(first, TableRow) and isinstance(first, dict)
    assert first["so the dang vien"] == "0123456"
    assert first["HO VA TEN"] == "Nguyễn Văn Ước"
    assert first["Ngày nộp"] == date(2026, 12, 3)  # date-only format comes back as a date
    assert first["Số tiền (đ)"] == 35_000
    assert first["STT"] == 1
    assert first["Ghi chú"] is None
    assert rows[1]["Ngày nộp"] == datetime(2026, 12, 4, 9, 30)
    assert rows[2]["Ngày nộp"] is None


def test_read_xlsx_from_path_and_sheet(tmp_path):
    book = Workbook()
    book.active.append(["ignored"])
    other = book.create_sheet("Sao kê")
    other.append(["Ngày GD", "Số tiền", "Nội dung"])
    other.append([datetime(2026, 12, 3, 10, 15), 35000, "  DPAB7K9QXZ  "])
    other.append([None, None, None])
    other.append([datetime(2026, 12, 4, 11, 0), 70000, "NGUYEN VAN A DP3M4N5PCD"])
    path = tmp_path / "statement.XLSX"
    book.save(path)
    rows = read_table(path, ["noi dung", "so tien"], sheet="Sao kê")
    assert [(r.row_number, r["noi dung"], r["so tien"]) for r in rows] == [
        (2, "DPAB7K9QXZ", 35000),
        (4, "NGUYEN VAN A DP3M4N5PCD", 70000),
    ]
    assert rows[0]["Ngày GD"] == datetime(2026, 12, 3, 10, 15)
    assert read_table(str(path), ["ignored"]) == []


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Encode like Windows Vietnamese: letters precomposed, tone marks as combining characters."""
    out = bytearray()
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out += (letter + "".join(c for c in decomposed if c in TONE_MARKS)).encode("cp1258")
    return bytes(out)


VIETNAMESE_CSV = (
    "Số thẻ đảng viên{d}Họ và tên{d}Ngày sinh{d}Ghi chú\r\n"
    "0123456{d}Nguyễn Văn Ước{d}03/12/1950{d}\r\n"
    "\r\n"
    "{d}{d}{d}\r\n"
    '0123457{d}"Trần Thị Ơn{d} Hà Nội"{d}1/2/1948{d} chuyển đến \r\n'
)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "utf-16", "cp1258"])
def test_read_csv_variants(delimiter, encoding):
    text = VIETNAMESE_CSV.format(d=delimiter)
    data = _cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    rows = read_table(data, ["so the dang vien", "ho va ten"])
    assert [r.row_number for r in rows] == [2, 5]
    assert rows[0] == {
        "so the dang vien": "0123456",
        "ho va ten": "Nguyễn Văn Ước",
        "Ngày sinh": "03/12/1950",
        "Ghi chú": None,
    }
    assert rows[1]["ho va ten"] == f"Trần Thị Ơn{delimiter} Hà Nội"
    assert rows[1]["Ghi chú"] == "chuyển đến"


def test_header_matching_folds_case_diacritics_and_spaces():
    data = "  SỐ THẺ  ĐẢNG VIÊN ;Họ và Tên\nA1;B1\n".encode()
    rows = read_table(data, ["Số thẻ đảng viên", "hovaten"])
    assert rows == [{"Số thẻ đảng viên": "A1", "hovaten": "B1"}]


def test_header_row_below_a_title(tmp_path):
    data = xlsx_table("Danh sách đảng viên", ["Số thẻ", "Tên"], [["1", "An"], ["2", "Bình"]])
    rows = read_table(data, ["so the"])
    assert [(r.row_number, r["so the"], r["Tên"]) for r in rows] == [
        (3, "1", "An"),
        (4, "2", "Bình"),
    ]
    book = Workbook()
    book.active.cell(row=3, column=2, value="Số thẻ")  # rows 1-2 are not even stored
    book.active.cell(row=5, column=2, value="9")
    out = io.BytesIO()
    book.save(out)
    assert [(r.row_number, r["Số thẻ"]) for r in read_table(out.getvalue(), ["Số thẻ"])] == [
        (5, "9")
    ]
    path = tmp_path / "roster.csv"
    path.write_text("Danh sách\n\nSố thẻ,Tên\n7,Cúc\n", encoding="utf-8")
    assert [(r.row_number, r["Số thẻ"]) for r in read_table(path, ["Số thẻ"])] == [(4, "7")]


def test_missing_and_duplicate_headers():
    with pytest.raises(ValueError, match=r"missing columns: Số CCCD$"):
        read_table(b"So the,Ho ten\n1,A\n", ["Số thẻ", "Số CCCD"])
    with pytest.raises(ValueError, match="missing columns: a, b"):
        read_table(b"", ["a", "b"])
    with pytest.raises(ValueError, match="appears twice"):
        read_table(b"So the,So The\n1,2\n", ["Số thẻ"])
    rows = read_table(b"So the,Ghi chu,,Ghi chu\n1,x,y,z\n", ["Số thẻ"])
    assert rows == [{"Số thẻ": "1", "Ghi chu": "x"}]


def test_short_rows_fill_with_none():
    rows = read_table(b"a;b;c\n1\n", ["a", "c"])
    assert rows == [{"a": "1", "b": None, "c": None}]
