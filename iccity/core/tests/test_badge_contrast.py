"""Every badge whose stylesheet rule sets both its background and its text colour reads at WCAG AA (4.5:1): badges
are small text, so no large-text allowance. (The 督办单 badge was white on orange, 2.93:1.)"""
from __future__ import annotations

import re
from pathlib import Path

import iccity

ROOT = Path(iccity.__file__).parent
RULE = re.compile(r"(\.badge[^{]*)\{([^}]*)\}")


def _hex(value: str) -> tuple[float, float, float] | None:
    match = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(rgb) -> float:
    def channel(v):
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return sum(weight * channel(v) for weight, v in zip((0.2126, 0.7152, 0.0722), rgb, strict=True))


def contrast(a, b) -> float:
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _stylesheets() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.css") if "vendor" not in p.parts)


def _variables() -> dict[str, str]:
    """The colour variables (--accent: #1d4e89) the stylesheets define."""
    found = {}
    for path in _stylesheets():
        found.update(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\b", path.read_text(encoding="utf-8")))
    return found


def badge_rules() -> list[tuple[str, str, tuple, tuple]]:
    rules, variables = [], _variables()

    def resolve(value: str) -> str:
        match = re.fullmatch(r"var\((--[\w-]+)\)", value)
        return variables.get(match.group(1), value) if match else value

    for path in _stylesheets():
        for selector, body in RULE.findall(path.read_text(encoding="utf-8")):
            props = dict(p.split(":", 1) for p in body.split(";") if ":" in p)
            props = {k.strip(): resolve(v.strip()) for k, v in props.items()}
            background, color = _hex(props.get("background", "")), _hex(props.get("color", ""))
            if background and color:
                rules.append((f"{path.relative_to(ROOT)} {selector.strip()}", props["background"], background, color))
    return rules


def test_every_badge_with_its_own_colours_reads_at_4_5_to_1():
    rules = badge_rules()
    assert len(rules) >= 5
    weak = [f"{where} ({bg}): {contrast(b, c):.2f}" for where, bg, b, c in rules if contrast(b, c) < 4.5]
    assert not weak, weak
