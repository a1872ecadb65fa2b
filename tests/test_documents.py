import io
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from pypdf import PdfReader

from partybot.services.documents import (
    DocumentSpec,
    KeyValues,
    Paragraphs,
    Signature,
    Table,
    format_vnd,
    render_pdf,
    vn_date_line,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng


def _every_vietnamese_letter() -> str:
    """All toned vowels in both cases, plus đ/Đ: the glyphs a document must never lose."""
    words = []
    for vowel in "aăâeêioôơuưy":
        toned = [unicodedata.normalize("NFC", vowel + tone) for tone in TONES]
        words.append(vowel + "".join(toned))
        words.append((vowel + "".join(toned)).upper())
    return " ".join([*words, "đĐ", "ƯỚC ƠN ỪỬỮỰ ỢỞỠ"])


ALL_LETTERS = _every_vietnamese_letter()


def _pages(pdf: bytes) -> list[str]:
    """Text of each page with runs of whitespace collapsed (line wraps become spaces)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _receipt(**changes) -> DocumentSpec:
    spec = {
        "issuer_lines": ["ĐẢNG BỘ PHƯỜNG HOÀN KIẾM", "CHI BỘ KHU PHỐ 3"],
        "number": "12/BL",
        "place": "Hà Nội",
        "issued_on": date(2026, 12, 3),
        "title": "BIÊN LAI THU ĐẢNG PHÍ",
        "subtitle": "Tháng 12 năm 2026",
        "sections": [
            KeyValues(
                [
                    ("Họ và tên", "Nguyễn Văn Ước"),
                    ("Số thẻ đảng viên", "0123456"),
                    ("Số tiền", format_vnd(35_000)),
                    ("Hình thức", "Chuyển khoản, mã tham chiếu DPAB7K9QXZ"),
                ]
            ),
            Paragraphs([ALL_LETTERS]),
        ],
        "signature": Signature(
            "T/M CHI ỦY\nBÍ THƯ",
            "Trần Thị Ơn",
            datetime(2026, 12, 3, 3, 15, tzinfo=ZoneInfo("UTC")),
        ),
        "verification_code": "BL-7K9Q-XZ2M",
        "footer_note": "Kiểm tra: gửi mã xác thực cho Trợ lý Đảng viên.",
    }
    return DocumentSpec(**{**spec, **changes})


def test_receipt_fields_come_back_exactly():
    pdf = render_pdf(_receipt())
    assert pdf.startswith(b"%PDF-")
    (text,) = _pages(pdf)
    for expected in [
        "ĐẢNG BỘ PHƯỜNG HOÀN KIẾM",
        "CHI BỘ KHU PHỐ 3",
        "Số: 12/BL",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hà Nội, ngày 03 tháng 12 năm 2026",
        "BIÊN LAI THU ĐẢNG PHÍ",
        "Tháng 12 năm 2026",
        "Họ và tên: Nguyễn Văn Ước",
        "Số thẻ đảng viên: 0123456",
        "Số tiền: 35.000 đ",
        "Hình thức: Chuyển khoản, mã tham chiếu DPAB7K9QXZ",
        ALL_LETTERS,
        "T/M CHI ỦY BÍ THƯ",
        "Đã ký điện tử lúc 10:15 ngày 03/12/2026",  # 03:15 UTC is 10:15 in Hà Nội
        "Trần Thị Ơn",
        "Mã xác thực: BL-7K9Q-XZ2M",
        "Kiểm tra: gửi mã xác thực cho Trợ lý Đảng viên.",
        "Trang 1/1",
    ]:
        assert expected in text


def test_a4_metadata_and_deterministic_output():
    pdf = render_pdf(_receipt())
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert reader.metadata.title == "BIÊN LAI THU ĐẢNG PHÍ"
    assert reader.metadata.creation_date == datetime(2026, 12, 3, tzinfo=HANOI)
    assert render_pdf(_receipt()) == pdf
    later = _receipt(created_at=datetime(2026, 12, 3, 10, 16, tzinfo=HANOI))
    assert render_pdf(later) != pdf
    assert PdfReader(io.BytesIO(render_pdf(later))).metadata.creation_date == later.created_at


def test_footer_qr_holds_the_verification_code():
    reader = PdfReader(io.BytesIO(render_pdf(_receipt())))
    (image,) = reader.pages[0].images
    (result,) = zxingcpp.read_barcodes(image.image)
    assert result.text == "BL-7K9Q-XZ2M"


def test_decomposed_input_comes_out_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ướt")
    spec = _receipt(sections=[KeyValues([("Họ và tên", decomposed)])], verification_code=None)
    (text,) = _pages(render_pdf(spec))
    assert "Họ và tên: Nguyễn Thị Ướt" in text
    assert "Mã xác thực" not in text
    assert not PdfReader(io.BytesIO(render_pdf(spec))).pages[0].images


def test_transfer_letter():
    spec = DocumentSpec(
        issuer_lines=["ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "ĐẢNG ỦY PHƯỜNG BA ĐÌNH"],
        number="45-GGT/ĐU",
        place="Ba Đình",
        issued_on=date(2027, 1, 5),
        title="GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG",
        subtitle="(chuyển sinh hoạt đảng chính thức)",
        sections=[
            KeyValues(
                [
                    ("Giới thiệu đồng chí", "Lê Thị Hương Giang"),
                    ("Sinh ngày", "09/02/1958"),
                    ("Số thẻ đảng viên", "01.234.567"),
                    ("Được chuyển đến", "Đảng ủy phường Hoàng Mai, thành phố Hà Nội"),
                ],
                heading="Thông tin đảng viên",
            ),
            Paragraphs(
                [
                    "Đề nghị đồng chí xuất trình giấy giới thiệu này với cấp ủy nơi đến "
                    "trong thời hạn 30 ngày làm việc, chậm nhất ngày 17/02/2027.",
                    "Đảng phí đã đóng đến hết tháng 01 năm 2027.",
                ]
            ),
        ],
        signature=Signature("T/M ĐẢNG ỦY\nPHÓ BÍ THƯ", "Vũ Đức Thắng"),
        verification_code="GT-3M4N-5PCD",
    )
    (text,) = _pages(render_pdf(spec))
    for expected in [
        "ĐẢNG ỦY PHƯỜNG BA ĐÌNH",
        "Số: 45-GGT/ĐU",
        "Ba Đình, ngày 05 tháng 01 năm 2027",
        "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG",
        "(chuyển sinh hoạt đảng chính thức)",
        "Thông tin đảng viên",
        "Giới thiệu đồng chí: Lê Thị Hương Giang",
        "Sinh ngày: 09/02/1958",
        "Được chuyển đến: Đảng ủy phường Hoàng Mai, thành phố Hà Nội",
        "trong thời hạn 30 ngày làm việc, chậm nhất ngày 17/02/2027.",
        "Đảng phí đã đóng đến hết tháng 01 năm 2027.",
        "T/M ĐẢNG ỦY PHÓ BÍ THƯ",
        "Vũ Đức Thắng",
        "Mã xác thực: GT-3M4N-5PCD",
    ]:
        assert expected in text
    assert "Đã ký điện tử" not in text


def test_residence_review_result():
    duties = [
        ("1", "Gương mẫu thực hiện chủ trương của Đảng, pháp luật của Nhà nước", "Có"),
        ("2", "Tham gia sinh hoạt tổ dân phố, hoạt động ở nơi cư trú", "Một phần"),
        ("3", "Giữ gìn đoàn kết, xây dựng khu dân cư văn hóa", "Có"),
        ("4", "Đóng góp các loại quỹ ở nơi cư trú", "Không"),
    ]
    spec = DocumentSpec(
        issuer_lines=["ĐẢNG BỘ PHƯỜNG CẦU GIẤY", "CHI BỘ KHU DÂN CƯ SỐ 5"],
        number="07/NX",
        place="Hà Nội",
        issued_on=date(2026, 11, 20),
        title="NHẬN XÉT ĐẢNG VIÊN THỰC HIỆN NHIỆM VỤ Ở NƠI CƯ TRÚ",
        sections=[
            KeyValues(
                [("Đảng viên", "Đỗ Quang Hưng"), ("Nơi cư trú", "Số 12 ngõ 34 phố Trần Duy Hưng")]
            ),
            Table(["STT", "Nhiệm vụ", "Kết quả"], duties, numeric_columns={0}),
            Paragraphs(
                ["Đồng chí nhiệt tình, gần gũi nhân dân; cần tham gia họp tổ dân phố đều hơn."]
            ),
        ],
        signature=Signature(
            "T/M CHI ỦY\nBÍ THƯ", "Phạm Thị Ửng", datetime(2026, 11, 20, 16, 5, tzinfo=HANOI)
        ),
        verification_code="NX-8R9S-TVW2",
    )
    (text,) = _pages(render_pdf(spec))
    for expected in [
        "CHI BỘ KHU DÂN CƯ SỐ 5",
        "Hà Nội, ngày 20 tháng 11 năm 2026",
        "NHẬN XÉT ĐẢNG VIÊN THỰC HIỆN NHIỆM VỤ Ở NƠI CƯ TRÚ",
        "Đảng viên: Đỗ Quang Hưng",
        "Nơi cư trú: Số 12 ngõ 34 phố Trần Duy Hưng",
        "STT Nhiệm vụ Kết quả",
        "Đồng chí nhiệt tình, gần gũi nhân dân; cần tham gia họp tổ dân phố đều hơn.",
        "Đã ký điện tử lúc 16:05 ngày 20/11/2026",
        "Phạm Thị Ửng",
    ]:
        assert expected in text
    for number, duty, result in duties:
        assert f"{number} {duty} {result}" in text


def test_long_table_flows_onto_more_pages():
    rows = [[str(i), f"Đảng viên số {i}", format_vnd(35_000 * i)] for i in range(1, 201)]
    spec = _receipt(sections=[Table(["STT", "Họ và tên", "Số tiền"], rows, numeric_columns={0, 2})])
    pages = _pages(render_pdf(spec))
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in page
        assert "Mã xác thực: BL-7K9Q-XZ2M" in page
        if number > 1 and "200 Đảng viên số 200" not in pages[number - 2]:
            assert page.startswith("STT Họ và tên Số tiền")  # header repeated on top
    text = " ".join(pages)
    for i in range(1, 201):
        assert f"{i} Đảng viên số {i} {format_vnd(35_000 * i)}" in text
    assert "7.000.000 đ" in pages[-1] or "7.000.000 đ" in pages[-2]
    assert "Trần Thị Ơn" in pages[-1]


def test_long_paragraphs_wrap_and_flow():
    paragraph = "Chi bộ xác nhận đồng chí đã hoàn thành nhiệm vụ ở nơi cư trú. " * 40
    spec = _receipt(sections=[Paragraphs([paragraph] * 4)])
    pages = _pages(render_pdf(spec))
    assert len(pages) >= 2
    assert " ".join(pages).count("hoàn thành nhiệm vụ") == 160


def test_ragged_table_is_rejected():
    with pytest.raises(ValueError, match="row 2"):
        render_pdf(_receipt(sections=[Table(["A", "B"], [["1", "2"], ["3"]])]))


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0 đ"),
        (999, "999 đ"),
        (1_000, "1.000 đ"),
        (35_000, "35.000 đ"),
        (1_234_567, "1.234.567 đ"),
        (5_600_000_000, "5.600.000.000 đ"),
        (-35_000, "-35.000 đ"),
    ],
)
def test_format_vnd(amount, text):
    assert format_vnd(amount) == text


@pytest.mark.parametrize("amount", [35_000.0, 35_000.5, "35000", True, None])
def test_format_vnd_rejects_non_integers(amount):
    with pytest.raises(TypeError):
        format_vnd(amount)


@pytest.mark.parametrize(
    ("place", "day", "line"),
    [
        ("Hà Nội", date(2026, 12, 3), "Hà Nội, ngày 03 tháng 12 năm 2026"),
        ("Hà Nội", date(2027, 1, 15), "Hà Nội, ngày 15 tháng 01 năm 2027"),
        ("Huế", date(2026, 2, 28), "Huế, ngày 28 tháng 02 năm 2026"),
        ("Cần Thơ", date(2026, 3, 9), "Cần Thơ, ngày 09 tháng 3 năm 2026"),
        ("Đà Nẵng", date(2026, 10, 10), "Đà Nẵng, ngày 10 tháng 10 năm 2026"),
    ],
)
def test_vn_date_line(place, day, line):
    assert vn_date_line(place, day) == line
