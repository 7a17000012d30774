from tongban.core.menu import menu_for


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {"workspace_menu": []}
    from tongban.core.permissions import has_perm
    from tongban.core.selectors import next_year_missing

    missing = None
    if has_perm(user, "core.manage_calendar") or has_perm(user, "dashboard.view"):
        missing = next_year_missing()
    return {
        "workspace_menu": menu_for(user),
        "calendar_missing_year": missing,
        "perms_calendar_manage": has_perm(user, "core.manage_calendar"),
    }
