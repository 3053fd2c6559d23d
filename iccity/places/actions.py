"""State changes of the places app: each a do_* function, one transaction, with an audit record.

Coordinates the office sets (one place from a click on the map, or many from a CSV file: preview, then apply) are
WGS-84 and must lie in Xiqing (``geo.inside_xiqing``: the district polygon of the boundary file, or the reference
bounding box when the file is not installed). Each change stores its source as a ``PlaceSource`` and an audit record
with the coordinates before and after; a CSV file is applied whole or not at all.
"""
from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from iccity.core import policy
from iccity.core.actions import ActionRefused, record_audit

from . import geo
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
    policy.check_actor(actor, "places.manage_places")
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
    policy.check_actor(actor, "places.manage_places")
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
    policy.check_actor(actor, "places.manage_places")
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


# Coordinates set by the office ---------------------------------------------------------------------------------
COORDINATE_FACT = "坐标（WGS-84）"
MAX_CSV_ROWS = 2000
QUANTUM = Decimal("0.000001")


def _decimal(raw, what: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ActionRefused(f"{what}不是数字：{raw}") from None
    if not value.is_finite():
        raise ActionRefused(f"{what}不是数字：{raw}")
    return value.quantize(QUANTUM)


def check_coordinates(latitude, longitude, source: str) -> tuple[Decimal, Decimal, str]:
    """The cleaned (lat, lon, source), or ActionRefused with the reason in Chinese."""
    if latitude in (None, "") or longitude in (None, ""):
        raise ActionRefused("经度和纬度都须填写")
    lat, lon = _decimal(latitude, "纬度"), _decimal(longitude, "经度")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ActionRefused(f"经纬度超出范围：纬度{lat}，经度{lon}")
    if not geo.inside_xiqing(float(lat), float(lon)):
        raise ActionRefused(f"该点（纬度{lat}，经度{lon}）不在西青区范围内，请检查经纬度是否填反或坐标系是否为WGS-84")
    source = (source or "").strip()
    if not source:
        raise ActionRefused("请填写坐标来源（网址，或无网址时的出处说明）")
    if len(source) > 300:
        raise ActionRefused("坐标来源过长（最多300字）")
    return lat, lon, source


def _point(place: Place) -> dict | None:
    if not place.has_coordinates:
        return None
    return {"latitude": str(place.latitude), "longitude": str(place.longitude)}


def _apply(place: Place, lat: Decimal, lon: Decimal, source: str, confidence: str, actor, note: str,
           action: str) -> Place:
    before = _point(place)
    old_sources = list(place.sources.filter(fact=COORDINATE_FACT).values_list("url", flat=True))
    place.latitude, place.longitude = lat, lon
    place.save(update_fields=["latitude", "longitude", "updated_at"])
    place.sources.filter(fact=COORDINATE_FACT).delete()  # the previous source is kept in the audit record
    PlaceSource.objects.create(place=place, fact=COORDINATE_FACT, url=source, confidence=confidence[:40])
    record_audit(actor, action, place,
                 before={"point": before, "sources": old_sources},
                 after={"point": _point(place), "sources": [source]}, note=note)
    return place


def do_set_place_coordinates(place: Place, *, latitude, longitude, source: str, confidence: str = "",
                             actor=None, note: str = "") -> Place:
    policy.check_actor(actor, "places.set_coordinates", place)
    lat, lon, source = check_coordinates(latitude, longitude, source)
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        return _apply(place, lat, lon, source, confidence or "办公室标注", actor, note,
                      "places.place.coordinates_set")


@dataclass
class CsvRow:
    line: int
    key: str
    place: Place | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    source: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def before(self) -> str:
        return f"{self.place.latitude}, {self.place.longitude}" if self.place and self.place.has_coordinates else ""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ActionRefused("文件编码无法识别，请另存为UTF-8编码的CSV")


def preview_coordinates_csv(data: bytes) -> list[CsvRow]:
    """Every row of the file checked (nothing written). Columns: name or id, lon, lat, source."""
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text))
    columns = {(c or "").strip().lower() for c in (reader.fieldnames or [])}
    if not ({"name", "id"} & columns) or not {"lon", "lat", "source"} <= columns:
        raise ActionRefused("CSV须有表头：name（或 id）、lon、lat、source")
    places = {p.name: p for p in Place.objects.all()}
    by_id = {p.pk: p for p in places.values()}
    rows: list[CsvRow] = []
    seen: dict[int, int] = {}
    for number, raw in enumerate(reader, start=2):
        if len(rows) >= MAX_CSV_ROWS:
            raise ActionRefused(f"CSV超过{MAX_CSV_ROWS}行，请分批导入")
        raw = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(raw.values()):
            continue
        key = raw.get("id") or raw.get("name") or ""
        row = CsvRow(line=number, key=key, source=raw.get("source", ""))
        if raw.get("id"):
            row.place = by_id.get(int(raw["id"])) if raw["id"].isdigit() else None
            if row.place is None:
                row.errors.append(f"没有编号为 {raw['id']} 的场所")
        elif raw.get("name"):
            row.place = places.get(raw["name"])
            if row.place is None:
                row.errors.append(f"没有名为“{raw['name']}”的场所")
        else:
            row.errors.append("缺少场所名称或编号")
        try:
            row.latitude, row.longitude, row.source = check_coordinates(raw.get("lat"), raw.get("lon"),
                                                                         raw.get("source", ""))
        except ActionRefused as exc:
            row.errors.append(exc.message)
        if row.place is not None:
            if row.place.pk in seen:
                row.errors.append(f"与第{seen[row.place.pk]}行重复（同一场所）")
            seen.setdefault(row.place.pk, number)
        rows.append(row)
    if not rows:
        raise ActionRefused("CSV没有数据行")
    return rows


def do_import_place_coordinates(data: bytes, *, actor=None, note: str = "") -> list[Place]:
    """Apply a checked file: every row or none. The file is checked again here, so a preview cannot go stale."""
    policy.check_actor(actor, "places.set_coordinates")
    rows = preview_coordinates_csv(data)
    bad = [r for r in rows if r.errors]
    if bad:
        raise ActionRefused(f"有{len(bad)}行有错误，未导入任何坐标；请修正后重新预览")
    changed = []
    with transaction.atomic():
        for row in rows:
            place = Place.objects.select_for_update().get(pk=row.place.pk)
            changed.append(_apply(place, row.latitude, row.longitude, row.source, "CSV导入", actor, note,
                                  "places.place.coordinates_set"))
        record_audit(actor, "places.coordinates.imported", None, after={"count": len(changed)}, note=note)
    return changed


SOURCED_POINTS_FILE = Path(__file__).parent / "data" / "xiqing-coordinates.toml"


def do_fill_sourced_coordinates(*, actor=None, note: str = "") -> list[str]:
    """Give the sourced points of ``xiqing-coordinates.toml`` to places that still have none (safe to run again)."""
    policy.check_actor(actor, "places.set_coordinates")
    points = read_places_file(SOURCED_POINTS_FILE).get("point", [])
    filled = []
    for point in points:
        place = Place.objects.filter(name=point["name"], latitude__isnull=True).first()
        if place is None:
            continue
        do_set_place_coordinates(place, latitude=point["latitude"], longitude=point["longitude"],
                                 source=point["source"], confidence=point.get("confidence", ""), actor=actor,
                                 note=note or "载入有来源的坐标")
        filled.append(place.name)
    return filled
