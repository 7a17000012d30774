from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core import ratelimit
from tongban.core.permissions import requires, scope_q

from . import selectors, services
from .forms import (
    IntegrationUserForm,
    LoginForm,
    OrganisationCreateForm,
    StaffUserCreateForm,
    TokenIssueForm,
    UserRolesForm,
)
from .models import ApiToken, Role, User
from .permissions import get_organisation_for, get_user_for, organisations_in_scope


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@method_decorator(login_not_required, name="dispatch")
@method_decorator(ratelimit.limit("login", rate="TONGBAN_RATE_LOGIN", methods=("POST",)), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def after_login(request):
    """Send staff to their workspace and applicants to the portal."""
    if request.user.is_staff_member:
        return redirect("workspace:inbox")
    return redirect("portal:home")


@requires("accounts.view_staff")
def organisation_list(request):
    tree = selectors.organisation_tree(request.user)
    return render(request, "accounts/organisations.html", {"tree": tree})


@requires("accounts.manage_organisations")
def organisation_create(request, parent_id: int):
    parent = get_organisation_for(request.user, parent_id, for_write=True)
    form = OrganisationCreateForm(
        request.POST or None, initial={"division_code": parent.division_code}
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(
                actor=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已创建机构：%(name)s") % {"name": org.name})
            return redirect("accounts:organisations")
    return render(request, "accounts/organisation_form.html", {"form": form, "parent": parent})


@requires("accounts.view_staff")
def user_list(request):
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    org_id = request.GET.get("organisation", "")
    qs = selectors.staff_users_list(
        request.user,
        q=q,
        role=role if role in Role.values else "",
        organisation_id=int(org_id) if org_id.isdigit() else None,
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/users.html",
        {
            "page": page,
            "q": q,
            "role": role,
            "organisation": org_id,
            "roles": Role.choices,
            "organisations": organisations_in_scope(request.user).order_by("path"),
        },
    )


@requires("accounts.manage_users")
def user_create(request):
    orgs = organisations_in_scope(request.user).order_by("path")
    form = StaffUserCreateForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.staff_user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已创建账号 %(u)s，初始密码：%(p)s（只显示一次，请当面告知本人并提醒其修改）")
                % {"u": user.username, "p": password},
            )
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@requires("accounts.view_staff")
def user_detail(request, pk: int):
    target = get_user_for(request.user, pk)
    form = UserRolesForm(initial={"roles": sorted(target.role_set())})
    return render(request, "accounts/user_detail.html", {"target": target, "form": form})


@require_POST
@requires("accounts.manage_users")
def user_roles(request, pk: int):
    target = get_user_for(request.user, pk, for_write=True)
    form = UserRolesForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_roles(
                actor=request.user, user=target, roles=form.cleaned_data["roles"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("角色已更新。"))
    else:
        messages.error(request, _("角色选择无效。"))
    return redirect("accounts:user-detail", pk=target.pk)


@require_POST
@requires("accounts.manage_users")
def user_active(request, pk: int):
    target = get_user_for(request.user, pk, for_write=True)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=target, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("账号已启用。") if active else _("账号已停用。"))
    return redirect("accounts:user-detail", pk=target.pk)


@requires("accounts.manage_tokens")
def token_list(request):
    orgs = organisations_in_scope(request.user).order_by("path")
    accounts = (
        User.objects.filter(scope_q(request.user), kind=User.Kind.INTEGRATION)
        .select_related("organisation__parent")
        .prefetch_related("api_tokens")
        .order_by("username")
    )
    form = IntegrationUserForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            services.integration_user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已创建对接账号。"))
            return redirect("accounts:tokens")
    return render(
        request,
        "accounts/tokens.html",
        {"accounts": accounts, "form": form, "issue_form": TokenIssueForm()},
    )


@require_POST
@requires("accounts.manage_tokens")
def token_issue(request, pk: int):
    account = (
        User.objects.filter(scope_q(request.user), kind=User.Kind.INTEGRATION, pk=pk)
        .select_related("organisation")
        .first()
    )
    if account is None:
        raise Http404("对接账号不存在或不在您的管辖范围内。")
    form = TokenIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写令牌用途。"))
        return redirect("accounts:tokens")
    _token, raw = services.api_token_issue(
        actor=request.user, user=account, name=form.cleaned_data["name"]
    )
    messages.warning(request, _("新令牌（只显示这一次，请立即妥善保存）：%(raw)s") % {"raw": raw})
    return redirect("accounts:tokens")


@require_POST
@requires("accounts.manage_tokens")
def token_revoke(request, pk: int):
    token = (
        ApiToken.objects.filter(scope_q(request.user, "user__organisation"), pk=pk)
        .select_related("user__organisation")
        .first()
    )
    if token is None:
        raise Http404("令牌不存在或不在您的管辖范围内。")
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌已吊销，立即失效。"))
    return redirect("accounts:tokens")
