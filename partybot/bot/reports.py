"""How command results read on an operator's terminal (Vietnamese, like every user text)."""

from rich.console import Console
from rich.table import Table

from partybot.bot.demo import DemoAccount
from partybot.services.roster import ProblemCode, RosterReport

PROBLEM_TEXT = {
    ProblemCode.NO_HEADER: "không tìm thấy dòng tiêu đề đủ cột bắt buộc",
    ProblemCode.MISSING: "bỏ trống ô bắt buộc",
    ProblemCode.DUPLICATE: "trùng với dòng khác",
    ProblemCode.UNKNOWN_VALUE: "giá trị không hợp lệ",
    ProblemCode.UNKNOWN_ORG: "không có tổ chức mã này",
    ProblemCode.BAD_PHONE: "số điện thoại sai",
    ProblemCode.PHONE_TAKEN: "số điện thoại đã thuộc đảng viên khác",
    ProblemCode.BAD_DATE: "ngày sai (dùng ngày/tháng/năm)",
    ProblemCode.BAD_NUMBER: "không phải số",
    ProblemCode.TOO_LONG: "quá dài",
    ProblemCode.CYCLE: "cấp trên vòng lặp",
}
FILE_NAMES = {"orgs": "Tổ chức", "members": "Đảng viên"}


def print_roster_report(console: Console, report: RosterReport) -> None:
    if report.problems:
        table = Table(title=f"{len(report.problems)} lỗi", title_justify="left")
        for header in ("Tệp", "Dòng", "Cột", "Lỗi", "Giá trị"):
            table.add_column(header)
        for p in report.problems:
            table.add_row(FILE_NAMES[p.file], str(p.row), p.column, PROBLEM_TEXT[p.code], p.value)
        console.print(table)
    if report.written:
        console.print(
            f"Đã ghi: tổ chức {report.orgs_created} mới, {report.orgs_updated} cập nhật; "
            f"đảng viên {report.members_created} mới, {report.members_updated} cập nhật."
        )
    else:
        console.print("Chưa ghi gì. Sửa các lỗi trên rồi chạy lại (hoặc dùng --partial).")


def print_demo_intro(
    console: Console, where: str, accounts: list[DemoAccount], interactive: bool
) -> None:
    table = Table(title=f"Tài khoản thử ({where})", title_justify="left")
    for header in ("Vai trò", "Họ tên", "Điện thoại", "Chi bộ", "Mã kích hoạt"):
        table.add_column(header)
    for a in accounts:
        table.add_row(a.role, a.name, a.phone, a.cell, a.invite_code or "")
    console.print(table)
    if not interactive:
        return
    newcomer = next(a for a in accounts if a.invite_code)
    console.print(
        f"Bạn đang là người dùng mới. Thử đăng ký: gõ «{newcomer.phone}», rồi mã "
        f"«{newcomer.invite_code}».\nGõ /as SỐ_ĐIỆN_THOẠI để đóng vai người khác "
        "(ví dụ bí thư), /quit để thoát."
    )
