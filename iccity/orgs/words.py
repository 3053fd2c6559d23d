"""Words of the orgs app for the translation table (core.words), and who a user is (name and unit)."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register, register_people_resolver, register_person_resolver


def _person(user) -> str | None:
    from .models import Person

    person = Person.objects.select_related("unit").filter(user_id=user.pk).first()
    if person is None:
        return None
    return f"{person.name}（{person.unit.name}）" if person.unit_id else person.name


def _people(user_ids: list[int]) -> dict[int, str]:
    from .models import Person

    return {p.user_id: (f"{p.name}（{p.unit.name}）" if p.unit_id else p.name)
            for p in Person.objects.select_related("unit").filter(user_id__in=user_ids)}


register_person_resolver(_person)
register_people_resolver(_people)
register(VERB, {
    "orgs.leading_group.created": L("新建领导小组"), "orgs.task_force.created": L("新建工作专班"),
    "orgs.task_force.member_removed": L("移出专班成员单位"), "orgs.task_force.member_set": L("设定专班成员单位"),
    "orgs.unit.created": L("新增单位"), "orgs.unit.updated": L("修改单位信息"),
})


def _forget(**_kwargs) -> None:
    from iccity.core.words import clear_person_cache

    clear_person_cache()


def _connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import Person, Unit

    for model in (Person, Unit):  # a renamed person or unit shows at once, not after the cache minute
        post_save.connect(_forget, sender=model, dispatch_uid=f"words-forget-{model.__name__}")
        post_delete.connect(_forget, sender=model, dispatch_uid=f"words-forget-del-{model.__name__}")


_connect()
