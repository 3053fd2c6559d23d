"""Words of the places app for the translation table (core.words)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register, register_detail

register(VERB, {
    "places.community.created": L("新增社区"), "places.place.created": L("新增场所"),
    "places.place.coordinates_set": L("标注场所坐标"), "places.coordinates.imported": L("批量导入场所坐标"),
})


def _point(p) -> str:
    return _("纬度 %(lat)s，经度 %(lon)s") % {"lat": p["latitude"], "lon": p["longitude"]} if p else _("无坐标")


def _coordinates(before, after):
    return _("坐标由（%(a)s）改为（%(b)s）") % {"a": _point((before or {}).get("point")),
                                          "b": _point((after or {}).get("point"))}


def _imported(before, after):
    return _("导入 %(n)s 个场所的坐标") % {"n": (after or {}).get("count", 0)}


register_detail("places.place.coordinates_set", _coordinates)
register_detail("places.coordinates.imported", _imported)
register_detail("places.place.created", lambda before, after: "")
