from django.conf import settings


def platform(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from .notifications import unread_count

        unread = unread_count(user)
    from .attachments import MAX_BYTES
    from .portal_nav import links_for

    return {
        "portal_links": links_for(user),
        "platform_name": settings.TONGBAN_PLATFORM_NAME,
        "unread_notifications": unread,
        # File inputs carry the server's limit so the browser refuses an oversized file before
        # uploading it (tongban.js); the server checks again (core.attachments).
        "upload_max_bytes": MAX_BYTES,
        "upload_max_mb": MAX_BYTES // 1024 // 1024,
    }
