"""Pages of the evaluation app (views_scoring): the league table (排名), a unit's points with the record behind each,
and the office's manual score events (领导肯定性批示 and the like). Seen by the office, district leaders and
task-force leads; never public."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from iccity.core.actions import ActionRefused
from iccity.core.rules import RuleMissing, rule_value
from iccity.delivery.models import Report, WorkItem
from iccity.orgs.models import Unit
from iccity.core.policy import may, requires

from . import scoring
from .actions.scoring import do_add_score_adjustment, do_score_period, do_withdraw_score_adjustment
from .models import QualityFlag, ScoreAdjustment, ScoreEntry, UnitScore

DENIED = "只有领导小组办公室、区领导和专班负责人可以查看考评排名"


def may_see_scores(actor) -> bool:
    return may(actor, "evaluation.view_scores")


# Anonymous users go to the login page; others need a role that may see scores (the same rule as the menu's).
scores_view = requires("evaluation.view_scores")


@scores_view
def league(request):
    period = (request.GET.get("period") or "").strip()
    error = ""
    try:
        run, rows = scoring.league_table(period or None)
    except ActionRefused as exc:
        error, (run, rows) = exc.message, scoring.league_table(None)
    if period and run is None and not error:
        error = f"{period} 尚未计分"
    return render(request, "evaluation/scoring/league.html", {
        "nav": "league", "run": run, "rows": rows, "periods": scoring.scored_periods(), "error": error,
        "can_score": may(request, "evaluation.run_scoring"), "period": period or (run.period if run else ""),
    }, status=400 if error and period and run is None else 200)


@require_POST
@requires("evaluation.run_scoring")
def score(request):
    try:
        run = do_score_period(request.POST.get("period", ""), actor=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(reverse("evaluation:league"))
    messages.success(request, f"{run.period} 已按规则 v{run.rule.version} 计分，共 {run.scores.count()} 个单位")
    return redirect(f"{reverse('evaluation:league')}?period={run.period}")


def source_links(entries: list[ScoreEntry]) -> None:
    """``entry.link`` for each entry's source record (a fixed number of queries for any number of entries)."""
    item_ids = [e.source_id for e in entries if e.source_type and e.source_type.model == WorkItem._meta.model_name]
    tasks = dict(WorkItem.objects.filter(pk__in=item_ids).values_list("pk", "task_id")) if item_ids else {}
    for e in entries:
        model = e.source_type.model if e.source_type else ""
        e.link = ""
        if model == Report._meta.model_name:
            e.link = reverse("delivery:report", args=[e.source_id])
        elif model == WorkItem._meta.model_name and int(e.source_id) in tasks:
            e.link = reverse("delivery:task", args=[tasks[int(e.source_id)]]) + f"#item-{e.source_id}"
        elif model == ScoreAdjustment._meta.model_name:
            e.link = reverse("evaluation:adjustments") + f"#adj-{e.source_id}"


def attach_flags(entries: list[ScoreEntry]) -> None:
    """``entry.flags``: the quality flags of the submitted revisions of a report behind an entry (one query)."""
    report_ids = {e.source_id for e in entries if e.source_type and e.source_type.model == Report._meta.model_name}
    by_report: dict[str, dict[str, QualityFlag]] = {}
    if report_ids:
        for flag in (QualityFlag.objects.filter(revision__report_id__in=report_ids, revision__submitted_at__isnull=False)
                     .select_related("revision").order_by("revision__number")):
            by_report.setdefault(str(flag.revision.report_id), {})[flag.code] = flag   # the latest revision wins
    for e in entries:
        e.flags = list(by_report.get(e.source_id, {}).values()) if e.source_type else []


@scores_view
def league_unit(request, period, unit_id):
    try:
        key = scoring.parse_period(period).key
    except ActionRefused as exc:
        raise Http404(exc.message) from None
    score = get_object_or_404(UnitScore.objects.select_related("run__rule", "unit"), run__period=key,
                              run__is_current=True, unit_id=unit_id)
    entries = list(ScoreEntry.objects.filter(run=score.run, unit_id=unit_id).select_related("source_type")
                   .order_by("occurred_on", "id"))
    source_links(entries)
    attach_flags(entries)
    history = list(UnitScore.objects.filter(unit_id=unit_id, run__is_current=True).select_related("run")
                   .order_by("-run__period_end")[:12])
    return render(request, "evaluation/scoring/unit.html", {
        "nav": "league", "score": score, "run": score.run, "unit": score.unit, "entries": entries, "history": history,
        "rule_rows": score.run.rule.value.get("rows", []),
    })


class AdjustmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.filter(active=True).exclude(unit_type="collective"))
    event = forms.ChoiceField(label=_("计分事项"))
    occurred_on = forms.DateField(label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [(r["event"], f"{r['description']}（{r['points']:+}分）") for r in rows]


def _manual_rows() -> list[dict]:
    try:
        return scoring.manual_events(rule_value(scoring.SCORING_RULE))
    except RuleMissing:
        return []


@requires("evaluation.adjust_scores")
def adjustments(request):
    rows = _manual_rows()
    form = AdjustmentForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            do_add_score_adjustment(d["unit"], d["event"], d["occurred_on"], d["reason"], actor=request.user)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已录入；重新计分后计入该考核期")
            return redirect(reverse("evaluation:adjustments"))
    items = list(ScoreAdjustment.objects.select_related("unit", "entered_by", "comment").order_by("-occurred_on", "-id")[:200])
    labels = {r["event"]: r["description"] for r in rows}
    for adj in items:
        adj.label = labels.get(adj.event, adj.event)
    return render(request, "evaluation/scoring/adjustments.html", {"nav": "league", "form": form, "items": items},
                  status=400 if request.method == "POST" else 200)


@require_POST
@requires("evaluation.adjust_scores")
def withdraw_adjustment(request, pk):
    adj = get_object_or_404(ScoreAdjustment, pk=pk)
    try:
        do_withdraw_score_adjustment(adj, request.POST.get("reason", ""), actor=request.user)
        messages.success(request, "已撤销；重新计分后不再计入")
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect(reverse("evaluation:adjustments") + f"#adj-{pk}")


urlpatterns = [
    path("league/", league, name="league"),
    path("league/score/", score, name="score"),
    path("league/<str:period>/<int:unit_id>/", league_unit, name="league_unit"),
    path("adjustments/", adjustments, name="adjustments"),
    path("adjustments/<int:pk>/withdraw/", withdraw_adjustment, name="withdraw_adjustment"),
]

__all__ = ["league", "league_unit", "score", "adjustments", "withdraw_adjustment"]
