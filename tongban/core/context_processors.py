from django.conf import settings


def platform(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from .notifications import unread_count

        unread = unread_count(user)
    from .portal_nav import links_for

    return {
        "portal_links": links_for(user),
        "platform_name": settings.TONGBAN_PLATFORM_NAME,
        "unread_notifications": unread,
    }
