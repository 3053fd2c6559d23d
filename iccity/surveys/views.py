"""Public pages of the surveys app: the questionnaire per 商圈 (phone first), the thank-you page, and each wave's
index page. Nothing personal is asked or stored; one response per device per wave is enforced by a signed cookie
token whose hash (with the wave) is unique in the database. Spam controls reuse the complaint form's helpers."""
from __future__ import annotations

import secrets
import time

from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from iccity.core import publicforms, ratelimit
from iccity.core.policy import requires
from iccity.core.actions import ActionRefused
from iccity.core.publicforms import body_too_large

from .actions import CapReached, device_hash, do_submit_response
from .forms import SurveyForm
from .models import Response, SurveyArea, Wave
from .results import results_for

DEVICE_COOKIE = "iccity_survey_device"
DEVICE_SALT = "iccity.surveys.device"
DEVICE_MAX_AGE = 2 * 365 * 24 * 3600
# A phone in a mall's Wi-Fi shares its address with many others: generous per address, tight for a script.
SURVEY_SUBMIT = ratelimit.Limit("survey", 30, 600)


def device_token(request) -> str:
    try:
        return request.get_signed_cookie(DEVICE_COOKIE, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except (KeyError, signing.BadSignature):
        return ""


def _with_device(request, response):
    if not device_token(request):
        response.set_signed_cookie(DEVICE_COOKIE, secrets.token_urlsafe(24), salt=DEVICE_SALT,
                                   max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax",
                                   secure=request.is_secure())
    return response


@requires("surveys.take_survey")
def wave_list(request):
    waves = Wave.objects.prefetch_related("areas").order_by("-opens_on")
    return render(request, "surveys/wave_list.html", {"nav": "surveys", "waves": waves})


def wave_index(request, wave):
    wave = get_object_or_404(Wave.objects.select_related("survey"), code=wave)
    context = {"nav": "surveys", "wave": wave, "results": results_for(wave)}
    if request.htmx:
        return render(request, "surveys/_index_table.html", context)
    return render(request, "surveys/wave_index.html", context)


def _wave_area(wave_code: str, area_code: str) -> tuple[Wave, SurveyArea]:
    wave = get_object_or_404(Wave.objects.select_related("survey"), code=wave_code)
    area = wave.areas.filter(code=area_code).first()
    if area is None:
        raise Http404("本轮测评不包括该商圈")
    return wave, area


def _already(wave: Wave, token: str) -> bool:
    return bool(token) and Response.objects.filter(wave=wave, device_hash=device_hash(wave, token)).exists()


@require_http_methods(["GET", "POST"])
def survey_form(request, wave, area):
    wave, area = _wave_area(wave, area)
    context = {"nav": "surveys", "wave": wave, "area": area}
    token = device_token(request)
    if not wave.is_open():
        return render(request, "surveys/form.html", {**context, "closed": True}, status=200 if request.method == "GET"
                      else 400)
    if _already(wave, token):
        return render(request, "surveys/form.html", {**context, "done": True})
    if request.method == "GET":
        return _with_device(request, render(request, "surveys/form.html",
                                            {**context, "form": SurveyForm(survey=wave.survey)}))

    def refuse(message: str, status: int, form=None):
        fresh = SurveyForm(survey=wave.survey)
        if form is not None:  # keep the person's answers, with a new start time
            data = request.POST.copy()
            data["started"], data["website"] = fresh.initial["started"], ""
            form = SurveyForm(data, survey=wave.survey)
            form.is_valid()
        return _with_device(request, render(request, "surveys/form.html",
                                            {**context, "form": form or fresh, "refusal": message}, status=status))

    if body_too_large(request):
        return refuse("提交内容过大", 413)
    if not ratelimit.hit(SURVEY_SUBMIT, ratelimit.client_ip(request)):
        return refuse("提交过于频繁，请稍后再试", 429)
    form = SurveyForm(request.POST, survey=wave.survey)
    spam = form.spam_error()
    if spam:
        return refuse(spam, 400, form)
    if not token:
        return refuse("无法识别设备：请允许本网站使用Cookie，然后重新提交", 400, form)
    if not form.is_valid():
        return refuse("还有题目未作答，请检查标红的题目", 400, form)
    started = request.POST.get("started", "")
    replay = publicforms.consume_started(started)  # one submission per form shown
    if replay:
        return refuse(replay, 400, form)
    begun = publicforms.started_at(started)
    try:
        do_submit_response(wave, area, form.answers(), device_token=token, client_ip=ratelimit.client_ip(request),
                           seconds_taken=None if begun is None else time.time() - begun)
    except ActionRefused as exc:
        publicforms.release_started(started)  # nothing was written
        return refuse(exc.message, 429 if isinstance(exc, CapReached) else 400, form)
    return redirect("surveys:thanks", wave=wave.code, area=area.code)


def thanks(request, wave, area):
    wave, area = _wave_area(wave, area)
    return render(request, "surveys/thanks.html", {"nav": "surveys", "wave": wave, "area": area})
