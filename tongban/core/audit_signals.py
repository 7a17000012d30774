"""Logins, logouts and failed logins are audit events. Signals are used only here, because the
events originate inside django.contrib.auth."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .request_context import ip_from_request


def _ip(request):
    return ip_from_request(request) if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record("auth.login", actor=user, obj=user, ip=_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.logout", actor=user, obj=user, ip=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        "auth.login_failed",
        object_type="accounts.user",
        object_repr=username,
        changes={"username": username},
        ip=_ip(request),
    )
