"""Public progress says where every task stands: its stage, its last public update and its light in plain words
(never the reasons, "逾期" or units)."""
from __future__ import annotations

import re

from iccity.delivery.models import WorkItem


def _row(html: str, key: str) -> str:
    match = re.search(rf'<tr data-task="{key}">(.*?)</tr>', html, re.S)
    assert match, key
    return match.group(1)


def test_every_task_shows_stage_last_update_and_light_in_plain_words(client, builder):
    t1, t2 = builder.tasks[0], builder.tasks[1]
    builder.work_items(4, tasks=[t1])  # two long overdue, one done, one later: red
    builder.reports(1, tasks=[t2])     # an accepted report, no items
    html = client.get("/evaluation/public/").content.decode()
    for task in builder.version.tasks.all():
        row = _row(html, task.key)
        assert 'class="stage"' in row and 'class="updated"' in row and 'class="light-words"' in row
    done_on = WorkItem.objects.get(task=t1, state="done").completed_on
    first = _row(html, t1.key)
    assert "推进中：已办结1/4项事项" in first
    assert f"{done_on.year}年{done_on.month}月{done_on.day}日（事项办结）" in first
    assert "进度明显滞后" in first and 'class="light light-red"' in first
    second = _row(html, t2.key)
    assert "尚未分解具体事项" in second and "（进展报告审核通过）" in second
    assert "暂无更新" in _row(html, builder.tasks[2].key)
    for secret in ("逾期", "个工作日", builder.lead_of(t1).name):
        assert secret not in html
