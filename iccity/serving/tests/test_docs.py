import re

from . import servers

DOC = servers.ROOT / "docs" / "deploy.md"
SOURCES = [servers.ROOT / "iccity" / "settings.py", servers.ROOT / "iccity" / "serving" / "gunicorn_conf.py"]
INTERNAL = {"ICCITY_PROMETHEUS_DIR_OWNED"}  # set by `iccity serve` for gunicorn, not by operators


def test_every_iccity_variable_the_settings_read_is_in_the_deploy_table():
    table = {line for line in DOC.read_text().splitlines() if line.startswith("| `")}
    documented = set(re.findall(r"`(ICCITY_[A-Z0-9_]+)`", "\n".join(table)))
    read = set()
    for source in SOURCES:
        read |= set(re.findall(r"[\"'](ICCITY_[A-Z0-9_]+)[\"']", source.read_text()))
    missing = read - documented - INTERNAL
    assert not missing, f"docs/deploy.md 的环境变量表缺少：{sorted(missing)}"
