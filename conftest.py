"""Fixtures shared by every app's tests.

Browser tests use Playwright with Debian's Chromium (never a downloaded browser). Without Chromium they are skipped
with a loud message, unless ICCITY_REQUIRE_BROWSER=1 (set by CI), which turns the skip into a failure.
"""
from __future__ import annotations

import os
import shutil
import warnings

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
INSTALL_HINT = "浏览器测试需要 Debian 的 Chromium：sudo apt-get install -y chromium fonts-noto-cjk"


def chromium_path() -> str | None:
    return os.environ.get("ICCITY_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        message = f"找不到 Chromium，跳过浏览器测试。{INSTALL_HINT}"
        if os.environ.get("ICCITY_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "（ICCITY_REQUIRE_BROWSER=1：CI 中不允许跳过）")
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) records each file's time
        from pathlib import Path

        from iccity.core.testing.schedule import DurationRecorder

        config.pluginmanager.register(DurationRecorder(Path(config.rootpath)), "iccity-durations")


@pytest.hookimpl(optionalhook=True)  # a run with -p no:xdist has no such hook
def pytest_xdist_make_scheduler(config, log):
    """Files longest first (iccity/core/testing/schedule.py): both workers finish together."""
    if config.getvalue("dist") != "loadfile":
        return None
    from iccity.core.testing.schedule import LongestFileFirst

    return LongestFileFirst(config, log)


def pytest_report_header(config):
    path = chromium_path()
    return f"chromium: {path}" if path else f"chromium: 未安装 —— 浏览器测试将被跳过！{INSTALL_HINT}"


@pytest.fixture
def xiqing_plan(db):
    """The Xiqing registry loaded and the seed plan imported, as ``make run`` does. Returns the PlanVersion.

    The first use in a process runs the real import and keeps the rows it wrote; later uses on a clean database insert
    those rows again (see ``iccity.core.testing.seed``), which is ~20× faster than parsing and importing each time.
    """
    from iccity.core.testing.seed import seeded

    return seeded("xiqing-plan", _import_xiqing_plan)


def _import_xiqing_plan():
    from iccity.orgs.actions import do_load_registry
    from iccity.plans.actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG, do_import_plan

    do_load_registry()
    return do_import_plan(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug=XIQING_PLAN_SLUG).version


@pytest.fixture
def office_admin(db, django_user_model):
    return django_user_model.objects.create_user("office", password="office-pass-123", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher costs ~0.3 s per password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Production security: Playwright's wait_for_function/evaluate strings run through eval, which the
# Content-Security-Policy forbids. The harness bypasses the CSP; iccity/core/tests/test_csp_browser.py loads the
# pages with it enforced.
@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}
# Identity (issue 12) ------------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _identity_defaults(settings, monkeypatch):
    """Tests of other areas sign in with ``client.login``/``force_login`` and no authenticator app: the TOTP
    requirement is off unless a test turns it on (the identity tests do). django-axes stays on everywhere; it needs
    the request to judge a login, which Django's test client does not pass, so ``client.login`` gets one."""
    from django.http import HttpRequest
    from django.test.client import Client

    settings.ICCITY_OTP_REQUIRED = False
    original = Client.login

    def login_with_request(self, **credentials):
        if "request" not in credentials:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
            credentials = {**credentials, "request": request}
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login_with_request)


@pytest.fixture(autouse=True)
def _fresh_person_names():
    """core.words caches "姓名（单位）" per user id for a minute; ids are reused between tests."""
    from iccity.core import words

    words.clear_person_cache()
    yield
