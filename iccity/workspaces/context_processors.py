"""``workspaces`` for the header switcher, computed only when a template reads it (pages without the switcher pay
nothing)."""
from django.utils.functional import SimpleLazyObject


def workspaces(request):
    def compute():
        from iccity.orgs.permissions import actor_for

        from .registry import active_desk, desks_for

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"desks": [], "active": None}
        actor = actor_for(request)
        desks = desks_for(actor)
        return {"desks": desks, "active": active_desk(request, actor, desks)}

    return {"workspaces": SimpleLazyObject(compute)}
