"""The `partybot` command as an operator uses it: migrate, demo, piped chats, roster, invites."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import databases

PARTYBOT = str(Path(sys.executable).parent / "partybot")


def partybot(
    *args: str, stdin: str = "", cwd: Path, db: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if db:
        env["DATABASE_URL"] = db
    env["COLUMNS"] = "200"
    return subprocess.run(
        [PARTYBOT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_refuses_an_unmigrated_database_then_upgrades(tmp_path: Path) -> None:
    db = databases.sqlite_url(tmp_path / "fresh.db")
    refused = partybot("chat", "--as", "0912000101", cwd=tmp_path, db=db)
    assert refused.returncode == 2
    assert "partybot db upgrade" in refused.stdout
    upgraded = partybot("db", "upgrade", cwd=tmp_path, db=db)
    assert upgraded.returncode == 0 and "is at revision" in upgraded.stdout
    assert partybot("chat", "--as", "0912000101", cwd=tmp_path, db=db).returncode == 2  # no member
    assert (
        "Không có đảng viên nào"
        in partybot("chat", "--as", "0912000101", cwd=tmp_path, db=db).stdout
    )


def test_demo_seed_only_json_writes_a_local_sqlite_file(tmp_path: Path) -> None:
    result = partybot("demo", "--seed-only", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    accounts = json.loads(result.stdout)
    roles = {a["role"] for a in accounts}
    assert {"Bí thư", "Thủ quỹ", "Văn phòng đảng ủy", "Đảng viên"} <= roles
    assert any(a["invite_code"] for a in accounts)
    assert {"role", "name", "phone", "cell"} <= set(accounts[0])
    assert (tmp_path / "partybot-demo.db").exists()
    again = partybot("demo", "--seed-only", "--json", cwd=tmp_path)  # re-run: no duplicates
    assert len(json.loads(again.stdout)) == len(accounts)


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    db = databases.sqlite_url(tmp_path / "demo.db")
    assert partybot("demo", "--seed-only", cwd=tmp_path, db=db).returncode == 0
    return db


def test_piped_transcript_prints_every_reply(tmp_path: Path, demo_db: str) -> None:
    transcript = "menu\nthong tin cua toi\n\n😀\nmenu chinh\n"
    result = partybot("chat", "--as", "0912 000 104", stdin=transcript, cwd=tmp_path, db=demo_db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "> thong tin cua toi" in out
    assert "Họ tên: Phạm Văn Đức" in out and "Số thẻ đảng viên: 01000104" in out
    assert re.search(r"  \d\. Thông tin của tôi", out)
    assert "Bác chưa gõ gì ạ." in out


def test_guest_onboarding_through_the_pipe(tmp_path: Path, demo_db: str) -> None:
    code = partybot("invite", "0912000209", cwd=tmp_path, db=demo_db)
    assert code.returncode == 0
    digits = code.stdout.split("Mã kích hoạt của Chu Văn Minh: ")[1][:6]
    result = partybot("chat", stdin=f"xin chao\n0912 000 209\n{digits}\n", cwd=tmp_path, db=demo_db)
    assert "Tôi đã nhận ra Bác: Chu Văn Minh, Chi bộ Tổ dân phố số 7." in result.stdout


def test_import_roster_reports_bad_rows_and_exits_non_zero(tmp_path: Path, demo_db: str) -> None:
    members = tmp_path / "m.csv"
    members.write_text("Số thẻ đảng viên,Họ và tên,Chi bộ,Điện thoại\nZ1,Bà Z,CB-KHONG,01234\n")
    result = partybot("import-roster", "-", str(members), cwd=tmp_path, db=demo_db)
    assert result.returncode == 1
    assert "số điện thoại sai" in result.stdout and "không có tổ chức mã này" in result.stdout
    assert "Chưa ghi gì" in result.stdout
    members.write_text(
        "Số thẻ đảng viên,Họ và tên,Chi bộ,Điện thoại\nZ1,Bà Z,CB-TDP5,0912 999 001\n"
    )
    result = partybot("import-roster", "-", str(members), cwd=tmp_path, db=demo_db)
    assert result.returncode == 0 and "đảng viên 1 mới" in result.stdout


def test_nlu_report_prints_accuracy_and_misses(tmp_path: Path) -> None:
    corpus = Path(__file__).parent / "corpus" / "messages.tsv"
    result = partybot("nlu", "report", str(corpus), cwd=tmp_path)
    assert result.returncode == 0
    assert "top-1 accuracy" in result.stdout and "confident-wrong 0" in result.stdout
