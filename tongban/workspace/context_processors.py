from tongban.core.menu import menu_for


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {"workspace_menu": []}
    from tongban.core.permissions import has_perm
    from tongban.core.selectors import next_year_missing

    # The banner on every page is for those who can enter the schedule; everyone else is told
    # once, in the inbox (workspace.views.inbox).
    manages = has_perm(user, "core.manage_calendar")
    return {
        "workspace_menu": menu_for(user),
        "calendar_missing_year": next_year_missing() if manages else None,
        "perms_calendar_manage": manages,
    }
