"""Pages for requesters and the public: the appeal form (logged in, or anonymous with a phone,
rate-limited), my appeals, tracking by number and query code with the online callback and the
single reopen, and the public knowledge base."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.errors import Conflict, errors_text
from tongban.core.pagination import CappedPaginator
from tongban.core.request_context import ip_from_request

from . import divisions, search, services
from .kb_services import record_hit
from .models import Article, Category, Channel, Kind, Satisfaction, Status
from .permissions import appeals_for, get_appeal_by_code, get_appeal_for, may_file
from .ratings import rating_of
from .routing import RateLimited, home_province


def _applicant_only(request):
    if not getattr(request.user, "is_applicant", False):
        raise PermissionDenied(_("此页面供企业和个人用户使用。"))


def place_selects(values) -> list[dict]:
    return divisions.picker(values, first_province=home_province())


@login_not_required
def place_picker(request):
    """Public on purpose: the complaint form's province → city → county selects, re-rendered
    (htmx) with the children of what was chosen. Names of places only."""
    return render(request, "appeals/_place_picker.html", {"place_selects": place_selects(request.GET)})


@login_not_required
def submit(request):
    """Public on purpose: anyone may complain, ask or suggest; without login a phone is required
    and submissions are rate-limited."""
    user = request.user
    if user.is_authenticated and getattr(user, "is_staff_member", False):
        return redirect("appeals:register")
    errors: dict = {}
    data = request.POST if request.method == "POST" else {"kind": request.GET.get("kind", "")}
    status = 200
    if request.method == "POST" and request.POST.get("refresh_place"):
        pass  # without JavaScript: re-render the picker with the children of the chosen place
    elif request.method == "POST":
        try:
            appeal = services.appeal_submit(
                actor=user if user.is_authenticated else None, data=request.POST, channel=Channel.WEB,
                client_ip=ip_from_request(request))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            messages.error(request, _("提交未成功：") + errors_text(exc))
            status = 400
        except RateLimited as exc:
            messages.error(request, exc.message)
            status = 429
        else:
            if user.is_authenticated:
                messages.success(request, _("诉求已提交，编号 %(n)s。") % {"n": appeal.number})
                return redirect("appeals:my_appeal", appeal.pk)
            request.session["appeal_receipt"] = [appeal.number, appeal.query_code]
            return redirect("appeals:receipt")
    kb_hits = []
    if request.method == "GET" and request.GET.get("q"):
        kb_hits = search.search(request.GET["q"], limit=5)
    response = render(request, "appeals/submit.html", {
        "errors": errors, "data": data, "kinds": Kind.choices, "categories": Category.objects.filter(is_active=True),
        "kb_hits": kb_hits, "place_selects": place_selects(data),
    }, status=status)
    return response


@login_not_required
def receipt(request):
    """Public on purpose: shows the anonymous requester their number and query code once."""
    number, code = (request.session.pop("appeal_receipt", None) or [None, None])
    if not number:
        return redirect("appeals:track")
    return render(request, "appeals/receipt.html", {"number": number, "code": code})


def my_appeals(request):
    _applicant_only(request)
    qs = appeals_for(request.user).select_related("organisation", "category").order_by("-submitted_at")
    page = CappedPaginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "appeals/my_appeals.html", {"page": page})


def _requester_context(appeal):
    return {
        "appeal": appeal,
        "replies": appeal.replies.all(),
        "steps": appeal.steps.exclude(action="press").select_related("organisation").order_by("at", "id"),
        "satisfactions": [s for s in Satisfaction.choices if s[0] != "unreachable"],
        "can_callback": appeal.status == Status.REPLIED,
        "can_reopen": appeal.status == Status.CLOSED and appeal.satisfaction == "unsatisfied"
        and appeal.reopen_count == 0,
        "Status": Status,
    }


def my_appeal(request, pk: int):
    _applicant_only(request)
    appeal = get_appeal_for(request.user, pk)
    ctx = _requester_context(appeal)
    ctx["rating"] = rating_of(appeal)
    if ctx["rating"] is not None:
        ctx["rate_url"] = reverse("reviews:rate_appeal", args=[appeal.pk])
    return render(request, "appeals/my_appeal.html", ctx)


@require_POST
def my_appeal_act(request, pk: int, action: str):
    _applicant_only(request)
    try:
        if action == "callback":
            services.appeal_callback(actor=request.user, appeal_id=pk, satisfaction=request.POST.get("satisfaction", ""),
                                     note=request.POST.get("note", ""))
            messages.success(request, _("感谢您的评价。"))
        elif action == "reopen":
            services.appeal_reopen(actor=request.user, appeal_id=pk, reason=request.POST.get("reason", ""))
            messages.success(request, _("已申请重新办理，承办单位将再次处理并答复。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("appeals:my_appeal", pk)


@login_not_required
def track(request):
    """Public on purpose: the number and the query code show the appeal's progress and answer
    (nothing about the requester), and let the requester rate the answer or reopen once."""
    number = (request.POST.get("number") or request.GET.get("number") or "").strip()
    code = (request.POST.get("code") or request.GET.get("code") or "").strip().upper()
    appeal, error, status = None, "", 200
    if number or code:
        try:
            appeal = get_appeal_by_code(number, code)
        except Http404 as exc:
            error, status = str(exc), 404
    if appeal is not None and request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "callback":
                services.appeal_callback_by_code(number=number, code=code,
                                                 satisfaction=request.POST.get("satisfaction", ""),
                                                 note=request.POST.get("note", ""))
                messages.success(request, _("感谢您的评价。"))
            elif action == "reopen":
                services.appeal_reopen_by_code(number=number, code=code, reason=request.POST.get("reason", ""))
                messages.success(request, _("已申请重新办理。"))
        except ValidationError as exc:
            messages.error(request, errors_text(exc))
        except Conflict as exc:
            messages.error(request, exc.message)
        appeal = get_appeal_by_code(number, code)
    ctx = {"number": number, "code": code, "error": error}
    if appeal is not None:
        ctx.update(_requester_context(appeal))
        ctx["rating"] = rating_of(appeal)
        if ctx["rating"] is not None:
            ctx["rate_url"] = reverse("reviews:rate_appeal_code") + "?" + urlencode(
                {"number": appeal.number, "code": appeal.query_code})
    return render(request, "appeals/track.html", ctx, status=status)


# --- public knowledge base ---------------------------------------------------------------------


@login_not_required
def kb_search(request):
    """Public on purpose: the hotline knowledge base and guidance cases."""
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if kind not in Article.ArticleKind.values:
        kind = ""
    hits = search.search(q, limit=20, kind=kind) if q else []
    recent = [] if q else list(
        Article.objects.filter(state=Article.State.PUBLISHED).select_related("organisation").order_by("-published_at")[:10])
    return render(request, "appeals/kb_search.html", {"q": q, "kind": kind, "hits": hits, "recent": recent,
                                                      "kinds": Article.ArticleKind.choices,
                                                      "can_file": may_file(request.user)})


@login_not_required
def kb_article(request, pk: int):
    """Public on purpose: one published, valid article."""
    article = (Article.objects.select_related("organisation", "category")
               .filter(pk=pk, state=Article.State.PUBLISHED).first())
    if article is None or not article.is_public:
        raise Http404(_("条目不存在或已失效。"))
    record_hit(article)
    return render(request, "appeals/kb_article.html", {"article": article, "can_file": may_file(request.user)})
