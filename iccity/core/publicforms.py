"""The pieces every public form shares (complaints, surveys): a body-size guard judged before the body is read, and
the spam controls that need no outside service — a honeypot field (``website``, left empty by people), a signed start
time that must be old enough (a person needs a few seconds) and young enough (a day), consumed once on success so a
replayed form is refused. Rate limits are ``core.ratelimit``."""
from __future__ import annotations

import time

from . import formtokens

# The public form has no uploads: 64 KiB is far more than 4000 characters of description in UTF-8.
MAX_BODY_BYTES = 64 * 1024


def body_too_large(request, limit: int = MAX_BODY_BYTES) -> bool:
    """Judge the declared length before Django reads the body (the site-wide cap is 25 MB for plan uploads)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > limit


# Spam controls: a person needs more than a few seconds to describe a dispute; a signed start time older than a day
# is a replayed form. Module constants so tests (and the browser test) can lower them.
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
STARTED_SALT = "iccity.complaints.intake.started"  # kept as first issued, so forms already open stay valid


def sign_started(at: float | None = None) -> str:
    return formtokens.issue(STARTED_SALT, at=at)


def started_error(value: str, *, now: float | None = None) -> str:
    """'' when the form was opened long enough ago (and not too long); else why the submission is refused.
    Does not consume the token: ``consume_started`` does, once the submission is accepted."""
    now = time.time() if now is None else now
    token = formtokens.read(value, STARTED_SALT)
    if token is None:
        return formtokens.INVALID
    if now - token.started < MIN_FILL_SECONDS:
        return "提交过快，请核对内容后再提交"
    if now - token.started > MAX_FORM_AGE_SECONDS:
        return "表单已超过24小时，请刷新页面后重新填写"
    return ""


def consume_started(value: str) -> str:
    """Consume the form's start token (single use); '' on the first use, the Chinese refusal on a replay."""
    token = formtokens.read(value, STARTED_SALT)
    if token is None:
        return formtokens.INVALID
    return "" if formtokens.consume(token, STARTED_SALT, MAX_FORM_AGE_SECONDS) else formtokens.REPLAYED


def release_started(value: str) -> None:
    token = formtokens.read(value, STARTED_SALT)
    if token is not None:
        formtokens.release(token, STARTED_SALT)


def started_at(value: str) -> float | None:
    token = formtokens.read(value, STARTED_SALT)
    return token.started if token else None
