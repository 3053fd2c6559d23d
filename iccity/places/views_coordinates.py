"""Office pages to set places' coordinates: click the map or type, or import a CSV file (preview, then apply)."""
from __future__ import annotations

import base64

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from iccity.core.actions import ActionRefused
from iccity.core.policy import requires

from . import geo
from .actions import do_import_place_coordinates, do_set_place_coordinates, preview_coordinates_csv
from .forms import CoordinateCsvForm, CoordinateForm
from .models import Place

CSV_SALT = "iccity.places.coordinates-csv"
MAX_CSV_BYTES = 1_000_000


def _check_text() -> str:
    if geo.xiqing_check() == "polygon":
        return _("坐标须在西青区行政区划边界（边界数据中的西青区多边形）以内。")
    return _("边界数据未安装，坐标按西青区外接矩形（经度116.876—117.338，纬度38.823—39.176）检查。")


def _page(request, form, status=200):
    places = list(Place.objects.order_by("kind", "name").prefetch_related("sources"))
    chart = {
        "boundaryUrl": static(geo.BOUNDARY_STATIC) if geo.boundary_available() else "",
        "boundaryCrs": geo.BOUNDARY_CRS, "focus": geo.FOCUS_DISTRICT,
        "points": [{"name": p.name, "value": list(geo.display_point(float(p.latitude), float(p.longitude)))}
                   for p in places if p.has_coordinates],
    }
    return render(request, "places/coordinates.html", {
        "nav": "places", "form": form, "places": places, "chart": chart, "check_text": _check_text(),
        "missing": sum(1 for p in places if not p.has_coordinates), "csv_form": CoordinateCsvForm(),
    }, status=status)


@requires("places.set_coordinates")
def coordinates_page(request):
    initial = {}
    if request.GET.get("place", "").isdigit():
        initial["place"] = int(request.GET["place"])
    return _page(request, CoordinateForm(initial=initial))


@requires("places.set_coordinates")
@require_POST
def set_coordinates(request):
    form = CoordinateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            place = do_set_place_coordinates(data["place"], latitude=data["latitude"], longitude=data["longitude"],
                                             source=data["source"], confidence=data["confidence"],
                                             actor=request.user, note="办公室在地图上标注")
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存“%(name)s”的坐标：纬度 %(lat)s，经度 %(lon)s。")
                             % {"name": place.name, "lat": place.latitude, "lon": place.longitude})
            return redirect("places:coordinates")
    return _page(request, form, status=400)


@requires("places.set_coordinates")
@require_http_methods(["GET", "POST"])
def import_coordinates(request):
    """GET: the upload form. POST with a file: the preview. POST with ``payload``: apply the previewed file."""
    context = {"nav": "places", "check_text": _check_text()}
    if request.method == "GET":
        return render(request, "places/coordinates_import.html", {**context, "form": CoordinateCsvForm()})
    if "payload" in request.POST:
        try:
            data = base64.b64decode(signing.loads(request.POST["payload"], salt=CSV_SALT, max_age=3600))
        except (signing.BadSignature, ValueError):
            messages.error(request, _("预览已失效，请重新上传文件。"))
            return redirect("places:import_coordinates")
        try:
            changed = do_import_place_coordinates(data, actor=request.user, note="办公室CSV导入坐标")
        except ActionRefused as exc:
            return render(request, "places/coordinates_import.html",
                          {**context, "form": CoordinateCsvForm(), "refusal": exc.message}, status=400)
        messages.success(request, _("已导入 %(n)s 个场所的坐标。") % {"n": len(changed)})
        return redirect("places:coordinates")
    form = CoordinateCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "places/coordinates_import.html", {**context, "form": form}, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_CSV_BYTES:
        form.add_error("file", _("文件超过1 MB，请分批导入"))
        return render(request, "places/coordinates_import.html", {**context, "form": form}, status=400)
    data = upload.read()
    try:
        rows = preview_coordinates_csv(data)
    except ActionRefused as exc:
        form.add_error("file", exc.message)
        return render(request, "places/coordinates_import.html", {**context, "form": form}, status=400)
    bad = sum(1 for r in rows if r.errors)
    payload = signing.dumps(base64.b64encode(data).decode("ascii"), salt=CSV_SALT, compress=True) if not bad else ""
    return render(request, "places/coordinates_import.html", {
        **context, "form": CoordinateCsvForm(), "rows": rows, "bad": bad, "payload": payload,
        "file_name": upload.name}, status=200)
