"""Official-looking PDF documents: receipts, transfer letters, residence review results.

Every procedure describes its document as data (DocumentSpec) and one renderer lays it out the
way party documents look (issuer and number on the left, party name and date on the right,
title, content, signature, verification code), so the layout lives in one place.
"""

import hashlib
import io
import os
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import fontpkg
import fontTools
import segno
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer
from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos

from partybot.services.textnorm import nfc

BUSINESS_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"

# Noto Sans ships as a variable font; fpdf2 needs static instances and instancing the whole
# font takes ~20 s, so we cut it to the scripts documents use and cache the result on disk.
FONT_FAMILY = "Noto Sans"  # the family name fontpkg-noto-sans registers (slug "noto-sans")
_PDF_FONT = "NotoSans"
_FONT_STYLES = {"": ("normal", 400), "B": ("normal", 700), "I": ("italic", 400)}
_FONT_RECIPE = "latin-vi-1"  # change when the subset below changes, to refresh caches
_UNICODES = [
    *range(0x20, 0x7F),  # Basic Latin
    *range(0xA0, 0x250),  # Latin-1 Supplement, Latin Extended-A/B (Đ đ Ơ ơ Ư ư)
    *range(0x300, 0x370),  # combining diacritics, for text typed decomposed
    *range(0x1E00, 0x1F00),  # Latin Extended Additional (precomposed Vietnamese tones)
    *range(0x2000, 0x2070),  # general punctuation: dashes, quotes, ellipsis, bullet
    0x20AB,  # ₫
    0x2116,  # №
]

# Page geometry in mm (A4 portrait).
_LEFT, _RIGHT, _TOP, _BOTTOM = 25.0, 15.0, 15.0, 32.0
_HEADER_LEFT_W = 80.0
_HEADER_RIGHT_W = 90.0
_QR_SIZE = 18.0
_LINE = 6.0


def format_vnd(amount: int) -> str:
    """Money as Vietnamese documents write it: "35.000 đ" (dots between thousands, no rounding)."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"amount must be an integer number of VND, got {amount!r}")
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,} đ".replace(",", ".")


def vn_date_line(place: str, day: date) -> str:
    """ "Hà Nội, ngày 03 tháng 12 năm 2026": days below 10 and months 1-2 get a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{nfc(place)}, ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True)
class KeyValues:
    """Label/value rows, e.g. "Họ và tên" / "Nguyễn Văn An"."""

    rows: Sequence[tuple[str, str]]
    heading: str | None = None


@dataclass(frozen=True)
class Paragraphs:
    """Running text, justified, one paragraph per string."""

    paragraphs: Sequence[str]
    heading: str | None = None


@dataclass(frozen=True)
class Table:
    """A ruled table whose header repeats on every page; numeric columns are right-aligned.

    col_widths are relative (e.g. (1, 4, 2)); by default they follow the content length.
    """

    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric_columns: Collection[int] = frozenset()
    heading: str | None = None
    col_widths: Sequence[float] | None = None


Section = KeyValues | Paragraphs | Table


@dataclass(frozen=True)
class Signature:
    """The signer; `role` may hold several lines ("T/M CHI ỦY\\nBÍ THƯ").

    `signed_at`, when given, prints "Đã ký điện tử lúc HH:MM ngày dd/mm/yyyy" in Vietnam time.
    """

    role: str
    name: str
    signed_at: datetime | None = None


@dataclass(frozen=True)
class DocumentSpec:
    """Everything printed on one document; equal specs render to identical bytes.

    `number` is printed as "Số: <number>". `created_at` becomes the PDF creation date
    (default: midnight of `issued_on`, Vietnam time) so the output does not depend on the clock.
    """

    issuer_lines: Sequence[str]
    number: str | None
    place: str
    issued_on: date
    title: str
    subtitle: str | None = None
    sections: Sequence[Section] = ()
    signature: Signature | None = None
    verification_code: str | None = None
    footer_note: str | None = None
    created_at: datetime | None = None
    party_line: str = PARTY_NAME


