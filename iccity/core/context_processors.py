"""Template context every page needs."""
from __future__ import annotations


def demo_data(request) -> dict:
    """Whether the database holds demo rows, so every page can say so. Every demo action writes an audit event
    marked is_demo, so one EXISTS on a partial index answers for all apps; it runs only if a template asks."""
    def has_demo() -> bool:
        from .models import AuditEvent

        return AuditEvent.objects.filter(is_demo=True).exists()

    return {"has_demo_data": has_demo}
