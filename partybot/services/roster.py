"""Importing the roster: organisations and members from CSV or XLSX, validated row by row.

All-or-nothing by default: every bad row is reported (row, column, problem) and nothing is written
unless every row is good. Re-running updates in place, keyed by organisation code and party card
number, so it never duplicates. Headers are the Vietnamese ones the party's own lists use; they
match without diacritics or case. Problems carry codes; the command line words them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import audit
from partybot.services.dues_categories import parse_category
from partybot.services.phones import InvalidPhone, normalise_phone
from partybot.services.spreadsheets import TableRow, read_table
from partybot.services.textnorm import fold, nfc
from partybot.services.vietqr import find_bank
from partybot.storage.models import Member, MemberStatus, Organisation, OrgKind, Role, RoleKind

Source = str | Path | bytes


class OrgColumn(StrEnum):
    CODE = "Mã"
    NAME = "Tên"
    KIND = "Loại"
    PARENT = "Mã cấp trên"
    ADDRESS = "Địa chỉ"
    BANK = "Ngân hàng"
    ACCOUNT = "Số tài khoản"
    ACCOUNT_NAME = "Tên tài khoản"
    REGION = "Vùng"  # minimum-wage region I-IV; blank keeps what is recorded


class MemberColumn(StrEnum):
    CARD = "Số thẻ đảng viên"
    NAME = "Họ và tên"
    PHONE = "Điện thoại"
    BIRTH = "Ngày sinh"
    CELL = "Chi bộ"
    RESIDENCE = "Chi bộ nơi cư trú"
    STATUS = "Trạng thái"
    ADMITTED = "Ngày vào Đảng"
    OFFICIAL = "Ngày chính thức"
    BIOGRAPHY = "Số lý lịch"
    CITIZEN_ID = "CCCD"
    DUES_CATEGORY = "Đối tượng đảng phí"
    DUES_BASE = "Mức căn cứ"
    SEX = "Giới tính"  # blank keeps what is recorded
    ROLES = "Vai trò"


ORG_REQUIRED = (OrgColumn.CODE, OrgColumn.NAME, OrgColumn.KIND)
MEMBER_REQUIRED = (MemberColumn.CARD, MemberColumn.NAME, MemberColumn.CELL)

KIND_WORDS = {
    "thanh uy": OrgKind.CITY,
    "tinh uy": OrgKind.CITY,
    "dang uy": OrgKind.COMMITTEE,
    "dang bo": OrgKind.COMMITTEE,
    "chi bo": OrgKind.CELL,
    **{kind.value: kind for kind in OrgKind},
}
REGION_WORDS = {
    **{str(n): n for n in (1, 2, 3, 4)},
    **{roman.lower(): n for n, roman in ((1, "I"), (2, "II"), (3, "III"), (4, "IV"))},
    **{f"vung {w}": n for w, n in (("1", 1), ("2", 2), ("3", 3), ("4", 4))},
    **{f"vung {r}": n for r, n in (("i", 1), ("ii", 2), ("iii", 3), ("iv", 4))},
}
SEX_WORDS = {"nam": "male", "nu": "female", "male": "male", "female": "female"}
STATUS_WORDS = {
    "chinh thuc": MemberStatus.OFFICIAL,
    "du bi": MemberStatus.PROBATIONARY,
    **{status.value: status for status in MemberStatus},
}
ROLE_WORDS = {
    "bi thu": RoleKind.SECRETARY,
    "pho bi thu": RoleKind.DEPUTY_SECRETARY,
    "thu quy": RoleKind.TREASURER,
    "nguoi thu dang phi": RoleKind.TREASURER,
    "van phong dang uy": RoleKind.COMMITTEE_OFFICER,
    "can bo dang uy": RoleKind.COMMITTEE_OFFICER,
    "ho tro": RoleKind.HELPER,
    "to cong nghe": RoleKind.HELPER,
    "quan tri": RoleKind.ADMIN,
    **{role.value: role for role in RoleKind},
}


class ProblemCode(StrEnum):
    NO_HEADER = "no_header"
    MISSING = "missing"
    DUPLICATE = "duplicate"
    UNKNOWN_VALUE = "unknown_value"
    UNKNOWN_ORG = "unknown_org"
    BAD_PHONE = "bad_phone"
    PHONE_TAKEN = "phone_taken"
    BAD_DATE = "bad_date"
    BAD_NUMBER = "bad_number"
    TOO_LONG = "too_long"
    CYCLE = "cycle"


@dataclass(frozen=True)
class Problem:
    file: str  # "orgs" or "members"
    row: int
    column: str
    code: ProblemCode
    value: str = ""


@dataclass
class RosterReport:
    problems: list[Problem] = field(default_factory=list)
    orgs_created: int = 0
    orgs_updated: int = 0
    members_created: int = 0
    members_updated: int = 0
    written: bool = False


@dataclass
class OrgRow:
    row: int
    code: str
    name: str
    kind: str
    parent: str | None
    address: str | None
    bank_bin: str | None
    account: str | None
    account_name: str | None
    region: int | None = None


@dataclass
class MemberRow:
    row: int
    values: dict[str, Any]
    cell: str
    residence: str | None
    roles: list[tuple[str, str]] | None  # (role, org code); None when the column is absent


class RowReader:
    """Reads cells of one row, recording a problem instead of raising."""

    def __init__(self, file: str, row: TableRow, problems: list[Problem]) -> None:
        self.file, self.row, self.problems = file, row, problems

    def problem(self, column: str, code: ProblemCode, value: Any = "") -> None:
        self.problems.append(Problem(self.file, self.row.row_number, column, code, str(value)))

    def text(self, column: str, limit: int, required: bool = False) -> str | None:
        value = self.row.get(column)
        if value is None or str(value).strip() == "":
            if required:
                self.problem(column, ProblemCode.MISSING)
            return None
        cleaned = nfc(str(value).strip())
        if isinstance(value, float) and value.is_integer():
            cleaned = str(int(value))  # an XLSX number cell holding a code
        if len(cleaned) > limit:
            self.problem(column, ProblemCode.TOO_LONG, cleaned[:40])
            return None
        return cleaned

    def word(self, column: str, words: dict[str, Any], required: bool = False) -> Any:
        raw = self.text(column, 60, required)
        if raw is None:
            return None
        found = words.get(fold(raw))
        if found is None:
            self.problem(column, ProblemCode.UNKNOWN_VALUE, raw)
        return found

    def day(self, column: str) -> date | None:
        value = self.row.get(column)
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.problem(column, ProblemCode.BAD_DATE, text)
        return None

    def whole_number(self, column: str) -> int | None:
        value = self.row.get(column)
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and float(value).is_integer() and value >= 0:
            return int(value)
        digits = str(value).replace(".", "").replace(",", "").replace(" ", "")
        if digits.isdigit():
            return int(digits)
        self.problem(column, ProblemCode.BAD_NUMBER, value)
        return None


def read_orgs(source: Source, problems: list[Problem]) -> list[OrgRow]:
    try:
        table = read_table(source, ORG_REQUIRED, tuple(OrgColumn))
    except ValueError as missing:
        problems.append(Problem("orgs", 0, "", ProblemCode.NO_HEADER, str(missing)))
        return []
    rows: list[OrgRow] = []
    seen: set[str] = set()
    for row in table:
        cells = RowReader("orgs", row, problems)
        code = cells.text(OrgColumn.CODE, 40, required=True)
        name = cells.text(OrgColumn.NAME, 200, required=True)
        kind = cells.word(OrgColumn.KIND, KIND_WORDS, required=True)
        bank_text = cells.text(OrgColumn.BANK, 60)
        bank = find_bank(bank_text) if bank_text else None
        if bank_text and bank is None:
            cells.problem(OrgColumn.BANK, ProblemCode.UNKNOWN_VALUE, bank_text)
        account = cells.text(OrgColumn.ACCOUNT, 19)
        if account and not account.isalnum():
            cells.problem(OrgColumn.ACCOUNT, ProblemCode.BAD_NUMBER, account)
        if code in seen:
            cells.problem(OrgColumn.CODE, ProblemCode.DUPLICATE, code)
        if code and name and kind:
            seen.add(code)
            rows.append(
                OrgRow(
                    row.row_number,
                    code,
                    name,
                    kind,
                    cells.text(OrgColumn.PARENT, 40),
                    cells.text(OrgColumn.ADDRESS, 300),
                    bank.bin if bank else None,
                    account,
                    cells.text(OrgColumn.ACCOUNT_NAME, 100),
                    cells.word(OrgColumn.REGION, REGION_WORDS),
                )
            )
    return rows


def parse_roles(cells: RowReader, default_org: str) -> list[tuple[str, str]] | None:
    if MemberColumn.ROLES not in cells.row:
        return None
    raw = cells.text(MemberColumn.ROLES, 300) or ""
    roles: list[tuple[str, str]] = []
    for part in (piece.strip() for piece in raw.replace(",", ";").split(";")):
        if not part:
            continue
        name, _, org = part.partition("@")
        role = ROLE_WORDS.get(fold(name))
        if role is None:
            cells.problem(MemberColumn.ROLES, ProblemCode.UNKNOWN_VALUE, part)
            continue
        roles.append((role, org.strip() or default_org))
    return roles


def read_members(source: Source, problems: list[Problem]) -> list[MemberRow]:
    try:
        table = read_table(source, MEMBER_REQUIRED, tuple(MemberColumn))
    except ValueError as missing:
        problems.append(Problem("members", 0, "", ProblemCode.NO_HEADER, str(missing)))
        return []
    rows: list[MemberRow] = []
    cards: set[str] = set()
    phones: dict[str, int] = {}
    for row in table:
        cells = RowReader("members", row, problems)
        card = cells.text(MemberColumn.CARD, 20, required=True)
        name = cells.text(MemberColumn.NAME, 120, required=True)
        cell = cells.text(MemberColumn.CELL, 40, required=True)
        phone_text = cells.text(MemberColumn.PHONE, 30)
        phone = None
        if phone_text:
            try:
                phone = normalise_phone(phone_text)
            except InvalidPhone:
                cells.problem(MemberColumn.PHONE, ProblemCode.BAD_PHONE, phone_text)
        if phone and phone in phones:
            cells.problem(MemberColumn.PHONE, ProblemCode.DUPLICATE, phone_text)
        category_text = cells.text(MemberColumn.DUES_CATEGORY, 60)
        category = parse_category(category_text) if category_text else None
        if category_text and category is None:
            cells.problem(MemberColumn.DUES_CATEGORY, ProblemCode.UNKNOWN_VALUE, category_text)
        if card in cards:
            cells.problem(MemberColumn.CARD, ProblemCode.DUPLICATE, card)
        values = {
            "card_number": card,
            "full_name": name,
            "phone": phone,
            "birth_date": cells.day(MemberColumn.BIRTH),
            "status": cells.word(MemberColumn.STATUS, STATUS_WORDS) or MemberStatus.OFFICIAL,
            "admitted_on": cells.day(MemberColumn.ADMITTED),
            "official_on": cells.day(MemberColumn.OFFICIAL),
            "biography_number": cells.text(MemberColumn.BIOGRAPHY, 20),
            "citizen_id": cells.text(MemberColumn.CITIZEN_ID, 12),
            "dues_category": category,
            "dues_base": cells.whole_number(MemberColumn.DUES_BASE),
        }
        sex = cells.word(MemberColumn.SEX, SEX_WORDS)
        if sex is not None:
            values["sex"] = sex
        if card and name and cell:
            cards.add(card)
            if phone:
                phones[phone] = row.row_number
            rows.append(
                MemberRow(
                    row.row_number,
                    values,
                    cell,
                    cells.text(MemberColumn.RESIDENCE, 40),
                    parse_roles(cells, cell),
                )
            )
    return rows


async def check_references(
    session: AsyncSession, orgs: list[OrgRow], members: list[MemberRow], problems: list[Problem]
) -> None:
    """Parents, cells and role organisations must exist (in the file or already); no cycles."""
    known = set((await session.scalars(select(Organisation.code))).all()) | {o.code for o in orgs}
    parents = {o.code: o.parent for o in orgs}
    for org in orgs:
        if org.parent and org.parent not in known:
            problems.append(
                Problem("orgs", org.row, OrgColumn.PARENT, ProblemCode.UNKNOWN_ORG, org.parent)
            )
        seen, current = {org.code}, org.parent
        while current in parents:
            if current in seen:
                problems.append(
                    Problem("orgs", org.row, OrgColumn.PARENT, ProblemCode.CYCLE, org.parent or "")
                )
                break
            seen.add(current)
            current = parents[current]
    owners = dict(
        (
            await session.execute(
                select(Member.phone, Member.card_number).where(Member.phone.is_not(None))
            )
        ).all()
    )
    for member in members:
        checks = [(MemberColumn.CELL, member.cell), (MemberColumn.RESIDENCE, member.residence)]
        checks += [(MemberColumn.ROLES, org) for _, org in member.roles or []]
        for column, code in checks:
            if code and code not in known:
                problems.append(
                    Problem("members", member.row, column, ProblemCode.UNKNOWN_ORG, code)
                )
        phone = member.values["phone"]
        if (
            phone
            and owners.get(phone, member.values["card_number"]) != member.values["card_number"]
        ):
            problems.append(
                Problem("members", member.row, MemberColumn.PHONE, ProblemCode.PHONE_TAKEN, phone)
            )


async def import_roster(
    session: AsyncSession,
    orgs_source: Source | None,
    members_source: Source | None,
    actor_id: int | None = None,
    partial: bool = False,
) -> RosterReport:
    """Validate both files; write them (in the caller's transaction) if clean or `partial`."""
    report = RosterReport()
    orgs = read_orgs(orgs_source, report.problems) if orgs_source is not None else []
    members = read_members(members_source, report.problems) if members_source is not None else []
    await check_references(session, orgs, members, report.problems)
    if report.problems and not partial:
        return report
    bad = {(p.file, p.row) for p in report.problems}
    await write_orgs(session, [o for o in orgs if ("orgs", o.row) not in bad], report)
    await write_members(session, [m for m in members if ("members", m.row) not in bad], report)
    report.written = True
    audit.record(
        session,
        "roster.imported",
        "roster",
        actor_id,
        {
            "orgs_created": report.orgs_created,
            "orgs_updated": report.orgs_updated,
            "members_created": report.members_created,
            "members_updated": report.members_updated,
            "problems": len(report.problems),
        },
    )
    return report


def _parents_first(orgs: list[OrgRow]) -> Iterable[OrgRow]:
    codes = {o.code for o in orgs}
    placed: set[str] = set()
    pending = list(orgs)
    while pending:
        ready = [o for o in pending if o.parent not in codes or o.parent in placed]
        if not ready:  # a cycle was reported; write what is left without ordering
            ready = pending
        for org in ready:
            placed.add(org.code)
            yield org
        pending = [o for o in pending if o.code not in placed]


async def write_orgs(session: AsyncSession, orgs: list[OrgRow], report: RosterReport) -> None:
    by_code = {o.code: o for o in (await session.scalars(select(Organisation))).all()}
    for row in _parents_first(orgs):
        org = by_code.get(row.code)
        if org is None:
            org = Organisation(code=row.code)
            session.add(org)
            by_code[row.code] = org
            report.orgs_created += 1
        else:
            report.orgs_updated += 1
        org.name, org.kind, org.address = row.name, row.kind, row.address
        org.bank_bin, org.bank_account, org.bank_account_name = (
            row.bank_bin,
            row.account,
            row.account_name,
        )
        if row.region is not None:
            org.region = row.region
        parent = by_code.get(row.parent) if row.parent else None
        if parent is not None and parent.id is None:
            await session.flush()
        org.parent_id = parent.id if parent else None
    await session.flush()


async def write_members(
    session: AsyncSession, members: list[MemberRow], report: RosterReport
) -> None:
    orgs = {o.code: o.id for o in (await session.scalars(select(Organisation))).all()}
    existing = {m.card_number: m for m in (await session.scalars(select(Member))).all()}
    for row in members:  # free phones first, so two members may swap numbers in one import
        if row.values["card_number"] in existing:
            existing[row.values["card_number"]].phone = None
    await session.flush()
    for row in members:
        member = existing.get(row.values["card_number"])
        if member is None:
            member = Member(card_number=row.values["card_number"])
            session.add(member)
            report.members_created += 1
        else:
            report.members_updated += 1
        for name, value in row.values.items():
            setattr(member, name, value)
        member.official_org_id = orgs[row.cell]
        member.residence_org_id = orgs[row.residence] if row.residence else None
    await session.flush()
    for row in members:
        if row.roles is None:
            continue
        member = existing.get(row.values["card_number"]) or await session.scalar(
            select(Member).where(Member.card_number == row.values["card_number"])
        )
        assert member is not None
        await session.execute(delete(Role).where(Role.member_id == member.id))
        for role, org_code in dict.fromkeys(row.roles):
            session.add(Role(member_id=member.id, org_id=orgs[org_code], role=role))
    await session.flush()
