"""Pages for two-factor login: set up an authenticator, verify a code, manage recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import twofactor


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/accounts/me/"


def _staff_only(request):
    from django.core.exceptions import PermissionDenied

    if not request.user.is_staff_member:
        raise PermissionDenied(_("两步验证用于工作人员账号。"))


def setup(request):
    """Scan the QR code with an authenticator app, then confirm with the code it shows."""
    _staff_only(request)
    device = twofactor.pending_device(request.user)
    error = ""
    if request.method == "POST":
        codes = twofactor.confirm(user=request.user, token=request.POST.get("token", ""), request=request)
        if codes is not None:
            request.session["tb_recovery_codes"] = codes
            return redirect(f"/accounts/2fa/codes/?next={_next(request)}")
        error = _("验证码不正确，请核对手机时间后输入身份验证器当前显示的 6 位数字。")
    uri = twofactor.provisioning_uri(device)
    return render(request, "accounts/2fa_setup.html", {
        "qr": twofactor.qr_svg(uri), "secret": device.config_url.split("secret=")[1].split("&")[0],
        "error": error, "next": _next(request), "required": twofactor.required_for(request.user),
    }, status=400 if error else 200)


def verify(request):
    _staff_only(request)
    if not twofactor.has_device(request.user):
        return redirect(f"/accounts/2fa/setup/?next={_next(request)}")
    error = ""
    if request.method == "POST":
        if twofactor.verify(request=request, token=request.POST.get("token", "")):
            left = twofactor.remaining_recovery_codes(request.user)
            if left <= 3:
                messages.warning(request, _("恢复码只剩 %(n)d 个，请在“两步验证”页面重新生成。") % {"n": left})
            return redirect(_next(request))
        error = _("验证码不正确或已使用，请重新输入。")
    return render(request, "accounts/2fa_verify.html", {"error": error, "next": _next(request)},
                  status=400 if error else 200)


def codes(request):
    """The recovery codes, shown once after enrolment or regeneration."""
    _staff_only(request)
    shown = request.session.pop("tb_recovery_codes", None)
    return render(request, "accounts/2fa_codes.html", {
        "codes": shown, "next": _next(request), "left": twofactor.remaining_recovery_codes(request.user),
        "enrolled": twofactor.has_device(request.user),
    })


@require_POST
def regenerate(request):
    _staff_only(request)
    if not (twofactor.has_device(request.user) and request.user.is_verified()):
        return redirect("/accounts/2fa/verify/?next=/accounts/2fa/codes/")
    request.session["tb_recovery_codes"] = twofactor.regenerate_recovery_codes(request.user)
    from tongban.core import audit

    audit.record("2fa.codes_regenerated", actor=request.user, obj=request.user)
    return redirect("/accounts/2fa/codes/")
