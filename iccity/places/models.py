"""Tables of the places app: business districts (商圈), venues, 一刻钟便民生活圈 service points and communities.

Coordinates are stored in WGS-84 (what the public sources give); the map converts them to the boundary data's
coordinate system when drawing. A fact not found in a source stays empty.
"""
from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from iccity.core import demo


class PlaceKind(models.TextChoices):
    DISTRICT = "district", _("商圈")
    SHOPPING = "shopping", _("购物中心/商业综合体")
    SCENIC = "scenic", _("景区/文旅场所")
    NIGHT_MARKET = "night_market", _("夜市")
    EXHIBITION = "exhibition", _("会展中心")
    TRANSPORT = "transport", _("交通枢纽")
    SERVICE_POINT = "service_point", _("便民生活圈服务网点")
    OTHER = "other", _("其他")


class ServiceKind(models.TextChoices):
    """Kinds of 一刻钟便民生活圈 service points (basic daily needs first)."""

    CONVENIENCE = "convenience", _("便利店/超市")
    FRESH_FOOD = "fresh_food", _("菜市场/生鲜店")
    BREAKFAST = "breakfast", _("早餐店")
    PHARMACY = "pharmacy", _("药店")
    HOUSEKEEPING = "housekeeping", _("家政服务")
    REPAIR = "repair", _("维修点")
    HAIRDRESSING = "hairdressing", _("美容美发")
    LAUNDRY = "laundry", _("洗染店")
    PARCEL = "parcel", _("邮政快递")
    ELDERLY = "elderly", _("养老服务")
    SPORTS = "sports", _("健身/运动场")


class PlaceTag(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("场所标签")
        verbose_name_plural = _("场所标签")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PlaceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def located(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class Place(models.Model):
    name = models.CharField(_("名称"), max_length=120, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=PlaceKind.choices, db_index=True)
    service_kind = models.CharField(_("服务业态"), max_length=20, choices=ServiceKind.choices, blank=True,
                                    help_text=_("仅便民生活圈服务网点填写"))
    district = models.ForeignKey("self", verbose_name=_("所属商圈"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="venues", limit_choices_to={"kind": PlaceKind.DISTRICT})
    town = models.CharField(_("所在镇街"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度（WGS-84）"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度（WGS-84）"), max_digits=9, decimal_places=6, null=True, blank=True)
    opened_on = models.DateField(_("开业/开放日期"), null=True, blank=True)
    opened_text = models.CharField(_("开业时间（原文）"), max_length=60, blank=True,
                                   help_text=_("来源只给到年或月时照录，例如“2019年6月”"))
    tags = models.ManyToManyField(PlaceTag, verbose_name=_("标签"), blank=True, related_name="places")
    description = models.TextField(_("公开说明"), blank=True)
    internal_note = models.TextField(_("内部备注"), blank=True, help_text=_("不在公开页面显示"))
    plan_mention = models.CharField(_("方案原文"), max_length=200, blank=True, help_text=_("方案中提到它的写法"))
    is_published = models.BooleanField(_("公开"), default=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("商圈/场所")
        verbose_name_plural = _("商圈与场所")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:detail", args=[self.pk])

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class PlaceSource(models.Model):
    place = models.ForeignKey(Place, verbose_name=_("场所"), on_delete=models.CASCADE, related_name="sources")
    fact = models.CharField(_("支撑的事实"), max_length=200)
    url = models.CharField(_("来源"), max_length=300, help_text=_("网址，或无网址时的出处说明"))
    confidence = models.CharField(_("可信度"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("来源")
        verbose_name_plural = _("来源")
        ordering = ["place", "pk"]

    def __str__(self) -> str:
        return f"{self.place}：{self.fact}"


class Community(models.Model):
    """A residential community (社区/小区) whose residents a living circle serves."""

    name = models.CharField(_("名称"), max_length=120)
    town = models.CharField(_("所在镇街"), max_length=40, blank=True)
    latitude = models.DecimalField(_("纬度（WGS-84）"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度（WGS-84）"), max_digits=9, decimal_places=6)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["town", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="places_community_unique_name")]

    def __str__(self) -> str:
        return f"{self.town}{self.name}" if self.town else self.name
