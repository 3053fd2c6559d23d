"""Start tokens for public forms: signed when the form is shown, checked for age on submit, and consumed once.

The token carries the time the form was shown and a random nonce, signed with the site key (a forged or edited token
fails the signature). A submission that is accepted consumes the nonce with an atomic ``add`` on the shared cache
(Redis in production: one SET NX), so replaying a captured token — the usual way a script skips the form and its
timing check — is refused with a Chinese message, whichever process answers. The marker lives as long as the token
could be valid, so the cache forgets it only when the signature check would refuse the token anyway.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import caches

REPLAYED = "此表单已提交过，请刷新页面后重新填写（同一份表单只能提交一次）"
INVALID = "表单已失效，请刷新页面后重新填写"


@dataclass(frozen=True)
class StartToken:
    started: float
    nonce: str


def issue(salt: str, *, at: float | None = None) -> str:
    return signing.dumps({"t": time.time() if at is None else at, "n": secrets.token_urlsafe(12)}, salt=salt)


def read(value: str, salt: str) -> StartToken | None:
    try:
        data = signing.loads(value or "", salt=salt)
        return StartToken(float(data["t"]), str(data["n"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def consume(token: StartToken, salt: str, max_age_seconds: int) -> bool:
    """True the first time a token is consumed, False ever after (atomic on the shared cache)."""
    key = f"iccity:formtoken:{salt}:{token.nonce}"
    return caches["default"].add(key, 1, timeout=int(max_age_seconds) + 3600)


def release(token: StartToken, salt: str) -> None:
    """Give a consumed token back when the submission it carried was refused and nothing was written (the person
    corrects the form and sends it again)."""
    caches["default"].delete(f"iccity:formtoken:{salt}:{token.nonce}")
