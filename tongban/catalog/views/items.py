"""Staff pages of items: the list, a new item, an item with its versions, withdrawing and
restoring, the standard flag, a version's guide and its files, and the consistency report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.permissions import organisations_in_scope
from tongban.core.errors import Conflict
from tongban.core.permissions import requires

from .. import selectors, services
from ..downloads import file_response
from ..forms import ItemIdentityForm, VersionForm
from ..models import ServiceItem
from ..permissions import MANAGE, VIEW, get_item_for, get_material_for, get_version_for, may_manage
from ._common import _apply_errors, _item_name, _message, _perms


@requires(VIEW)
def item_list(request):
    q = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state", "")
    org_id = request.GET.get("organisation", "")
    qs = selectors.staff_items(
        request.user,
        q=q,
        state=state if state in ("draft", "unpublished", "withdrawn") else "",
        organisation_id=int(org_id) if org_id.isdigit() else None,
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/items.html",
        {
            "page": page,
            "q": q,
            "state": state,
            "organisation": org_id,
            "organisations": organisations_in_scope(request.user).order_by("path"),
            "can_manage": request.user.is_superuser or MANAGE in _perms(request.user),
        },
    )


@requires(MANAGE)
def item_create(request):
    orgs = organisations_in_scope(request.user).order_by("path")
    identity = ItemIdentityForm(request.POST or None, organisations=orgs, prefix="id")
    version_form = VersionForm(request.POST or None, request.FILES or None, prefix="v")
    if request.method == "POST" and identity.is_valid() and version_form.is_valid():
        elements = {k: version_form.cleaned_data[k] for k in services.ELEMENTS}
        try:
            item = services.item_create(
                actor=request.user,
                elements=elements,
                result_sample=version_form.cleaned_data.get("result_sample") or None,
                **identity.cleaned_data,
            )
        except ValidationError as exc:
            _apply_errors(identity, exc) if _is_identity_error(exc) else _apply_errors(
                version_form, exc
            )
        else:
            messages.success(request, _("已创建事项草稿，请补充申请材料和办理环节后发布。"))
            return redirect("catalog:draft-edit", pk=item.pk)
    return render(
        request, "catalog/item_form.html", {"identity": identity, "version_form": version_form}
    )


def _is_identity_error(exc: ValidationError) -> bool:
    keys = set(getattr(exc, "error_dict", {}))
    return bool(keys & {"organisation", "base_code", "implementation_code", "is_standard"})


@requires(VIEW)
def item_detail(request, pk: int):
    item = get_item_for(request.user, pk)
    versions = list(item.versions.select_related("published_by", "created_by").order_by("-number"))
    draft = next((v for v in versions if v.is_draft), None)
    current = selectors.full_version(item.current_version) if item.current_version_id else None
    problems = services.publish_problems(draft) if draft else []
    siblings = (
        ServiceItem.objects.filter(base_code=item.base_code)
        .exclude(pk=item.pk)
        .select_related("organisation__parent", "current_version")
    )
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "name": _item_name(item),
            "versions": versions,
            "draft": draft,
            "current": current,
            "problems": problems,
            "siblings": siblings,
            "can_manage": may_manage(request.user, item),
            "bundles": item.bundles.all(),
            "omittable": selectors.omittable_ids(current) if current else frozenset(),
        },
    )


@require_POST
@requires(MANAGE)
def item_active(request, pk: int):
    item = get_item_for(request.user, pk, for_write=True)
    active = request.POST.get("active") == "1"
    try:
        services.item_set_active(actor=request.user, item=item, active=active)
    except (ValidationError, Conflict) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request, _("事项已恢复实施。") if active else _("事项已停止实施，办事指南不再公开。")
        )
    return redirect("catalog:item", pk=item.pk)


@require_POST
@requires(MANAGE)
def item_standard(request, pk: int):
    item = get_item_for(request.user, pk, for_write=True)
    standard = request.POST.get("standard") == "1"
    try:
        services.item_set_standard(actor=request.user, item=item, standard=standard)
    except (ValidationError, Conflict) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已设为标准事项。") if standard else _("已取消标准事项。"))
    return redirect("catalog:item", pk=item.pk)


@requires(VIEW)
def version_detail(request, pk: int, number: int):
    version = selectors.full_version(get_version_for(request.user, pk, number))
    return render(
        request,
        "catalog/version.html",
        {
            "version": version,
            "item": version.item,
            "staff": True,
            "omittable": selectors.omittable_ids(version),
        },
    )


@requires(VIEW)
def material_file(request, pk: int, kind: str):
    material = get_material_for(request.user, pk)
    if kind not in ("template", "sample"):
        raise Http404("文件不存在。")
    return file_response(
        getattr(material, kind), f"{material.name}-{'范本' if kind == 'template' else '示例'}"
    )


@requires(VIEW)
def result_sample(request, pk: int, number: int):
    version = get_version_for(request.user, pk, number)
    return file_response(version.result_sample, f"{version.result_name or version.name}-样本")


@requires(VIEW)
def consistency(request):
    groups = selectors.consistency_report(request.user)
    differing = sum(g.differing for g in groups)
    contradicting = sum(g.contradicting for g in groups)
    return render(
        request,
        "catalog/consistency.html",
        {"groups": groups, "differing": differing, "contradicting": contradicting},
    )
