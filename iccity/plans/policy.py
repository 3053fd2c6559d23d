"""plans in the authorization contract: plan pages are open to everybody (the public menu stays short: they are
listed for signed-in people); importing and correcting plans is the office's."""
from __future__ import annotations

from django.urls import reverse

from iccity.core import navigation, policy
from iccity.core.access import OFFICE_ONLY, is_office


def _plan_url(name: str, fallback: str):
    """The page of the plan the current page speaks about, else the home page that forwards to the first plan."""
    def url(context: dict) -> str:
        plan = context.get("plan")
        slug = getattr(plan, "slug", None)
        if slug:
            return reverse(name, args=[slug])
        return reverse("plans:home") + fallback
    return url


def register() -> None:
    policy.register_public("plans.view_plan", "方案")
    policy.register("plans.import_plan", "导入方案", OFFICE_ONLY, is_office, kinds=policy.ANY)
    for order, (name, label, fallback) in enumerate([("plans:overview", "方案总览", ""),
                                                      ("plans:matrix", "责任矩阵", "?to=matrix"),
                                                      ("plans:versions", "版本", "?to=versions")]):
        navigation.register("plan", label, name, "plans.view_plan", order=10 + order * 10,
                            audience=navigation.SIGNED_IN, url=_plan_url(name, fallback))
    navigation.register("admin", "导入方案", "plans:import_new", "plans.import_plan", order=40)
