"""Two `iccity serve` processes on one Redis: the complaint form's rate limit is one limit, not one per process."""
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from iccity.core import ratelimit

from . import servers

pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]


def _post_complaint(port: int) -> int:
    status, headers, page = servers.request(port, "GET", "/complaints/new/")
    assert status == 200
    cookie = SimpleCookie()
    cookie.load(headers["set-cookie"])
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    status, _, _ = servers.request(port, "POST", "/complaints/new/", body=urlencode({"csrfmiddlewaretoken": token}),
                                   headers={"Content-Type": "application/x-www-form-urlencoded",
                                            "Cookie": f"csrftoken={cookie['csrftoken'].value}"})
    return status


def test_two_servers_sharing_redis_enforce_one_rate_limit(production_var, tmp_path, launched):
    redis, url = servers.start_redis(tmp_path)
    launched.append(redis)
    env = servers.production_env(production_var, ICCITY_REDIS_URL=url, ICCITY_WORKERS="1", ICCITY_THREADS="1")
    first, port_a = servers.start_serve(env, tmp_path, "serve-a")
    launched.append(first)
    second, port_b = servers.start_serve(env, tmp_path, "serve-b")
    launched.append(second)

    allowed = ratelimit.PUBLIC_SUBMIT.max_hits
    window = ratelimit.PUBLIC_SUBMIT.window_seconds
    if window - time.time() % window < 30:  # the counters are per fixed window: do not straddle its end
        time.sleep(window - time.time() % window + 1)
    statuses = [_post_complaint(port) for port in [port_a, port_b] * allowed]
    # The empty form is refused as invalid (not 429) until the one shared window is full; then both servers say 429.
    assert 429 not in statuses[:allowed], statuses
    assert statuses[allowed:] == [429] * allowed, statuses

    healthz = servers.request(port_a, "GET", "/healthz")[2]
    assert b'"backend": "redis"' in healthz or b'"backend":"redis"' in healthz
