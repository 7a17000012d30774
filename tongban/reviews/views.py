"""Pages of 好差评: rating forms (case, appeal, anonymous appeal by code, window pad), the staff
list and rating page with rectification and appeal, metrics, and the public results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.models import Organisation
from tongban.appeals.permissions import acts_for, get_appeal_by_code, scope_root
from tongban.core import supervision
from tongban.core.errors import Conflict, errors_text
from tongban.core.masking import mask_name
from tongban.core.pagination import CappedPaginator
from tongban.core.permissions import has_perm, requires

from . import moderation, selectors, services
from .models import ASPECTS, BAD_LEVELS, Level, Rating, RatingAppeal, Rectification, Window
from .permissions import get_rating_for, may_act, may_decide, ratings_for


def _form_ctx(**extra):
    return {"levels": sorted(Level.choices, reverse=True), "aspects": list(ASPECTS.items()), **extra}


def _thanks(rating: Rating) -> str:
    """Only a bad review is told about rectification; a good one is simply thanked."""
    rect = getattr(rating, "rectification", None)
    if rect is None:
        return _("感谢您的评价！")
    return _("感谢您的评价！我们将在 %(days)d 个工作日内（%(due)s 前）核实、整改并答复您。") % {
        "days": rect.limit_days, "due": rect.due_on.strftime("%Y-%m-%d")}


def _rate(request, submit, ctx: dict, done_url: str):
    errors: dict = {}
    if request.method == "POST":
        try:
            rating = submit(level=request.POST.get("level"), aspects=request.POST.getlist("aspects"),
                            text=request.POST.get("text", ""), real_name=request.POST.get("anonymous") != "1")
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"level": exc.messages}
            messages.error(request, _("评价未提交：") + errors_text(exc))
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect(done_url)
        else:
            messages.success(request, _thanks(rating))
            return redirect(done_url)
    return render(request, "reviews/rate.html", _form_ctx(errors=errors, data=request.POST, **ctx),
                  status=400 if errors else 200)


def rate_case(request, case_id: int):
    from tongban.cases.permissions import get_case_for

    case = get_case_for(request.user, case_id)
    if not getattr(request.user, "is_applicant", False):
        raise PermissionDenied(_("只有申请人可以评价办件。"))
    existing = Rating.objects.filter(case=case).first()
    done = reverse("cases:my_case", args=[case.pk])
    return _rate(request, lambda **kw: services.rating_submit_case(actor=request.user, case_id=case.pk, **kw),
                 {"subject": case.version.name, "number": case.number, "organisation": case.organisation.name,
                  "existing": existing, "closed": case.status not in services.CASE_RATEABLE}, done)


def rate_appeal(request, appeal_id: int):
    from tongban.appeals.permissions import get_appeal_for

    appeal = get_appeal_for(request.user, appeal_id)
    if appeal.requester_id != request.user.pk:
        raise PermissionDenied(_("只有诉求人可以评价。"))
    return _rate(request, lambda **kw: services.rating_submit_appeal(actor=request.user, appeal_id=appeal.pk, **kw),
                 {"subject": appeal.title, "number": appeal.number, "organisation": appeal.organisation.name,
                  "existing": Rating.objects.filter(appeal=appeal).first(),
                  "closed": appeal.status not in services.APPEAL_RATEABLE},
                 reverse("appeals:my_appeal", args=[appeal.pk]))


@login_not_required
def rate_appeal_code(request):
    """Public on purpose: the anonymous requester rates with the number and the query code."""
    number = request.GET.get("number") or request.POST.get("number", "")
    code = request.GET.get("code") or request.POST.get("code", "")
    appeal = get_appeal_by_code(number, code)
    done = reverse("appeals:track") + f"?number={appeal.number}&code={appeal.query_code}"
    return _rate(request, lambda **kw: services.rating_submit_appeal_by_code(number=number, code=code, **kw),
                 {"subject": appeal.title, "number": appeal.number, "organisation": appeal.organisation.name,
                  "existing": Rating.objects.filter(appeal=appeal).first(), "code": appeal.query_code,
                  "closed": appeal.status not in services.APPEAL_RATEABLE}, done)


@requires("reviews.window")
def windows(request):
    root = scope_root(request.user)
    qs = Window.objects.select_related("organisation").filter(is_active=True)
    if root is not None and not request.user.is_superuser:
        qs = qs.filter(organisation__path__startswith=root.path)
    rows = [w for w in qs if acts_for(request.user, w.organisation)]
    return render(request, "reviews/windows.html", {"windows": rows})


@requires("reviews.window")
def window_pad(request, window_id: int):
    """The rating pad at a window: the clerk logs it in; walk-ins tap a level."""
    window = get_object_or_404(Window.objects.select_related("organisation"), pk=window_id, is_active=True)
    if not acts_for(request.user, window.organisation):
        raise Http404
    errors: dict = {}
    if request.method == "POST":
        try:
            services.rating_submit_window(actor=request.user, window_id=window.pk, level=request.POST.get("level"),
                                          aspects=request.POST.getlist("aspects"), text=request.POST.get("text", ""),
                                          rater_name=request.POST.get("rater_name", ""),
                                          rater_phone=request.POST.get("rater_phone", ""))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"level": exc.messages}
            messages.error(request, errors_text(exc))
        else:
            messages.success(request, _("感谢您的评价！"))
            return redirect("reviews:window_pad", window.pk)
    return render(request, "reviews/window_pad.html", _form_ctx(window=window, errors=errors),
                  status=400 if errors else 200)


# --- staff -------------------------------------------------------------------------------------


@requires("reviews.view")
def rating_list(request):
    qs = ratings_for(request.user).select_related("organisation", "item__current_version", "window", "rectification")
    show = request.GET.get("show", "")
    if show == "bad":
        qs = qs.filter(level__in=BAD_LEVELS)
    elif show == "open":
        qs = qs.filter(rectification__status__in=["verifying", "rectifying"])
    elif show == "appeals":
        qs = qs.filter(appeals__status=RatingAppeal.Status.PENDING)
    page = CappedPaginator(qs.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "reviews/list.html", {"page": page, "show": show,
                                                 "summary": selectors.summary(ratings_for(request.user))})


@requires("reviews.view")
def rating_detail(request, pk: int):
    rating = get_rating_for(request.user, pk)
    rect = getattr(rating, "rectification", None)
    appeals = list(rating.appeals.select_related("filed_by", "decided_by", "evidence"))
    pending = next((a for a in appeals if a.status == RatingAppeal.Status.PENDING), None)
    return render(request, "reviews/detail.html", {
        "rating": rating, "rect": rect, "steps": rect.steps.all() if rect else [],
        "presses": supervision.presses_of(rect) if rect else [],
        "can_press": rect is not None and has_perm(request.user, "reviews.press"),
        "appeals": appeals, "pending": pending,
        "can_rectify": may_act(request.user, rating, "reviews.rectify"),
        "can_appeal": may_act(request.user, rating, "reviews.appeal_file") and pending is None
        and rating.state != Rating.State.VOIDED,
        "can_decide": pending is not None and may_decide(request.user, pending),
        "outcomes": Rectification.Outcome.choices, "reasons": RatingAppeal.Reason.choices,
        "rater": rating.rater_name if rating.real_name else _("匿名"),
    })


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


@require_POST
@requires("reviews.view")
def rating_act(request, pk: int, action: str):
    rating = get_rating_for(request.user, pk)
    rect = getattr(rating, "rectification", None)
    p = request.POST
    try:
        if action == "verify" and rect:
            services.rectification_verify(actor=request.user, rectification_id=rect.pk,
                                          verification=p.get("verification", ""), founded=p.get("founded") == "1",
                                          expected_version=_int(p.get("row_version")))
            messages.success(request, _("核实情况已记录。"))
        elif action == "answer" and rect:
            services.rectification_answer(actor=request.user, rectification_id=rect.pk, outcome=p.get("outcome", ""),
                                          measures=p.get("measures", ""), answer=p.get("answer", ""),
                                          expected_version=_int(p.get("row_version")))
            messages.success(request, _("已答复评价人，整改办结。"))
        elif action == "press" and rect:
            services.rectification_press(actor=request.user, rectification_id=rect.pk, note=p.get("note", ""))
            messages.success(request, _("已督办。"))
        elif action == "appeal":
            services.rating_appeal_file(actor=request.user, rating_id=rating.pk, reason=p.get("reason", ""),
                                        statement=p.get("statement", ""), evidence=request.FILES.get("evidence"))
            messages.success(request, _("申诉已提交，待审批负责人审核。"))
        elif action == "decide":
            row = rating.appeals.filter(status=RatingAppeal.Status.PENDING).first()
            if row is None:
                raise Conflict("没有待审核的申诉。", code="no_pending")
            services.rating_appeal_decide(actor=request.user, appeal_id=row.pk, uphold=p.get("uphold") == "1",
                                          note=p.get("note", ""))
            messages.success(request, _("申诉已审核。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _("操作未完成：") + errors_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("reviews:detail", pk)


@requires("reviews.view")
def metrics(request):
    ratings = ratings_for(request.user)
    root = scope_root(request.user)
    agencies = list(Organisation.objects.filter(kind=Organisation.Kind.AGENCY, is_active=True,
                                                **({"path__startswith": root.path} if root else {})).order_by("path"))
    return render(request, "reviews/metrics.html", {
        "orgs": selectors.by_agency(ratings, agencies), "items": selectors.by_item(ratings)[:30],
        "windows": selectors.by_window(ratings), "staff": selectors.by_staff(ratings)[:30],
    })


@requires("reviews.configure")
def limits(request):
    """差评整改时限: the administrator sets each organisation's limit in their subtree; the rules
    (range, scope, audit) are in `limits.rectification_limit_set`."""
    from . import limits as rules

    errors: dict = {}
    if request.method == "POST":
        try:
            row = rules.rectification_limit_set(actor=request.user, organisation_id=request.POST.get("organisation", ""),
                                                days=request.POST.get("days", ""))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"days": exc.messages}
            messages.error(request, _("时限未保存：") + errors_text(exc))
        else:
            messages.success(request, _("整改时限已保存（%(d)s），此后收到的差评按新时限计算。") % {
                "d": _("%(n)d 个工作日") % {"n": row.days} if row else _("沿用上级或平台默认")})
            return redirect("reviews:limits")
    return render(request, "reviews/limits.html", {
        "rows": rules.limits_table(request.user), "default": rules.DEFAULT_RECTIFY_DAYS, "source": rules.SOURCE,
        "min": rules.MIN_DAYS, "max": rules.MAX_DAYS, "errors": errors, "data": request.POST,
    }, status=400 if errors else 200)


# --- public ------------------------------------------------------------------------------------


def _public_ratings():
    return Rating.objects.all()


@login_not_required
def public_index(request):
    """Public on purpose: 好差评 results per organisation and item."""
    agencies = list(Organisation.objects.filter(kind=Organisation.Kind.AGENCY, is_active=True).order_by("path"))
    ratings = _public_ratings()
    return render(request, "reviews/public_index.html", {
        "orgs": selectors.by_agency(ratings, agencies), "items": selectors.by_item(ratings)[:50],
        "total": selectors.summary(ratings),
    })


def _recent_bad(qs):
    """The latest bad reviews as the public sees them: all of them count, but the text of one not
    yet verified is withheld (`moderation.public_text`), and abusive words are masked everywhere."""
    rows = []
    for r in qs.filter(level__in=BAD_LEVELS).exclude(state=Rating.State.VOIDED).select_related(
            "rectification").order_by("-created_at")[:10]:
        rect = getattr(r, "rectification", None)
        rows.append({"rating": r, "rater": mask_name(r.rater_name) if r.real_name and r.rater_name else _("匿名"),
                     "text": moderation.public_text(r),
                     "answer": moderation.mask(rect.answer) if rect and rect.status == Rectification.Status.ANSWERED
                     else "",
                     "rect": rect})
    return rows


@login_not_required
def public_org(request, pk: int):
    """Public on purpose: one organisation's results and its answered bad reviews."""
    org = get_object_or_404(Organisation, pk=pk, is_active=True)
    ratings = _public_ratings().filter(organisation__path__startswith=org.path)
    return render(request, "reviews/public_detail.html", {
        "title": org.name, "row": selectors.by_agency(ratings, [org])[0], "items": selectors.by_item(ratings)[:30],
        "bad": _recent_bad(ratings),
    })


@login_not_required
def public_item(request, pk: int):
    """Public on purpose: one service item's results."""
    from tongban.catalog.models import ServiceItem

    item = get_object_or_404(ServiceItem.objects.select_related("current_version", "organisation"), pk=pk)
    ratings = _public_ratings().filter(item=item)
    from tongban.cases.models import Case

    cases = Case.objects.filter(item=item, status__in=["concluded", "delivered"])
    return render(request, "reviews/public_detail.html", {
        "title": f"{item.current_version.name if item.current_version else item.implementation_code}（{item.organisation.name}）",
        "row": selectors.summary(ratings, cases), "items": [], "bad": _recent_bad(ratings),
    })


__all__ = ["Q", "has_perm"]
