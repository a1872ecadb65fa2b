"""`partybot rates …`, `partybot payments …` and `partybot export dues`: the operator's and the
ward office's dues commands."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from partybot.bot.app import App
from partybot.bot.cliutil import DbOption, console, run_with_app, settings_for
from partybot.services import dues, dues_bank, dues_rules
from partybot.services.documents import format_vnd
from partybot.services.dues_documents import ledger_workbook
from partybot.storage.models import DuesRuleSet, Organisation

rates_app = typer.Typer(help="Dues rates, minimum wages and regions.", no_args_is_help=True)
payments_app = typer.Typer(help="Bank statements and unmatched transfers.", no_args_is_help=True)

PROBLEM_TEXT = {
    dues_bank.RowProblem.BAD_AMOUNT: "số tiền không đọc được (phải là số đồng chẵn)",
    dues_bank.RowProblem.BAD_DATE: "ngày giao dịch không đọc được",
    dues_bank.RowProblem.NO_ACCOUNT: "không rõ tài khoản (thêm cột Số tài khoản hoặc --account)",
}
REASON_TEXT = {
    "unknown_account": "tài khoản không thuộc chi bộ nào",
    "no_reference": "nội dung không có mã thanh toán",
    "unknown_reference": "mã thanh toán không có trong hệ thống",
    "amount_mismatch": "số tiền khác số cần nộp",
    "already_paid": "mã đã được thanh toán trước đó",
    "wrong_account": "chuyển vào tài khoản chi bộ khác",
}


def parse_month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise typer.BadParameter(f"{text!r}: dùng dạng YYYY-MM, ví dụ 2026-12") from None


MonthOption = Annotated[str, typer.Option("--from", help="First month it applies, YYYY-MM.")]


# -- rates ------------------------------------------------------------------------------------


@rates_app.command("show")
def rates_show(
    month: Annotated[
        str | None, typer.Option("--month", help="Only what applies in this month, YYYY-MM.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Print the rule sets, rates and minimum wages (with their periods and confidence)."""
    at = parse_month(month) if month else None

    async def body(opened: App) -> None:
        async with opened.db.transaction() as session:
            rules = await dues_rules.load_rules(session)
            stored = await session.scalar(select(DuesRuleSet.id).limit(1))
        console.print(
            "Nguồn: cơ sở dữ liệu"
            if stored
            else "Nguồn: tệp mặc định (chưa nhập vào cơ sở dữ liệu)"
        )
        _print_rules(rules, at)

    run_with_app(settings_for(db), body)


def _period(start: date, end: date | None) -> str:
    return f"{start:%m/%Y} – {end:%m/%Y}" if end else f"từ {start:%m/%Y}"


def _print_rules(rules: dues_rules.Rules, at: date | None) -> None:
    def applies(start: date, end: date | None) -> bool:
        return at is None or (start <= at and (end is None or at <= end))

    table = Table(title="Mức đảng phí", title_justify="left")
    for header in (
        "Quy định",
        "Đối tượng",
        "Tuổi",
        "Vùng",
        "Cách tính",
        "Mức",
        "Thời gian",
        "Độ tin cậy",
    ):
        table.add_column(header)
    for rate in rules.rates:
        if not applies(rate.valid_from, rate.valid_to):
            continue
        if rate.percent is not None:
            level = f"{float(rate.percent):g}%"
        elif rate.amount is not None:
            level = format_vnd(rate.amount)
        elif rate.min_amount is not None or rate.max_amount is not None:
            level = f"{format_vnd(rate.min_amount or 0)} – {format_vnd(rate.max_amount or 0)}"
        else:
            level = ""
        table.add_row(
            rate.rule,
            rate.category,
            rate.age or "",
            str(rate.region or ""),
            rate.method,
            level,
            _period(rate.valid_from, rate.valid_to),
            rate.confidence,
        )
    console.print(table)
    wages = Table(title="Lương tối thiểu vùng", title_justify="left")
    for header in ("Vùng", "Mức", "Thời gian", "Độ tin cậy"):
        wages.add_column(header)
    for wage in rules.wages:
        if applies(wage.valid_from, wage.valid_to):
            wages.add_row(
                str(wage.region),
                format_vnd(wage.amount),
                _period(wage.valid_from, wage.valid_to),
                wage.confidence,
            )
    console.print(wages)