def _font_cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    directory = base / "partybot" / "fonts"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return directory
    except OSError:  # read-only home in some containers
        fallback = Path(tempfile.gettempdir()) / "partybot-fonts"
        fallback.mkdir(exist_ok=True)
        return fallback


@cache
def _static_font(style: str) -> Path:
    """Static Latin+Vietnamese subset of Noto Sans for one fpdf2 style, built once per machine."""
    font_style, weight = _FONT_STYLES[style]
    source = fontpkg.path(FONT_FAMILY, weight=weight, style=font_style)
    recipe = f"{_FONT_RECIPE}|{weight}|{fontTools.version}".encode()
    key = hashlib.sha256(source.read_bytes() + recipe).hexdigest()[:16]
    directory = _font_cache_dir()
    target = directory / f"{_PDF_FONT}-{style or 'R'}-{key}.ttf"
    if target.exists():
        return target
    font = TTFont(source, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []  # fpdf2 draws precomposed glyphs; no shaping tables needed
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_UNICODES)
    subsetter.subset(font)
    if "fvar" in font:
        instancer.instantiateVariableFont(
            font, {"wght": weight, "wdth": 100}, inplace=True, static=True
        )
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".tmp", delete=False) as tmp:
        font.save(tmp)
    os.replace(tmp.name, target)  # atomic, so concurrent first runs cannot see half a file
    return target


def _qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="png", scale=4, border=2)
    return out.getvalue()


def _signed_line(moment: datetime) -> str:
    local = moment.astimezone(BUSINESS_TZ) if moment.tzinfo else moment
    return f"Đã ký điện tử lúc {local:%H:%M} ngày {local:%d/%m/%Y}"


