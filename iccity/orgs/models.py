"""Responsible units, their aliases, the leading group with its office and task forces, people and roles."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitType(models.TextChoices):
    BUREAU = "bureau", _("区政府部门")
    PARTY = "party", _("党委部门")
    DISTRICT_BODY = "district_body", _("其他区属机构")
    CITY_BRANCH = "city_branch", _("市级派驻/垂直管理单位")
    TOWN = "town", _("镇")
    SUBDISTRICT = "subdistrict", _("街道")
    COMPANY = "company", _("企业")
    TASK_FORCE = "task_force", _("专班")
    OFFICE = "office", _("办公室")
    COLLECTIVE = "collective", _("集合（泛指多个单位）")


class CollectiveRule(models.TextChoices):
    """How a collective name such as 各镇人民政府和街道办事处 expands into real units."""

    NONE = "", _("非集合")
    ALL_TOWNS = "all_towns", _("全部镇和街道")
    AGRI_TOWNS = "agri_towns", _("涉农镇和街道")
    LEADING_GROUP = "leading_group", _("领导小组成员单位")
    MANUAL = "manual", _("手工指定成员")


class Unit(models.Model):
    name = models.CharField(_("名称"), max_length=120, unique=True, help_text=_("方案中的写法，例如“区商务局”"))
    full_name = models.CharField(_("全称"), max_length=200, blank=True)
    unit_type = models.CharField(_("单位类型"), max_length=20, choices=UnitType.choices, db_index=True)
    collective_rule = models.CharField(_("集合展开规则"), max_length=20, choices=CollectiveRule.choices, blank=True, default="")
    manual_members = models.ManyToManyField(
        "self", verbose_name=_("手工指定成员"), blank=True, symmetrical=False, related_name="manual_collectives"
    )
    agriculture_related = models.BooleanField(_("涉农"), default=False, help_text=_("“涉农镇人民政府和街道办事处”展开时使用"))
    division_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    verified = models.BooleanField(_("已核实"), default=False, help_text=_("名称、类型与存续已对照官方来源核实"))
    source = models.CharField(_("来源"), max_length=500, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    active = models.BooleanField(_("在用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=1000)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位名录")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_collective(self) -> bool:
        return self.unit_type == UnitType.COLLECTIVE

    def resolve_members(self) -> list[Unit]:
        """The real units a collective stands for (itself for an ordinary unit), in registry order."""
        if not self.is_collective:
            return [self]
        towns = Unit.objects.filter(active=True, unit_type__in=[UnitType.TOWN, UnitType.SUBDISTRICT])
        if self.collective_rule == CollectiveRule.ALL_TOWNS:
            return list(towns)
        if self.collective_rule == CollectiveRule.AGRI_TOWNS:
            return list(towns.filter(agriculture_related=True))
        if self.collective_rule == CollectiveRule.LEADING_GROUP:
            return list(Unit.objects.filter(active=True, leading_groups__isnull=False).distinct())
        if self.collective_rule == CollectiveRule.MANUAL:
            return list(self.manual_members.filter(active=True))
        return []


class UnitAlias(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("别名"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit.name}"


class LeadingGroup(models.Model):
    """领导小组. Its office (一办) and task forces (八专班) are editable data: their names and members are not published."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    office_name = models.CharField(_("办公室名称"), max_length=200, blank=True)
    office_host = models.ForeignKey(
        Unit, verbose_name=_("办公室设在"), null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_offices"
    )
    members = models.ManyToManyField(Unit, verbose_name=_("成员单位"), blank=True, related_name="leading_groups")
    source = models.CharField(_("来源"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("领导小组")
        verbose_name_plural = _("领导小组")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    name = models.CharField(_("姓名"), max_length=60)
    unit = models.ForeignKey(Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["unit__sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit_id else self.name


class TaskForce(models.Model):
    """专班: reports to the leading group's office."""

    leading_group = models.ForeignKey(LeadingGroup, verbose_name=_("领导小组"), on_delete=models.CASCADE, related_name="task_forces")
    name = models.CharField(_("名称"), max_length=200)
    host_unit = models.ForeignKey(Unit, verbose_name=_("牵头单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(_("职责"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("专班")
        verbose_name_plural = _("专班")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["leading_group", "name"], name="orgs_taskforce_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("领导小组办公室管理员")
    TASK_FORCE_LEAD = "task_force_lead", _("专班负责人")
    TASK_FORCE_MEMBER = "task_force_member", _("专班成员")
    UNIT_HEAD = "unit_head", _("单位负责人")
    LIAISON = "liaison", _("单位联络员")
    LEADER = "leader", _("区领导")


class RoleAssignment(models.Model):
    """A person's role, scoped to a unit or a task force where the role needs one."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments")
    task_force = models.ForeignKey(
        TaskForce, verbose_name=_("专班"), null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "unit", "task_force"], name="orgs_role_unique"),
        ]

    def __str__(self) -> str:
        scope = self.task_force or self.unit or ""
        return f"{self.person.name}：{self.get_role_display()} {scope}".strip()
