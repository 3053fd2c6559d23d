"""The user mix of `make bench-web` (bench/web.py writes the accounts file named by BENCH_ACCOUNTS).

Weights follow who uses the platform: many unit liaisons and members of the public, fewer reviewers and leaders.
Think time 5–15 s: a person reads a page or fills a field before the next click (1–3 s, the earlier setting, made
50 users behave like 200 and measured a queue, not the pages). Staff arrive signed in: bench/web.py makes their
sessions through Django's session engine beforehand; without one in the accounts file a user signs in on start.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
from urllib.parse import urlparse
import time

from locust import HttpUser, between, task

from behind_proxy import as_proxied

ACCOUNTS = json.loads(open(os.environ["BENCH_ACCOUNTS"]).read())
_next = {kind: itertools.count() for kind in ("liaison", "reviewer", "leader")}
_ip = itertools.count(1)
LOCK = re.compile(r'name="lock_version" value="(\d+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')
REPORT_LINK = re.compile(r'/delivery/reports/(\d+)/')
INDICATOR_LINK = re.compile(r'href="/indicators/([\w-]+)/"')


class Staff(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(5, 15)

    def on_start(self):
        as_proxied(self.client, self.host)
        accounts = ACCOUNTS[self.kind]
        self.account = accounts[next(_next[self.kind]) % len(accounts)]
        if self.account.get("session"):
            self.client.cookies.set(ACCOUNTS["session_cookie"], self.account["session"])
            return
        form = self.client.get("/delivery/login/", name="login form")  # follows to wherever the login lives
        self.client.post(urlparse(form.url).path, name="login", data={
            "username": self.account["username"], "password": ACCOUNTS["password"],
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")})

    def post(self, path, name, data):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(path, data=data, name=name, allow_redirects=False)


class Liaison(Staff):
    weight = 4
    kind = "liaison"

    def on_start(self):
        super().on_start()
        self.reports = list(self.account["reports"])

    @task(3)
    def my_tasks(self):
        self.client.get("/delivery/", name="my tasks")

    @task(3)
    def save_report(self):
        if not self.reports:
            return
        report = random.choice(self.reports)
        page = self.client.get(f"/delivery/reports/{report}/", name="report form").text
        lock = LOCK.search(page)
        if not lock:
            self.reports.remove(report)  # submitted meanwhile by this account's other session
            return
        submit = random.random() < 0.15
        with self.client.post(f"/delivery/reports/{report}/", name="report submit" if submit else "report save",
                              allow_redirects=False, catch_response=True, data={
                                  "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                                  "narrative": "本月完成项目对接两次，召开推进会一次。", "progress": random.randrange(10, 90),
                                  "problems": "", "next_steps": "继续推进", "lock_version": lock.group(1),
                                  "action": "submit" if submit else "save"}) as response:
            if response.status_code in (409,) or (response.status_code == 400 and "已被" in response.text):
                response.success()  # another session of the same account saved first: the page says so
        if submit:
            self.reports.remove(report)


class Reviewer(Staff):
    weight = 1
    kind = "reviewer"

    @task(2)
    def queue(self):
        page = self.client.get("/delivery/review/", name="review queue").text
        links = REPORT_LINK.findall(page)
        if links:
            self.client.get(f"/delivery/reports/{random.choice(links)}/", name="review report")


class Leader(Staff):
    weight = 1
    kind = "leader"

    @task(2)
    def summary(self):
        self.client.get("/evaluation/leader/", name="leader summary")

    @task(1)
    def command(self):
        self.client.get("/evaluation/command/", name="command screen")


class Public(HttpUser):
    weight = 4
    wait_time = between(5, 15)

    def on_start(self):
        as_proxied(self.client, self.host)
        n = next(_ip)
        # Each visitor is its own client address (as nginx's X-Real-IP), so the complaint rate limit is per person.
        self.client.headers["X-Real-IP"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"

    @task(2)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def progress(self):
        self.client.get("/evaluation/public/", name="public progress")

    @task(2)
    def indicators(self):
        page = self.client.get("/indicators/", name="indicators").text
        codes = [code for code in INDICATOR_LINK.findall(page) if code != "index"]
        if codes:  # only published indicators are public
            self.client.get(f"/indicators/{random.choice(codes)}/", name="indicator")

    @task(2)
    def events(self):
        self.client.get("/events/", name="events")

    @task(1)
    def complaint(self):
        page = self.client.get("/complaints/new/", name="complaint form").text
        started = STARTED.search(page)
        time.sleep(random.uniform(4, 8))  # people take a while to fill it in (the form refuses one done under 3 s)
        self.client.post("/complaints/new/", name="complaint submit", allow_redirects=False, data={
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), "started": started.group(1) if started else "",
            "case_type": "complaint", "category": "catering", "person_name": "王小明", "person_phone": "13912345678",
            "person_id_type": "resident_id", "person_id_number": "11010519491231002X",
            "person_address": "西青区杨柳青镇1号", "respondent_name": "天津市西青区好味道餐馆",
            "respondent_address": "西青区中北镇2号", "town": "中北镇", "occurred_on": "2026-11-01", "amount": "128.50",
            "description": "11月1日在该店用餐，菜品有异物，要求退款。", "requests": ["退款"], "consent_publish": "on",
            "website": ""})

    @task(2)
    def healthz(self):
        self.client.get("/healthz", name="healthz")