class _Pdf(FPDF):
    def __init__(self, spec: DocumentSpec) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.spec = spec
        for style in _FONT_STYLES:
            self.add_font(_PDF_FONT, style=style, fname=_static_font(style))
        self.set_margins(_LEFT, _TOP, _RIGHT)
        self.set_auto_page_break(True, margin=_BOTTOM)
        created = spec.created_at or datetime.combine(spec.issued_on, time(), BUSINESS_TZ)
        self.set_creation_date(created)
        self.set_title(nfc(spec.title))
        self.set_author(nfc(spec.issuer_lines[-1]) if spec.issuer_lines else "partybot")
        self.set_creator("partybot")
        self.set_lang("vi")

    def footer(self) -> None:
        spec = self.spec
        top = self.h - _BOTTOM + 8
        self.set_draw_color(160)
        self.line(_LEFT, top - 2, self.w - _RIGHT, top - 2)
        text_x = _LEFT
        if spec.verification_code:
            self.image(_qr_png(spec.verification_code), x=_LEFT, y=top, w=_QR_SIZE, h=_QR_SIZE)
            text_x = _LEFT + _QR_SIZE + 3
        self.set_xy(text_x, top + 1)
        self.set_font(_PDF_FONT, "", 8)
        lines = []
        if spec.verification_code:
            lines.append(f"Mã xác thực: {nfc(spec.verification_code)}")
        if spec.footer_note:
            lines.append(nfc(spec.footer_note))
        width = self.w - _RIGHT - text_x - 25
        self.multi_cell(width, 4, "\n".join(lines), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_xy(self.w - _RIGHT - 25, top + 1)
        self.cell(25, 4, f"Trang {self.page_no()}/{{nb}}", align="R")


def _centered_lines(pdf: _Pdf, x: float, width: float, lines: Sequence[tuple[str, str]]) -> None:
    for style, text in lines:
        pdf.set_x(x)
        pdf.set_font(_PDF_FONT, style, 11)
        pdf.multi_cell(width, _LINE, nfc(text), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _header(pdf: _Pdf, spec: DocumentSpec) -> None:
    top = pdf.get_y()
    left: list[tuple[str, str]] = [("", line) for line in spec.issuer_lines[:-1]]
    if spec.issuer_lines:
        left += [("B", spec.issuer_lines[-1]), ("", "*")]
    if spec.number:
        left.append(("", f"Số: {spec.number}"))
    _centered_lines(pdf, _LEFT, _HEADER_LEFT_W, left)
    left_bottom = pdf.get_y()
    pdf.set_y(top)
    right_x = pdf.w - _RIGHT - _HEADER_RIGHT_W
    date_line = vn_date_line(spec.place, spec.issued_on)
    right = [("BU", spec.party_line), ("", ""), ("I", date_line)]
    _centered_lines(pdf, right_x, _HEADER_RIGHT_W, right)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 8)


def _title(pdf: _Pdf, spec: DocumentSpec) -> None:
    pdf.set_font(_PDF_FONT, "B", 14)
    pdf.multi_cell(0, 8, nfc(spec.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if spec.subtitle:
        pdf.set_font(_PDF_FONT, "I", 11)
        pdf.multi_cell(0, _LINE, nfc(spec.subtitle), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)


def _key_values(pdf: _Pdf, section: KeyValues) -> None:
    pdf.set_font(_PDF_FONT, "", 11)
    with pdf.table(
        borders_layout=TableBordersLayout.NONE,
        first_row_as_headings=False,
        align="LEFT",
        v_align="TOP",
        col_widths=(1, 2),
        text_align="LEFT",
        line_height=_LINE,
        padding=(1, 2, 1, 0),
    ) as table:
        for label, value in section.rows:
            row = table.row()
            row.cell(nfc(label) + ":")
            row.cell(nfc(value), style=FontFace(emphasis="BOLD"))


def _paragraphs(pdf: _Pdf, section: Paragraphs) -> None:
    pdf.set_font(_PDF_FONT, "", 11)
    for paragraph in section.paragraphs:
        pdf.multi_cell(0, _LINE, nfc(paragraph), align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)


def _auto_widths(section: Table) -> list[float]:
    columns = range(len(section.headers))
    lengths = [
        max([len(section.headers[c]), *(len(row[c]) for row in section.rows)]) for c in columns
    ]
    return [min(max(length, 4), 40) for length in lengths]


def _table(pdf: _Pdf, section: Table) -> None:
    width = len(section.headers)
    for number, row in enumerate(section.rows, start=1):
        if len(row) != width:
            raise ValueError(f"table row {number} has {len(row)} cells, the header has {width}")
    align = tuple("RIGHT" if c in section.numeric_columns else "LEFT" for c in range(width))
    pdf.set_font(_PDF_FONT, "", 10)
    with pdf.table(
        align="LEFT",
        col_widths=tuple(section.col_widths or _auto_widths(section)),
        text_align=align,
        line_height=5.5,
        padding=(1, 1.5),
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        repeat_headings=1,
    ) as table:
        for cells in [section.headers, *section.rows]:
            row = table.row()
            for text in cells:
                row.cell(nfc(text))


def _signature(pdf: _Pdf, signature: Signature) -> None:
    lines = [("B", signature.role)]
    if signature.signed_at is not None:
        lines.append(("I", _signed_line(signature.signed_at)))
    height = _LINE * (signature.role.count("\n") + len(lines) + 2) + 12
    if pdf.will_page_break(height):
        pdf.add_page()
    pdf.ln(6)
    x = pdf.w - _RIGHT - _HEADER_RIGHT_W
    _centered_lines(pdf, x, _HEADER_RIGHT_W, lines)
    pdf.ln(10)
    _centered_lines(pdf, x, _HEADER_RIGHT_W, [("B", signature.name)])


def render_pdf(spec: DocumentSpec) -> bytes:
    """The document as A4 PDF bytes; long content flows onto more pages."""
    pdf = _Pdf(spec)
    pdf.add_page()
    _header(pdf, spec)
    _title(pdf, spec)
    for section in spec.sections:
        if section.heading:
            pdf.set_font(_PDF_FONT, "B", 11)
            pdf.multi_cell(0, 7, nfc(section.heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        match section:
            case KeyValues():
                _key_values(pdf, section)
            case Paragraphs():
                _paragraphs(pdf, section)
            case Table():
                _table(pdf, section)
        pdf.ln(3)
    if spec.signature is not None:
        _signature(pdf, spec.signature)
    return bytes(pdf.output())
