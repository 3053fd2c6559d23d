"""HTTP API of the surveys app (mounted under /api/surveys/): read-only wave indices."""
from django.shortcuts import get_object_or_404
from ninja import Router

from .models import Wave
from .results import results_for

router = Router(tags=["满意度测评"])


@router.get("/waves", summary="测评轮次列表")
def waves(request):
    return [{"code": w.code, "title": w.title, "opens_on": w.opens_on, "closes_on": w.closes_on,
             "status": w.status(), "is_demo": w.is_demo} for w in Wave.objects.order_by("-opens_on")]


@router.get("/waves/{code}/index", summary="轮次满意度指数（各商圈与总体，含误差和样本量）")
def wave_index(request, code: str):
    wave = get_object_or_404(Wave, code=code)
    return {"wave": wave.code, "title": wave.title, "status": wave.status(), "is_demo": wave.is_demo,
            **results_for(wave)}
