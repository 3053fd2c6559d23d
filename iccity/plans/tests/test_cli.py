"""The ``iccity plan`` command as a user runs it."""
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from iccity.plans.actions import XIQING_PLAN_FILE
from iccity.plans.models import PlanVersion


def run_cli(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "iccity", *args], capture_output=True, text=True, env=env, timeout=120)


def test_parse_needs_no_database():
    # A database that cannot exist: parse must not try to connect.
    result = run_cli("plan", "parse", str(XIQING_PLAN_FILE), "--format", "json",
                     env_extra={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["tasks"]) == 21 and len(data["groups"]) == 5 and len(data["measures"]) == 6
    assert sum(len(t["units"]) for t in data["tasks"]) == 141
    assert data["tasks"][7]["title"] == "壮大升级消费产品品牌"


def test_parse_text_format_is_a_readable_summary():
    result = run_cli("plan", "parse", str(XIQING_PLAN_FILE), "--format", "text")
    assert result.returncode == 0, result.stderr
    assert "重点任务 21 项" in result.stdout and "区商务局★" in result.stdout


@pytest.mark.parametrize("content, message", [
    (b"", "文件为空"),
    (b"\x89PNG\r\n\x1a\n" + bytes(2000), "不是可识别"),
])
def test_parse_bad_input_exits_2_with_a_chinese_message(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run_cli("plan", "parse", str(path))
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""


def test_parse_missing_file(tmp_path):
    result = run_cli("plan", "parse", str(tmp_path / "nope.txt"))
    assert result.returncode == 2 and "错误" in result.stderr


def test_import_twice_then_versions_and_diff(db, capsys, tmp_path):
    call_command("plan", "import", str(XIQING_PLAN_FILE), "--plan", "xq")
    assert "第1版（基线）" in capsys.readouterr().out
    call_command("plan", "import", str(XIQING_PLAN_FILE), "--plan", "xq")
    assert "未创建新版本" in capsys.readouterr().out
    edited = tmp_path / "v2.txt"
    edited.write_text(XIQING_PLAN_FILE.read_text(encoding="utf-8").replace("、区城投公司）", "）", 1), encoding="utf-8")
    call_command("plan", "import", str(edited), "--plan", "xq")
    out = capsys.readouterr().out
    assert "第2版" in out and "减少单位 区城投公司" in out
    call_command("plan", "diff", "xq", "1", "2")
    assert "T1" in capsys.readouterr().out
    assert PlanVersion.objects.filter(plan__slug="xq").count() == 2


def test_import_of_bad_file_exits_2_and_writes_nothing(db, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(SystemExit) as exc:
        call_command("plan", "import", str(path))
    assert exc.value.code == 2
    assert not PlanVersion.objects.exists()


def test_bootstrap_is_safe_to_run_twice(db, capsys, monkeypatch, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("ICCITY_ADMIN_PASSWORD", raising=False)
    call_command("bootstrap")
    first = capsys.readouterr().out
    assert "初始密码" in first and (tmp_path / "initial-admin-password").exists()
    call_command("bootstrap")
    second = capsys.readouterr().out
    assert "已存在" in second and "初始密码" not in second
    assert PlanVersion.objects.count() == 1
