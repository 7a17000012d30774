from .menu import menu_for


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {"workspace_menu": []}
    return {"workspace_menu": menu_for(user)}
