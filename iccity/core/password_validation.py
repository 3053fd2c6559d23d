"""Password policy (等保 8.1.4.1 a, ASVS V2.1) with Chinese messages; thresholds come from the ``core.password`` rule.

Django's own validators still run beside these (similarity to the user's attributes, its list of 20,000 common
passwords); these add the length from the rule, the username test, character classes and a zxcvbn strength score
that also knows dates, keyboard walks, repeats, sequences and the platform's own words.
"""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from .identity_rules import PASSWORD, rule_value

# Words anyone guessing a Xiqing official's password tries first (zxcvbn treats these like a dictionary).
SITE_WORDS = ["iccity", "xiqing", "xiqingqu", "tianjin", "tj", "jinnan", "zhengfu", "gov", "admin", "office",
              "woaini", "5201314", "1314520", "aini", "qwer", "asdf", "zxcv", "password", "mima", "guoji",
              "xiaofei", "zhongxin", "chengshi", "nongye", "xiqing2025", "bangongshi"]

STRENGTH_NAMES = {0: "极弱", 1: "很弱", 2: "弱", 3: "中等", 4: "强"}


def _policy() -> dict:
    return rule_value(PASSWORD)


class MinimumLengthValidator:
    def validate(self, password, user=None):
        minimum = int(_policy()["min_length"])
        if len(password) < minimum:
            raise ValidationError(f"密码太短：至少需要 {minimum} 个字符（当前 {len(password)} 个）。可以用几个词组成一句好记的长口令。",
                                  code="password_too_short")

    def get_help_text(self):
        return f"至少 {int(_policy()['min_length'])} 个字符，建议用几个词组成的长口令。"


class UsernameValidator:
    """Refuses a password that contains the account name (either way round) or is made from it."""

    def validate(self, password, user=None):
        username = (user.get_username() if user is not None else "") or ""
        if len(username) < 3:
            return
        folded, name = password.casefold(), username.casefold()
        core = re.sub(r"[\d\W_]+", "", name)
        if name in folded or folded in name or name[::-1] in folded or (len(core) >= 4 and core in folded):
            raise ValidationError("密码不能包含账号名称。", code="password_contains_username")

    def get_help_text(self):
        return "不能包含账号名称。"


def _character_classes(password: str) -> int:
    return sum(bool(re.search(pattern, password)) for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z\d]"))


class StrengthValidator:
    """zxcvbn score (0–4) at least the rule's ``min_strength``, and at least ``min_character_classes`` of
    lower case, upper case, digits and symbols (Chinese characters count as symbols)."""

    def validate(self, password, user=None):
        from zxcvbn import zxcvbn

        policy = _policy()
        classes = int(policy.get("min_character_classes") or 0)
        if classes and _character_classes(password) < classes:
            raise ValidationError(f"密码须至少包含小写字母、大写字母、数字、符号中的 {classes} 类。",
                                  code="password_too_few_classes")
        inputs = list(SITE_WORDS)
        if user is not None:
            inputs += [str(getattr(user, attr, "") or "") for attr in ("username", "first_name", "last_name", "email")]
        result = zxcvbn(password[:100], user_inputs=[i for i in inputs if i])
        minimum = int(policy["min_strength"])
        if result["score"] < minimum:
            raise ValidationError(
                f"密码强度不足（{STRENGTH_NAMES.get(result['score'], result['score'])}，要求至少“{STRENGTH_NAMES.get(minimum, minimum)}”）："
                "请避免年份日期、重复或连续字符、键盘排列、常见词和拼音，以及与账号、单位相关的词。",
                code="password_too_weak")

    def get_help_text(self):
        return "不能是常见密码、日期、重复或键盘排列，也不能只是常见词或拼音。"
