"""Public and applicant pages: the published rectification lists, survey answering, and the
enterprise's "is it solved?" page; plus the staff survey pages."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core import ratelimit
from tongban.core.errors import Conflict, errors_text
from tongban.core.permissions import has_perm, require_applicant, requires

from .. import selectors
from ..models import Campaign, Opinion, Problem, Question, Satisfaction, Status, Survey
from ..permissions import campaigns_for, get_survey_for, surveys_for
from ..services import consult
from ..services.problems import satisfaction_answer
from .staff import _download, _run

TOKEN_COOKIE = "tb_survey"  # noqa: S105 - a cookie name, not a secret
TOKEN_SALT = "ledger.survey"  # noqa: S105 - a signing namespace, not a secret


# --- the public rectification lists ------------------------------------------------------------


@login_not_required
def public_index(request):
    """Public on purpose: the campaigns whose lists the lead office chose to publish."""
    campaigns = Campaign.objects.filter(publish_list=True).select_related("lead_office").order_by("-starts_on")
    return render(request, "ledger/public_index.html", {"campaigns": campaigns})


@login_not_required
def public_campaign(request, pk: int):
    """Public on purpose: one campaign's list with progress, its rules, and the office's answers
    to what it heard (units, never people)."""
    campaign = get_object_or_404(Campaign.objects.select_related("lead_office"), pk=pk, publish_list=True)
    rows = selectors.public_rows(Problem.objects.filter(campaign=campaign))
    opinions = Opinion.objects.filter(consultation__campaign=campaign).exclude(decision="").select_related(
        "consultation")
    surveys = Survey.objects.filter(campaign=campaign).exclude(answer_text="")
    return render(request, "ledger/public_campaign.html", {
        "campaign": campaign, "rows": rows, "closed": sum(1 for r in rows if r["closed"]),
        "rules": campaign.rules.all(), "opinions": opinions, "surveys": surveys,
    })


# --- surveys: answering ------------------------------------------------------------------------


def _parse_answers(request, survey: Survey) -> dict:
    out = {}
    for q in survey.questions.all():
        key = f"q{q.pk}"
        out[str(q.pk)] = request.POST.getlist(key) if q.kind == Question.Kind.MULTIPLE else request.POST.get(key, "")
    return out


@login_not_required
@ratelimit.limit("ledger.survey", rate=30, window=3600, methods=("POST",))
def survey_answer(request, pk: int):
    """Public on purpose for public surveys (anonymous or logged in); invited surveys check the
    enterprise account in the service. One sheet per respondent: see services.consult."""
    survey = get_object_or_404(Survey.objects.exclude(status=Survey.Status.DRAFT), pk=pk)
    if survey.audience == Survey.Audience.INVITED and not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    token = request.get_signed_cookie(TOKEN_COOKIE, default="", salt=TOKEN_SALT)
    new_token = not token
    token = token or secrets.token_urlsafe(24)
    errors = []
    done = False
    if request.method == "POST":
        try:
            consult.survey_answer(survey_id=survey.pk, user=request.user, token=token,
                                  answers=_parse_answers(request, survey))
        except ValidationError as exc:
            errors = exc.messages
        except Conflict as exc:
            errors = [exc.message]
        except PermissionDenied as exc:
            errors = [str(exc)]
        else:
            done = True
    response = render(request, "ledger/survey_answer.html", {
        "survey": survey, "questions": survey.questions.all(), "errors": errors, "done": done,
        "open": consult.is_open(survey), "data": request.POST,
    }, status=400 if errors else 200)
    if new_token:
        response.set_signed_cookie(TOKEN_COOKIE, token, salt=TOKEN_SALT, max_age=3600 * 24 * 365, httponly=True,
                                   samesite="Lax", secure=request.is_secure())
    return response


# --- surveys: staff ----------------------------------------------------------------------------


def _questions_from_post(post) -> list[dict]:
    """The create form: up to ten rows of kind / text / options (one per line)."""
    out = []
    for i in range(1, 11):
        kind, text = post.get(f"kind{i}", ""), post.get(f"text{i}", "").strip()
        if not text:
            continue
        out.append({"kind": kind, "text": text, "options": post.get(f"options{i}", "").splitlines(),
                    "scale_max": 5, "required": post.get(f"required{i}") == "1"})
    return out


@requires("ledger.view")
def surveys(request):
    if request.method == "POST":
        if not has_perm(request.user, "ledger.consult"):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        p = request.POST
        survey = _run(request, lambda: consult.survey_create(
            actor=request.user, title=p.get("title", ""), intro=p.get("intro", ""), closes_on=p.get("closes_on", ""),
            audience=p.get("audience", "public"), anonymous=p.get("anonymous") == "1",
            campaign_id=p.get("campaign") or None, invited_ids=p.getlist("invited"),
            questions=_questions_from_post(p)), _("问卷已发布。"))
        if survey:
            return redirect("ledger:survey", survey.pk)
    from tongban.accounts.models import Enterprise

    return render(request, "ledger/surveys.html", {
        "surveys": surveys_for(request.user).select_related("campaign")[:100],
        "campaigns": campaigns_for(request.user), "kinds": Question.Kind.choices, "rows": range(1, 6),
        "enterprises": Enterprise.objects.order_by("name")[:200],
        "can": has_perm(request.user, "ledger.consult"),
    })


@requires("ledger.view")
def survey(request, pk: int):
    s = get_survey_for(request.user, pk)
    if request.method == "POST":
        if not has_perm(request.user, "ledger.consult"):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        _run(request, lambda: consult.survey_close(actor=request.user, survey_id=s.pk,
                                                   answer_text=request.POST.get("answer_text", "")),
             _("问卷已结束，采纳情况已公开。"))
        return redirect("ledger:survey", s.pk)
    converted = dict(Problem.objects.filter(source_answer__question__survey=s).values_list("source_answer_id", "id"))
    results = consult.survey_results(s)
    for item in results:
        for t in item.get("texts", []):
            t["problem_id"] = converted.get(t["id"])
    return render(request, "ledger/survey.html", {
        "s": s, "results": results, "responses": s.responses.count(),
        "campaigns": campaigns_for(request.user), "can": has_perm(request.user, "ledger.consult"),
        "can_convert": has_perm(request.user, "ledger.manage"),
    })


@requires("ledger.view")
def survey_xlsx(request, pk: int):
    s = get_survey_for(request.user, pk)
    return _download(consult.results_xlsx(s), f"问卷结果-{s.pk}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- the enterprise's satisfaction ------------------------------------------------------------


def _mine(user):
    from django.db.models import Q

    q = Q(raised_by=user)
    if user.enterprise_id:
        q |= Q(enterprise_id=user.enterprise_id)
    return Problem.objects.filter(q).exclude(status=Status.MERGED).select_related("campaign", "lead_unit")


def my_problems(request):
    require_applicant(request)
    return render(request, "ledger/my_problems.html", {"problems": _mine(request.user).order_by("-created_on")[:100],
                                                       "asked": Satisfaction.ASKED})


@require_POST
def my_problem_answer(request, pk: int):
    require_applicant(request)
    try:
        satisfaction_answer(actor=request.user, problem_id=pk, satisfied=request.POST.get("satisfied") == "1",
                            note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    except Http404:
        raise
    else:
        messages.success(request, _("感谢您的评价。") if request.POST.get("satisfied") == "1"
                         else _("已收到，相关单位将重新整改。"))
    return redirect("ledger:my_problems")
