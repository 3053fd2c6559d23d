"""Apps depend downward only: every import (module- or function-level, absolute or relative), every dotted-path or
model-label string, every template tag library and every template included from another app must point at the kernel
or an app below, in the order of ``iccity.core.layers.LAYERS``.

Exempt, and nothing else:
- migrations: Django writes them; they name other apps' models by label, and the models themselves are checked.
- tests (an app's ``tests/`` and ``core/testing/``): they prove the assembled project, so they may import any app
  (core's API fuzz test, permission matrix and seeded plan span every app). Production code never imports a test.
The top-level ``iccity/`` modules (settings, urls, api) are the composition root above every app.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from iccity.core.layers import LAYERS

ROOT = Path(__file__).resolve().parents[2]  # iccity/
APPS = set(LAYERS)
MODEL_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField", "get_model"}
LABEL = re.compile(r"^([a-z_]+)\.[A-Z]\w*$")
DOTTED = re.compile(r"^iccity\.([a-z_]+)(\.|$)")
TEMPLATE_LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
TEMPLATE_REF = re.compile(r"{%\s*(?:include|extends)\s+[\"']([a-z_]+)/")

# Temporary, owned by other helpers and deleted by the lead at merge; nothing else may be added here.
# No exceptions: an upward reference is fixed with a registry, never allowed here.
ALLOWED: dict[str, set[tuple[str, str]]] = {}
ALLOWED_FILES: dict[str, tuple[str, ...]] = {}


def _is_exempt(parts: tuple[str, ...]) -> bool:
    return "migrations" in parts or "tests" in parts or parts[:2] == ("core", "testing")


def _module_of(path: Path) -> list[str]:
    parts = ["iccity", *path.relative_to(ROOT).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(node: ast.AST, path: Path) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if not node.level:
            return [node.module or ""]
        package = _module_of(path)
        if path.name != "__init__.py":
            package = package[:-1]
        base = package[: len(package) - node.level + 1]
        return [".".join(base + ([node.module] if node.module else []))]
    return []


def _names_a_module(dotted: str) -> bool:
    """'iccity.delivery.rules.evidence_max_bytes' names code; a salt like 'iccity.complaints.intake.started' does not."""
    bits = dotted.split(".")[1:]
    return len(bits) == 1 or (ROOT.joinpath(*bits[:2]).with_suffix(".py").exists() or ROOT.joinpath(*bits[:2]).is_dir())


def _python_references(path: Path):
    """(target app, line) for everything this file needs from an app: imports, 'iccity.x...' strings, model labels."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        for name in _imported(node, path):
            bits = name.split(".")
            if bits[0] == "iccity" and len(bits) > 1 and bits[1] in APPS:
                yield bits[1], node.lineno
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (m := DOTTED.match(node.value)):
            if m.group(1) in APPS and _names_a_module(node.value):
                yield m.group(1), node.lineno
        if isinstance(node, ast.Call):
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if func in MODEL_FIELDS:
                for arg in node.args[:2]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and (m := LABEL.match(arg.value)):
                        if m.group(1) in APPS:
                            yield m.group(1), node.lineno


def _tag_libraries() -> dict[str, str]:
    return {lib.stem: lib.parts[-3] for lib in ROOT.glob("*/templatetags/*.py") if lib.stem != "__init__"}


def _template_references(path: Path, libraries: dict[str, str]):
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for group in TEMPLATE_LOAD.findall(line):
            for lib in group.split():
                if lib in libraries:
                    yield libraries[lib], lineno
        for app in TEMPLATE_REF.findall(line):
            if app in APPS:
                yield app, lineno


def _references():
    """(source app, target app, 'file:line') for every cross-app reference in non-exempt code and templates."""
    libraries = _tag_libraries()
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT)
        if len(rel.parts) < 2 or rel.parts[0] not in APPS or _is_exempt(rel.parts):
            continue
        if path.suffix == ".py":
            refs = _python_references(path)
        elif path.suffix == ".html":
            refs = _template_references(path, libraries)
        else:
            continue
        for target, lineno in refs:
            if target != rel.parts[0]:
                yield rel.parts[0], target, f"iccity/{rel}:{lineno}"


def _allowed(source: str, target: str, where: str) -> bool:
    for key, pairs in ALLOWED.items():
        if (source, target) in pairs and where.split(":")[0].removeprefix("iccity/") in ALLOWED_FILES[key]:
            return True
    return False


def test_every_app_is_placed_in_the_layer_order():
    installed = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert installed == APPS, f"place these apps in core/layers.py: {sorted(installed ^ APPS)}"


def test_no_app_depends_on_an_app_above_it():
    upward = [f"{where}: {source} → {target} ({target} is above {source})"
              for source, target, where in _references()
              if LAYERS.index(target) > LAYERS.index(source) and not _allowed(source, target, where)]
    assert not upward, "upward dependencies (use a registry the lower app declares):\n" + "\n".join(upward)


def test_the_app_graph_has_no_cycle():
    graph: dict[str, dict[str, str]] = defaultdict(dict)
    for source, target, where in _references():
        if not _allowed(source, target, where):
            graph[source].setdefault(target, where)
    state: dict[str, int] = {}
    cycles = []

    def visit(app: str, trail: list[str]) -> None:
        state[app] = 1
        for target in graph[app]:
            if state.get(target) == 1:
                loop = trail[trail.index(target):] + [target] if target in trail else [app, target]
                cycles.append(" → ".join(loop) + "  (" + ", ".join(
                    graph[a][b] for a, b in zip(loop, loop[1:])) + ")")
            elif not state.get(target):
                visit(target, trail + [target])
        state[app] = 2

    for app in sorted(APPS):
        if not state.get(app):
            visit(app, [app])
    assert not cycles, "import cycles between apps:\n" + "\n".join(cycles)


def test_the_check_sees_function_level_and_relative_imports():
    """The scanner itself: an import hidden in a function and relative imports resolve to the app they name."""
    hidden = ast.parse("def f():\n    from iccity.reports import ledger\n").body[0].body[0]
    assert _imported(hidden, ROOT / "core" / "views.py") == ["iccity.reports"]
    relative = ast.parse("from ..plans.models import Task\n").body[0]
    assert _imported(relative, ROOT / "orgs" / "views.py") == ["iccity.plans.models"]
    package = ast.parse("from . import models\n").body[0]
    assert _imported(package, ROOT / "orgs" / "models" / "__init__.py") == ["iccity.orgs.models"]
