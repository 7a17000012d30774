"""Two-factor login (TOTP, RFC 6238) for staff who decide or administer, with recovery codes.

Who must use it: staff holding a role in TONGBAN_2FA_ROLES (approver, admin, credit_admin by
default) when TONGBAN_REQUIRE_2FA is on (on in production), and anyone who enrolled a device.
Until they verify in this session, such users reach only the 2FA pages and logout.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.core import audit

RECOVERY_CODES = 10
ISSUER = "Tongban"


def required_for(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_staff_member:
        return False
    if has_device(user):
        return True
    if not getattr(settings, "TONGBAN_REQUIRE_2FA", False):
        return False
    roles = set(getattr(settings, "TONGBAN_2FA_ROLES", ()))
    return user.is_superuser or bool(user.role_set() & roles)


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (one per user; a new setup replaces it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    # The otpauth:// URI the authenticator app scans (issuer from OTP_TOTP_ISSUER).
    return device.config_url


def qr_svg(uri: str) -> str:
    import segno

    return segno.make(uri, error="m").svg_data_uri(scale=5)


def current_token(device: TOTPDevice) -> str:
    """The code the authenticator shows now (tests and the demo use it)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def confirm(*, user, token: str, request=None) -> list[str] | None:
    """Confirm the pending device with a first code; return the recovery codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        audit.record("2fa.enrol_failed", actor=user, obj=user)
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = regenerate_recovery_codes(user)
    if request is not None:
        otp_login(request, device)
    audit.record("2fa.enrolled", actor=user, obj=user)
    return codes


def regenerate_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="恢复码")
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def verify(*, request, token: str) -> bool:
    user = request.user
    device = match_token(user, token.strip().replace(" ", ""))
    if device is None:
        audit.record("2fa.failed", actor=user, obj=user)
        return False
    otp_login(request, device)
    audit.record("2fa.verified", actor=user, obj=user, changes={"method": "recovery" if isinstance(device, StaticDevice) else "totp"})
    return True


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def devices(user):
    return list(devices_for_user(user))


def api_refusal_message() -> str:
    return _("您的账号须使用两步验证：请先在浏览器中完成两步验证（/accounts/2fa/verify/）后再调用接口；系统对接请使用机构对接账号的令牌。")


def session_blocked(user) -> bool:
    """A logged-in session that must still pass two-factor login before doing anything."""
    return bool(user is not None and user.is_authenticated and required_for(user) and not user.is_verified())


def refuse_unverified_api_session(request) -> None:
    """Session gate for the API (registered with core.api_auth): the API holds as the pages do."""
    if session_blocked(getattr(request, "user", None)):
        raise PermissionDenied(api_refusal_message())


def _bearer_user(request):
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    from .services import authenticate_token

    return authenticate_token(header[7:].strip())


class RequireTwoFactorMiddleware:
    """Send staff who must use two-factor login to set it up or verify before anything else."""

    ALLOWED_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz", "/ping")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path
        if path.startswith("/api/"):
            # Operations open to the public (auth=None) never reach the session gate in
            # core.api_auth, so the whole API refuses such a session here; a valid integration
            # token is a different caller and passes.
            if session_blocked(user) and _bearer_user(request) is None:
                return JsonResponse({"code": "two_factor_required", "message": api_refusal_message()}, status=403,
                                    json_dumps_params={"ensure_ascii": False})
            return self.get_response(request)
        if (
            user is not None
            and user.is_authenticated
            and not path.startswith(self.ALLOWED_PREFIXES)
            and required_for(user)
            and not user.is_verified()
        ):
            target = "accounts:2fa-verify" if has_device(user) else "accounts:2fa-setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
