"""Staff pages: the appeal list, the appeal page with its actions, window registration,
supervision. Requester and public pages are in public_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.models import Organisation
from tongban.core import pii
from tongban.core.errors import Conflict, errors_text
from tongban.core.masking import mask_name
from tongban.core.pagination import CappedPaginator
from tongban.core.permissions import has_perm, requires

from . import kb_services, search, selectors, services
from .models import (
    Appeal,
    Callback,
    Category,
    Channel,
    Kind,
    Satisfaction,
    Status,
    SubjectKind,
    Warning,
)
from .permissions import acts_for, appeals_for, get_appeal_for, identity_hidden_from, requester_view
from .public_views import place_selects


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@requires("appeals.view")
def appeal_list(request):
    f = {k: request.GET.get(k, "") for k in ("status", "kind", "warning", "q")}
    qs = selectors.appeal_list(request.user, **f, duplicates=request.GET.get("duplicates") == "1")
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    rows = [(a, requester_view(request.user, a, in_list=True)) for a in page]
    return render(request, "appeals/list.html", {
        "page": page, "rows": rows, **f, "duplicates": request.GET.get("duplicates") == "1",
        "statuses": Status.choices, "kinds": Kind.choices, "warnings": [w for w in Warning.choices if w[0]],
        "can_register": has_perm(request.user, "appeals.register"),
        "can_import": has_perm(request.user, "appeals.import"),
    })


def _transfer_targets(appeal: Appeal):
    return (Organisation.objects.filter(is_active=True, kind=Organisation.Kind.AGENCY)
            .exclude(pk=appeal.organisation.agency().pk).order_by("path"))


@requires("appeals.view")
def appeal_detail(request, pk: int):
    appeal = get_appeal_for(request.user, pk)
    user = request.user
    handles = has_perm(user, "appeals.handle") and acts_for(user, appeal.organisation)
    receives = appeal.pending_organisation_id and has_perm(user, "appeals.handle") and acts_for(
        user, appeal.pending_organisation)
    kb_hits = []
    if handles:
        # The articles of the handler's scope, as the staff knowledge-base list shows them: one
        # elsewhere would open on a 403/404 (ranked search finds related articles far more often).
        orgs = None if user.is_superuser else list(
            kb_services.articles_for(user).values_list("organisation_id", flat=True).distinct())
        kb_hits = search.search(f"{appeal.title} {appeal.content[:60]}", limit=5, public=False,
                                organisation_ids=orgs)
    # The complainant's phone in full only on request, recorded in the audit trail (core.pii).
    reveal = not identity_hidden_from(user, appeal) and pii.reveal(request, appeal, ["requester_phone"])
    refers = has_perm(user, "appeals.refer") and acts_for(user, appeal.organisation) \
        and appeal.kind == Kind.COMPLAINT and appeal.referred_on is None and appeal.status in services.REFERABLE
    return render(request, "appeals/detail.html", {
        "appeal": appeal,
        # A person complained about is named in full only to the unit handling the complaint.
        "subject_name": appeal.subject_name if handles or appeal.subject_kind != SubjectKind.PERSON
        else mask_name(appeal.subject_name),
        "refer_blocked": services.refusal_for(appeal) if refers else None,
        "who": requester_view(user, appeal, reveal=reveal),
        "identity_hidden": identity_hidden_from(user, appeal),
        "timeline": selectors.timeline(appeal),
        "transfers": appeal.transfers.select_related("from_organisation", "to_organisation", "created_by", "decided_by"),
        "replies": appeal.replies.select_related("replied_by", "organisation"),
        "callbacks": appeal.callbacks.select_related("recorded_by"),
        "presses": appeal.presses.select_related("supervisor"),
        "merged": appeal.merged.all(),
        "kb_hits": kb_hits,
        "kb_can_edit": has_perm(user, "appeals.kb_edit"),
        "can": {
            "handle": handles,
            "receive": bool(receives),
            "callback": has_perm(user, "appeals.callback") and (
                acts_for(user, appeal.organisation) or acts_for(user, appeal.first_organisation)
                or has_perm(user, "appeals.supervise")),
            "press": has_perm(user, "appeals.press"),
            "subject": services.may_edit_subject(user, appeal) and appeal.kind == Kind.COMPLAINT,
            "refer": refers,
            "merge": has_perm(user, "appeals.merge") and acts_for(user, appeal.organisation),
            "guidance": has_perm(user, "appeals.kb_publish") and appeal.status == Status.CLOSED
            and not hasattr(appeal, "guidance_case"),
        },
        "targets": _transfer_targets(appeal) if handles else [],
        "respondents": Organisation.objects.filter(is_active=True).order_by("path") if handles else [],
        "satisfactions": Satisfaction.choices, "methods": [m for m in Callback.Method.choices if m[0] != "online"],
        "Status": Status,
    })


ACTIONS = {
    "accept": lambda u, pk, p, v: services.appeal_accept(actor=u, appeal_id=pk, note=p.get("note", ""),
                                                         expected_version=v),
    "transfer": lambda u, pk, p, v: services.appeal_transfer(
        actor=u, appeal_id=pk, to_organisation_id=_int(p.get("to_organisation")) or 0, reason=p.get("reason", ""),
        expected_version=v),
    "accept_transfer": lambda u, pk, p, v: services.appeal_accept_transfer(actor=u, appeal_id=pk,
                                                                           note=p.get("note", ""), expected_version=v),
    "return": lambda u, pk, p, v: services.appeal_return(actor=u, appeal_id=pk, reason=p.get("reason", ""),
                                                         expected_version=v),
    "reply": lambda u, pk, p, v: services.appeal_reply(actor=u, appeal_id=pk, body=p.get("body", ""),
                                                       expected_version=v),
    "callback": lambda u, pk, p, v: services.appeal_callback(
        actor=u, appeal_id=pk, satisfaction=p.get("satisfaction", ""), note=p.get("note", ""),
        method=p.get("method", "phone"), expected_version=v),
    "press": lambda u, pk, p, v: services.appeal_press(actor=u, appeal_id=pk, note=p.get("note", "")),
    "merge": lambda u, pk, p, v: services.appeal_merge(actor=u, appeal_id=pk, into_id=_int(p.get("into")) or 0,
                                                       expected_version=v),
    "subject": lambda u, pk, p, v: services.appeal_set_subject(actor=u, appeal_id=pk, data=p),
    "refer": lambda u, pk, p, v: services.appeal_refer_to_enforcement(actor=u, appeal=pk, reason=p.get("reason", ""),
                                                                      expected_version=v),
    "not_duplicate": lambda u, pk, p, v: services.appeal_dismiss_duplicate(actor=u, appeal_id=pk),
    "respondent": lambda u, pk, p, v: services.appeal_set_respondent(actor=u, appeal_id=pk,
                                                                     respondent_id=_int(p.get("respondent"))),
}
DONE = {"subject": "已保存被反映对象", "refer": "已移送执法，执法部门将登记案件", "not_duplicate": "已取消重复标记", "respondent": "已更新被投诉单位", "press": "已督办"}


@require_POST
@requires("appeals.view")
def appeal_act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](request.user, pk, request.POST, _int(request.POST.get("row_version")))
    except ValidationError as exc:
        messages.error(request, _("操作未完成：") + errors_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        label = DONE.get(action) or "已" + services.ACTION_LABELS.get(action, action)
        messages.success(request, label + "。")
    # After a merge or a transfer the actor may no longer see the appeal.
    if not appeals_for(request.user).filter(pk=pk).exists():
        return redirect("appeals:list")
    return redirect("appeals:detail", pk)


@requires("appeals.register")
def register(request):
    """A clerk registers a walk-in (窗口) or a phone call (12345 热线) on the requester's behalf."""
    errors: dict = {}
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST" and request.POST.get("refresh_place"):
        pass  # without JavaScript: re-render the place picker with the children of the choice
    elif request.method == "POST":
        channel = request.POST.get("channel") or Channel.WINDOW
        if channel not in (Channel.WINDOW, Channel.HOTLINE):
            channel = Channel.WINDOW
        try:
            appeal = services.appeal_submit(actor=request.user, data=request.POST, channel=channel)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            messages.error(request, _("登记未成功：") + errors_text(exc))
        else:
            messages.success(request, _("已登记诉求 %(n)s，查询码 %(q)s，请告知诉求人。") % {
                "n": appeal.number, "q": appeal.query_code})
            return redirect("appeals:detail", appeal.pk)
    return render(request, "appeals/register.html", {
        "errors": errors, "data": data, "kinds": Kind.choices,
        "categories": Category.objects.filter(is_active=True),
        "organisations": Organisation.objects.filter(is_active=True).order_by("path"),
        "place_selects": place_selects(data),
    }, status=400 if errors else 200)


@requires("appeals.supervise")
def supervision(request):
    level = request.GET.get("level", "")
    qs = selectors.appeal_list(request.user, status="open", warning=level).order_by("due_on", "id")
    if not level:
        qs = qs.filter(warning__in=[Warning.RED, Warning.YELLOW])
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    from tongban.core import supervision as core_supervision

    presses = core_supervision.presses_on(appeals_for(request.user)).prefetch_related(
        GenericPrefetch("target", [Appeal.objects.all()]))[:20]
    return render(request, "appeals/supervision.html", {
        "page": page, "level": level, "metrics": selectors.metrics(request.user), "presses": presses,
    })
