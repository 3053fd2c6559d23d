"""A sample context per document kind: an uploaded template must render with it before it is accepted, and the
template page shows which tags a template may use."""
from __future__ import annotations

_TASK = {"key": "T1", "title": "示例任务", "lead": "区商务局", "item_count": "1/2", "light": "绿", "progress": "50%",
         "light_explanation": "绿：按期推进", "rating": "绿（有望完成）（2026Q2）"}
_LISTS = {
    "overview": ["截至2026年5月31日，……"], "problems": ["示例问题"], "next_steps": ["示例打算"],
    "overdue": [{"task": "T1", "title": "示例事项", "unit": "区商务局", "deadline": "2026年5月1日", "days": 30}],
    "overdue_note": "逾期事项1项。",
    "indicators": [{"name": "社会消费品零售总额", "value": "100亿元", "period": "2025年", "status": "正常推进"}],
    "indicator_note": "关联指标1项。",
}
_BASE = {"issuer": "领导小组办公室", "title": "示例标题", "date": "2026年6月1日", "is_demo": True,
         "demo_note": "（示例）", "period": "2026-05", "figure_notes": ["应报：示例口径。"]}


def sample_context(kind: str) -> dict:
    if kind == "monthly":
        return {**_BASE, **_LISTS, "highlights": ["示例亮点"],
                "groups": [{"heading": "（一）示例板块", "tasks": [_TASK]}],
                "league": [{"rank": 1, "unit": "区商务局", "total": "100.00", "change": "↑1"}], "league_note": "摘录："}
    if kind == "special":
        return {**_BASE, **_LISTS, "tasks": [_TASK], "progress": [{"heading": "（一）T1 示例任务", "text": "进展"}],
                "comments": ["示例批示"]}
    if kind == "stocktake":
        return {**_BASE, **_LISTS, "subtitle": "（2026年6月1日）", "tasks": [_TASK],
                "decisions": [{"heading": "（一）红灯任务", "text": "示例"}]}
    return {**_BASE, "document_number": "西青消费督〔2026〕第1号", "unit": "区商务局", "paragraphs": ["示例内容"],
            "items": [{"task": "T1", "title": "示例事项", "deadline": "2026年5月1日", "state": "推进中"}],
            "closing": "特此通知。"}
