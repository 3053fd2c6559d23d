"""State changes of the places app: each a do_* function, one transaction, with an audit record."""
from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from iccity.core.actions import ActionRefused, record_audit

from .models import Community, Place, PlaceKind, PlaceSource, PlaceTag, ServiceKind

PLACES_FILE = Path(__file__).parent / "data" / "xiqing-places.toml"
PLACE_FIELDS = ("kind", "service_kind", "town", "address", "latitude", "longitude", "opened_on", "opened_text",
                "description", "internal_note", "plan_mention")


def _check_point(lat, lon) -> None:
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        raise ActionRefused("经纬度须同时填写或同时留空。")
    if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
        raise ActionRefused(f"经纬度超出范围：纬度{lat}，经度{lon}。")


def read_places_file(path: Path = PLACES_FILE) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ActionRefused(f"场所数据文件无法读取：{path.name}（{exc}）") from exc


def do_load_places(data: dict | None = None, *, actor=None, note: str = "") -> list[str]:
    """Create the tags and places in ``data`` that do not exist yet (by name), with their sources. Safe to run again;
    never edits an existing place, so the office's later corrections stay. Returns the names created."""
    data = read_places_file() if data is None else data
    kinds, services = set(PlaceKind.values), set(ServiceKind.values)
    rows = data.get("place", [])
    for row in rows:  # validate everything before writing anything
        if row.get("kind") not in kinds:
            raise ActionRefused(f"场所“{row.get('name')}”的类型无效：{row.get('kind')}")
        if row.get("service_kind") and row["service_kind"] not in services:
            raise ActionRefused(f"场所“{row['name']}”的服务业态无效：{row['service_kind']}")
        _check_point(row.get("latitude"), row.get("longitude"))
    created = []
    with transaction.atomic():
        for tag in data.get("tag", []):
            PlaceTag.objects.get_or_create(code=tag["code"], defaults={"name": tag["name"]})
        # districts first, so venues can point at them
        for row in sorted(rows, key=lambda r: r["kind"] != PlaceKind.DISTRICT):
            if Place.objects.filter(name=row["name"]).exists():
                continue
            values = {f: row[f] for f in PLACE_FIELDS if f in row}
            for f in ("latitude", "longitude"):
                if f in values:
                    values[f] = Decimal(str(values[f]))
            if row.get("district"):
                values["district"] = Place.objects.filter(name=row["district"], kind=PlaceKind.DISTRICT).first()
                if values["district"] is None:
                    raise ActionRefused(f"场所“{row['name']}”所属商圈不存在：{row['district']}")
            place = Place.objects.create(name=row["name"], **values)
            for source in row.get("sources", []):
                PlaceSource.objects.create(place=place, fact=source["fact"], url=source["url"],
                                           confidence=source.get("confidence", ""))
            if row.get("tags"):
                place.tags.set(PlaceTag.objects.filter(code__in=row["tags"]))
            record_audit(actor, "places.place.created", place, after={"name": place.name, "kind": place.kind},
                         note=note or "载入场所数据")
            created.append(place.name)
    return created


def do_create_service_point(*, name: str, service_kind: str, latitude, longitude, town: str = "",
                            district: Place | None = None, actor=None, note: str = "") -> Place:
    if service_kind not in ServiceKind.values:
        raise ActionRefused(f"服务业态无效：{service_kind}")
    _check_point(latitude, longitude)
    if latitude is None:
        raise ActionRefused("便民网点须有坐标，才能计算生活圈覆盖。")
    with transaction.atomic():
        if Place.objects.filter(name=name).exists():
            raise ActionRefused(f"已有同名场所：{name}")
        place = Place.objects.create(name=name, kind=PlaceKind.SERVICE_POINT, service_kind=service_kind,
                                     latitude=Decimal(str(latitude)), longitude=Decimal(str(longitude)),
                                     town=town, district=district)
        record_audit(actor, "places.place.created", place, after={"name": name, "service_kind": service_kind},
                     note=note)
    return place


def do_create_community(*, name: str, town: str, latitude, longitude, households=None, source: str = "",
                        actor=None, note: str = "") -> Community:
    _check_point(latitude, longitude)
    if latitude is None:
        raise ActionRefused("社区须有坐标。")
    with transaction.atomic():
        if Community.objects.filter(name=name, town=town).exists():
            raise ActionRefused(f"已有同名社区：{town}{name}")
        community = Community.objects.create(name=name, town=town, latitude=Decimal(str(latitude)),
                                             longitude=Decimal(str(longitude)), households=households,
                                             source=source)
        record_audit(actor, "places.community.created", community, after={"name": name, "town": town}, note=note)
    return community
