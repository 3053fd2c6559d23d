"""The platform speaks Chinese whatever the browser asks for: its pages are written in Chinese, so Django's own
messages (form errors, dates) must not switch to English for a browser set to English."""
from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_a_browser_asking_for_english_gets_chinese_pages_and_form_messages(client, office_admin):
    assert client.get(reverse("accounts:login"), **ENGLISH_BROWSER)["Content-Language"] == "zh-hans"
    client.force_login(office_admin)
    response = client.post(reverse("delivery:create_task_force"), {"name": ""}, follow=True, **ENGLISH_BROWSER)
    page = response.content.decode()
    assert "This field is required" not in page and "这个字段是必填项" in page