async def _store(opened: App, rules: dues_rules.Rules) -> int:
    async with opened.db.transaction() as session:
        await dues_rules.store_rules(session, rules)
        return await dues.reprice_all(session)


def _fail(problem: Exception) -> None:
    console.print(f"[red]{problem}[/red]")
    raise typer.Exit(1)


@rates_app.command("import")
def rates_import(
    path: Annotated[
        Path | None, typer.Argument(help="A rules file (TOML); default: the packaged one.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Replace the rates in the database with a rules file (its whole history)."""
    try:
        rules = dues_rules.read_rules_file(path) if path else dues_rules.packaged_rules()
    except (dues_rules.RulesError, OSError) as problem:
        _fail(problem)

    async def body(opened: App) -> int:
        return await _store(opened, rules)

    changed = run_with_app(settings_for(db), body)
    console.print(f"Đã nhập mức đảng phí. {changed} tháng chưa nộp được tính lại.")


@rates_app.command("set")
def rates_set(
    category: Annotated[str, typer.Argument(help="Category code, e.g. no_income.")],
    start: MonthOption,
    percent: Annotated[str | None, typer.Option(help="New percentage, e.g. 0.5")] = None,
    amount: Annotated[int | None, typer.Option(help="New fixed amount in đồng.")] = None,
    age: Annotated[str | None, typer.Option(help="below or at_or_above")] = None,
    region: Annotated[int | None, typer.Option(help="Only for this region (1-4).")] = None,
    note: Annotated[str, typer.Option(help="Where the new figure comes from.")] = "",
    db: DbOption = None,
) -> None:
    """Change one category's rate from a month on; earlier months keep the old rate."""
    if (percent is None) == (amount is None):
        _fail(ValueError("Cho đúng một trong --percent hoặc --amount."))

    async def body(opened: App) -> int:
        async with opened.db.transaction() as session:
            current = await dues_rules.load_rules(session)
        changed = dues_rules.with_rate(
            current,
            category,
            parse_month(start),
            age=age,
            region=region,
            percent=percent,
            amount=amount,
            note=note,
        )
        return await _store(opened, changed)

    try:
        repriced = run_with_app(settings_for(db), body)
    except dues_rules.RulesError as problem:
        _fail(problem)
    console.print(f"Đã đổi mức {category} từ {start}. {repriced} tháng chưa nộp được tính lại.")


@rates_app.command("wage")
def rates_wage(
    region: Annotated[int, typer.Argument(help="Region 1-4.")],
    start: MonthOption,
    amount: Annotated[int, typer.Option(help="Monthly minimum wage in đồng.")],
    source: Annotated[str, typer.Option(help="The decree that sets it.")] = "",
    db: DbOption = None,
) -> None:
    """Set a region's minimum wage from a month on; earlier months keep the old figure."""

    async def body(opened: App) -> int:
        async with opened.db.transaction() as session:
            current = await dues_rules.load_rules(session)
        changed = dues_rules.with_wage(current, region, parse_month(start), amount, source)
        return await _store(opened, changed)

    try:
        repriced = run_with_app(settings_for(db), body)
    except dues_rules.RulesError as problem:
        _fail(problem)
    console.print(
        f"Đã đặt lương tối thiểu vùng {region} từ {start}: {format_vnd(amount)}. "
        f"{repriced} tháng chưa nộp được tính lại."
    )


@rates_app.command("region")
def rates_region(
    org: Annotated[str, typer.Argument(help="Organisation code.")],
    region: Annotated[int, typer.Argument(help="Region 1-4 (cells below inherit it).")],
    db: DbOption = None,
) -> None:
    """Set the minimum-wage region of an organisation."""
    if region not in dues_rules.REGIONS:
        _fail(ValueError("Vùng phải từ 1 đến 4."))

    async def body(opened: App) -> int:
        async with opened.db.transaction() as session:
            found = await session.scalar(select(Organisation).where(Organisation.code == org))
            if found is None:
                _fail(LookupError(f"Không có tổ chức mã {org}."))
            assert found is not None
            found.region = region
            await session.flush()
            return await dues.reprice_all(session)

    repriced = run_with_app(settings_for(db), body)
    console.print(f"{org}: vùng {region}. {repriced} tháng chưa nộp được tính lại.")


# -- payments ---------------------------------------------------------------------------------


@payments_app.command("import")
def payments_import(
    path: Annotated[Path, typer.Argument(help="Bank statement, CSV or XLSX.")],
    account: Annotated[
        str | None, typer.Option(help="The account, when the file has no account column.")
    ] = None,
    partial: Annotated[
        bool, typer.Option(help="Record the good rows even when some rows are broken.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Match a bank statement like bank notifications; reports what matched, was skipped or
    could not be matched (those wait for the treasurer)."""
    settings = settings_for(db)
    if not path.is_file():
        _fail(FileNotFoundError(f"Không có tệp {path}."))
    data = path.read_bytes()

    async def body(opened: App) -> dues_bank.StatementReport:
        async with opened.db.transaction() as session:
            return await dues_bank.import_statement(
                session, settings, data, opened.engine.clock(), account=account, partial=partial
            )

    report = run_with_app(settings, body)
    _print_statement(report)
    if not report.written:
        raise typer.Exit(1)


def _print_statement(report: dues_bank.StatementReport) -> None:
    if report.no_header:
        console.print(
            "[red]Không tìm thấy dòng tiêu đề có cột số tiền và nội dung[/red] "
            f"({report.no_header})."
        )
        return
    if report.problems:
        table = Table(title=f"{len(report.problems)} dòng lỗi", title_justify="left")
        for header in ("Dòng", "Lỗi", "Giá trị"):
            table.add_column(header)
        for row, problem, value in report.problems:
            table.add_row(str(row), PROBLEM_TEXT[problem], value)
        console.print(table)
    if not report.written:
        console.print("Chưa ghi gì. Sửa các dòng lỗi rồi chạy lại (hoặc dùng --partial).")
        return
    console.print(
        f"Khớp và ghi nhận: {len(report.matched)}. Đã có từ trước (bỏ qua): "
        f"{len(report.duplicates)}. Tiền ra (bỏ qua): {len(report.outgoing)}. "
        f"Chưa khớp, chờ thủ quỹ xử lý: {len(report.review)}."
    )
    for row, reason in report.review:
        console.print(f"  dòng {row}: {REASON_TEXT.get(reason, reason)}")


@payments_app.command("unmatched")
def payments_unmatched(db: DbOption = None) -> None:
    """List the transfers still waiting for a treasurer (including unknown accounts)."""
    settings = settings_for(db)

    async def body(opened: App) -> None:
        async with opened.db.transaction() as session:
            waiting = await dues_bank.waiting(session)
            names = dict((await session.execute(select(Organisation.id, Organisation.name))).all())
        table = Table(title=f"{len(waiting)} khoản chờ xử lý", title_justify="left")
        for header in ("Ngày", "Tài khoản", "Chi bộ", "Số tiền", "Nội dung", "Lý do"):
            table.add_column(header)
        for tx in waiting:
            table.add_row(
                tx.occurred_at.astimezone(settings.tz).strftime("%d/%m/%Y %H:%M"),
                tx.account,
                names.get(tx.org_id, "?") if tx.org_id else "?",
                format_vnd(tx.amount),
                tx.memo[:40],
                REASON_TEXT.get(tx.reason or "", tx.reason or ""),
            )
        console.print(table)

    run_with_app(settings, body)


# -- export -----------------------------------------------------------------------------------


def export(
    org: Annotated[str, typer.Option("--org", help="Organisation code (a cell or a ward).")],
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
    out: Annotated[Path | None, typer.Option(help="Where to write the .xlsx file.")] = None,
    db: DbOption = None,
) -> None:
    """Write the month's dues ledger (sổ thu đảng phí) as an Excel file."""
    first = parse_month(month)

    async def body(opened: App) -> bytes:
        async with opened.db.transaction() as session:
            found = await session.scalar(select(Organisation).where(Organisation.code == org))
            if found is None:
                _fail(LookupError(f"Không có tổ chức mã {org}."))
            assert found is not None
            rows = await dues.ledger_rows(session, found.id, first)
            title = f"Sổ thu đảng phí tháng {first:%m/%Y} - {found.name}"
        return ledger_workbook(title, rows)

    workbook = run_with_app(settings_for(db), body)
    target = out or Path(f"so-thu-dang-phi-{org}-{first:%Y-%m}.xlsx")
    target.write_bytes(workbook)
    console.print(f"Đã ghi {target}.")
