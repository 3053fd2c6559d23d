"""Pages for lights and ratings: a task's light with its reasons and transition history, and the quarterly rating page
(htmx form per task, one rating in force per task and quarter, history with changes between quarters)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from iccity.core.policy import requires
from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.orgs.permissions import actor_for
from iccity.plans.models import Plan, Task

from . import lights as lights_mod
from . import ratings as ratings_mod
from .actions.ratings import do_rate_task
from .forms import QuarterChoiceForm, RatingForm
from .models import LightTransition, RatingLevel

__all__ = ["task_light", "ratings_page", "rating_form", "rate_task"]


def current_version(request):
    """The plan version the pages speak about: ?plan=slug, else the first plan; its latest version."""
    slug = request.GET.get("plan")
    plan = Plan.objects.filter(slug=slug).first() if slug else Plan.objects.order_by("id").first()
    # the parser's full output (parsed) is large and unused here
    version = plan.versions.defer("parsed", "warnings").order_by("-number").first() if plan else None
    if version is not None:
        version.plan = plan
    if version is None:
        raise Http404(_("尚未导入行动方案"))
    return version


def reads_internal(actor) -> bool:
    """Office, leaders and task-force people see lights with their reasons; units and the public do not."""
    return actor.reads_everything or bool(actor.task_forces)


def task_light(request, task_id: int):
    actor = actor_for(request)
    if actor.is_public:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not reads_internal(actor):
        raise PermissionDenied(_("只有领导小组办公室、区领导和专班可以查看亮灯详情"))
    task = get_object_or_404(Task.objects.select_related("version__plan", "group").defer("version__parsed"), pk=task_id)
    today = clock.today()
    light = lights_mod.compute_light(task, today)
    transitions = list(LightTransition.objects.filter(task=task).select_related("rule")[:50])
    rules = lights_mod.rules_in_force(today)
    return render(request, "evaluation/lights/task.html", {
        "task": task, "light": light, "transitions": transitions, "today": today, "rules": rules,
        "colour_labels": {c["code"]: c["label"] for c in rules.value["colours"]},
        "history": ratings_mod.history(task), "is_office": actor.office_admin,
        "quarter": ratings_mod.quarter_of(today),
    })


def _rating_rows(version, quarter: str):
    today = clock.today()
    _start, end = ratings_mod.quarter_bounds(quarter)
    on = min(today, end)
    current = ratings_mod.current_ratings(version, quarter)
    previous = ratings_mod.current_ratings(version, ratings_mod.previous_quarter(quarter))
    rows = []
    for task, light in lights_mod.lights_with_tasks(version, on):
        rating, before = current.get(task.pk), previous.get(task.pk)
        change = None
        if rating and before:
            change = ratings_mod.LEVEL_RANK[rating.level] - ratings_mod.LEVEL_RANK[before.level]
        rows.append({"task": task, "light": light, "rating": rating, "previous": before, "change": change})
    return rows


@requires("evaluation.view_ratings")
def ratings_page(request):
    actor = actor_for(request)
    version = current_version(request)
    form = QuarterChoiceForm(request.GET or None)
    quarter = (form.cleaned_data.get("quarter") if form.is_valid() else "") or ratings_mod.quarter_of(clock.today())
    return render(request, "evaluation/ratings/page.html", {
        "version": version, "quarter": quarter, "form": form, "rows": _rating_rows(version, quarter),
        "previous_quarter": ratings_mod.previous_quarter(quarter), "is_office": actor.office_admin,
        "levels": RatingLevel.choices, "nav": "ratings",
    })


@requires("evaluation.rate_task")
def rating_form(request, task_id: int):
    task = get_object_or_404(Task, pk=task_id)
    quarter = request.GET.get("quarter") or ratings_mod.quarter_of(clock.today())
    current = None
    if ratings_mod.is_quarter(quarter):
        current = ratings_mod.current_ratings(task.version, quarter).get(task.pk)
    initial = {"quarter": quarter}
    if current:
        initial.update({k: getattr(current, k) for k in ("level", *ratings_mod.AREAS)})
    return _form_response(request, task, RatingForm(initial=initial))


def _form_response(request, task, form):
    """The form alone for htmx (swapped into the row's action cell), a whole page without JavaScript."""
    if not request.htmx:
        return render(request, "evaluation/ratings/form_page.html", {"task": task, "form": form})
    response = render(request, "evaluation/ratings/_form.html", {"task": task, "form": form})
    # errors go back into the action cell, not over the row the success response replaces
    response["HX-Retarget"] = f"#task-{task.pk} td.rating-action"
    response["HX-Reswap"] = "innerHTML"
    return response


@require_http_methods(["POST"])
@requires("evaluation.rate_task")
def rate_task(request, task_id: int):
    task = get_object_or_404(Task.objects.select_related("version"), pk=task_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            do_rate_task(task, form.cleaned_data["quarter"], form.cleaned_data["level"], form.areas(),
                         form.cleaned_data["reasoning"], request.user)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
    if not form.is_valid() or form.errors:
        # 200 so htmx swaps the form back in with its errors (htmx ignores 4xx bodies by default)
        return _form_response(request, task, form)
    quarter = form.cleaned_data["quarter"]
    if request.htmx:
        row = next(r for r in _rating_rows(task.version, quarter) if r["task"].pk == task.pk)
        return render(request, "evaluation/ratings/_row.html", {"row": row, "quarter": quarter, "is_office": True})
    messages.success(request, _("已保存评定"))
    return redirect(f"{reverse('evaluation:ratings')}?quarter={quarter}")


urlpatterns = [
    path("tasks/<int:task_id>/", task_light, name="task_light"),
    path("ratings/", ratings_page, name="ratings"),
    path("ratings/<int:task_id>/form/", rating_form, name="rating_form"),
    path("ratings/<int:task_id>/", rate_task, name="rate_task"),
]
