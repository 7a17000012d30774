"""Staff pages: the catalog of the actor's subtree, drafts, publishing, bundles, the
consistency report, import and export."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.permissions import organisations_in_scope
from tongban.core.errors import Conflict
from tongban.core.permissions import requires

from . import selectors, services, transfer
from .downloads import file_response
from .forms import (
    BundleForm,
    FeeFormSet,
    ImportForm,
    ItemIdentityForm,
    MaterialFormSet,
    StageFormSet,
    VersionForm,
    formset_rows,
)
from .models import ItemVersion, ServiceItem
from .permissions import (
    MANAGE,
    VIEW,
    get_bundle_for,
    get_item_for,
    get_material_for,
    get_version_for,
    may_manage,
)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _item_name(item: ServiceItem) -> str:
    if item.current_version_id:
        return item.current_version.name
    draft = item.versions.order_by("-number").first()
    return draft.name if draft else item.implementation_code


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


def _perms(user) -> set[str]:
    from tongban.core.permissions import permissions_of

    return permissions_of(user)


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
        },
    )


@require_POST
@requires(MANAGE)
def draft_start(request, pk: int):
    item = get_item_for(request.user, pk, for_write=True)
    try:
        draft = services.draft_start(actor=request.user, item=item)
    except (ValidationError, Conflict) as exc:
        messages.error(request, _message(exc))
        return redirect("catalog:item", pk=item.pk)
    messages.info(
        request, _("正在编辑第 %(n)s 版草稿；发布前现行版本保持不变。") % {"n": draft.number}
    )
    return redirect("catalog:draft-edit", pk=item.pk)


def _message(exc) -> str:
    if isinstance(exc, Conflict):
        return exc.message
    return " ".join(exc.messages)


class _StoredFile(str):
    """A stored file's name, shown by its basename and linked to the permission-checked
    download (the storage itself has no public URL)."""

    url: str

    def __new__(cls, name: str, url: str):
        obj = super().__new__(cls, name)
        obj.url = url
        return obj

    def __str__(self) -> str:
        return os.path.basename(self)


def _stored(m, kind: str):
    name = getattr(m, kind).name
    if not name:
        return None
    return _StoredFile(name, reverse("catalog:material-file", args=[m.pk, kind]))


def _initial_materials(draft: ItemVersion) -> list[dict]:
    return [
        {
            "name": m.name,
            "form": m.form,
            "copies": m.copies,
            "required": m.required,
            "condition": m.condition,
            "source": m.source,
            "provides_from": m.provides_from,
            "notes": m.notes,
            "template": _stored(m, "template"),
            "sample": _stored(m, "sample"),
        }
        for m in draft.materials.all()
    ]


@requires(MANAGE)
def draft_edit(request, pk: int):
    item = get_item_for(request.user, pk, for_write=True)
    draft = item.versions.filter(status=ItemVersion.Status.DRAFT).first()
    if draft is None:
        messages.warning(
            request, _("该事项没有草稿。已发布的版本不能修改，请先点击“修订”创建草稿。")
        )
        return redirect("catalog:item", pk=item.pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    version_form = VersionForm(data, files, instance=draft, prefix="v")
    materials = MaterialFormSet(data, files, prefix="m", initial=_initial_materials(draft))
    stages = StageFormSet(
        data,
        prefix="s",
        initial=[
            {"name": s.name, "limit_days": s.limit_days, "description": s.description}
            for s in draft.stages.all()
        ],
    )
    fees = FeeFormSet(
        data,
        prefix="f",
        initial=[
            {"name": f.name, "standard": f.standard, "amount": f.amount, "basis": f.basis}
            for f in draft.fees.all()
        ],
    )
    errors: list[str] = []
    if request.method == "POST":
        valid = all(
            [version_form.is_valid(), materials.is_valid(), stages.is_valid(), fees.is_valid()]
        )
        if valid:
            sample = version_form.cleaned_data.get("result_sample")
            try:
                services.draft_save(
                    actor=request.user,
                    version=draft,
                    elements={k: version_form.cleaned_data[k] for k in services.ELEMENTS},
                    materials=formset_rows(materials),
                    stages=formset_rows(stages),
                    fees=formset_rows(fees),
                    result_sample=sample if sample is not None else draft.result_sample.name,
                )
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("catalog:item", pk=item.pk)
            except ValidationError as exc:
                for key, msgs in exc.message_dict.items():
                    if key in version_form.fields:
                        version_form.add_error(key, msgs)
                    else:
                        errors += msgs
            else:
                messages.success(request, _("草稿已保存。"))
                if request.POST.get("then") == "publish":
                    return _publish(request, item, draft)
                return redirect("catalog:item", pk=item.pk)
    return render(
        request,
        "catalog/draft_form.html",
        {
            "item": item,
            "draft": draft,
            "version_form": version_form,
            "materials": materials,
            "stages": stages,
            "fees": fees,
            "errors": errors,
        },
    )


def _publish(request, item, draft):
    try:
        version = services.item_publish(version=draft, actor=request.user)
    except (ValidationError, Conflict) as exc:
        messages.error(request, _("不能发布：") + _message(exc))
    else:
        messages.success(
            request, _("第 %(n)s 版已发布，办事指南即时更新。") % {"n": version.number}
        )
    return redirect("catalog:item", pk=item.pk)


@require_POST
@requires(MANAGE)
def draft_publish(request, pk: int):
    item = get_item_for(request.user, pk, for_write=True)
    draft = item.versions.filter(status=ItemVersion.Status.DRAFT).first()
    if draft is None:
        raise Http404("该事项没有待发布的草稿。")
    return _publish(request, item, draft)


@require_POST
@requires(MANAGE)
def draft_discard(request, pk: int):
    item = get_item_for(request.user, pk, for_write=True)
    draft = item.versions.filter(status=ItemVersion.Status.DRAFT).first()
    if draft is None:
        raise Http404("该事项没有草稿。")
    try:
        services.draft_discard(actor=request.user, version=draft)
    except (ValidationError, Conflict) as exc:
        messages.error(request, _message(exc))
        return redirect("catalog:item", pk=item.pk)
    if not ServiceItem.objects.filter(pk=item.pk).exists():
        messages.success(request, _("未发布的事项已删除。"))
        return redirect("catalog:items")
    messages.success(request, _("草稿已放弃，现行版本不变。"))
    return redirect("catalog:item", pk=item.pk)


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
        request, "catalog/version.html", {"version": version, "item": version.item, "staff": True}
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
    return render(request, "catalog/consistency.html", {"groups": groups, "differing": differing})


# --- bundles -----------------------------------------------------------------------------


def _bundle_choices():
    return (
        ServiceItem.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version", "organisation__parent")
        .order_by("organisation__path", "base_code")
    )


@requires(VIEW)
def bundle_list(request):
    return render(
        request,
        "catalog/bundles.html",
        {
            "bundles": selectors.bundles_for(request.user),
            "can_manage": MANAGE in _perms(request.user) or request.user.is_superuser,
        },
    )


@requires(MANAGE)
def bundle_edit(request, pk: int | None = None):
    bundle = get_bundle_for(request.user, pk, for_write=True) if pk else None
    orgs = organisations_in_scope(request.user).order_by("path")
    initial = {"items": list(bundle.entries.values_list("item_id", flat=True))} if bundle else None
    form = BundleForm(
        request.POST or None,
        instance=bundle,
        organisations=orgs,
        items=_bundle_choices(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # keep the editor's order: items ticked keep the catalog order
        chosen = [i for i in _bundle_choices() if i in set(data["items"])]
        try:
            if bundle is None:
                services.bundle_create(
                    actor=request.user,
                    organisation=data["organisation"],
                    code=data["code"],
                    name=data["name"],
                    description=data["description"],
                    promised_limit_days=data["promised_limit_days"],
                    is_published=data["is_published"],
                    items=chosen,
                )
            else:
                services.bundle_update(
                    actor=request.user,
                    bundle=bundle,
                    name=data["name"],
                    description=data["description"],
                    promised_limit_days=data["promised_limit_days"],
                    is_published=data["is_published"],
                    items=chosen,
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("一件事已保存。"))
            return redirect("catalog:bundles")
    return render(request, "catalog/bundle_form.html", {"form": form, "bundle": bundle})


# --- import and export -------------------------------------------------------------------


@requires(MANAGE)
def import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(transfer.MAX_UPLOAD_BYTES + 1)
        try:
            if upload.name.lower().endswith(".json"):
                records = transfer.read_json(data)
            else:
                records = transfer.read_xlsx(data)
            result = transfer.catalog_import(
                actor=request.user,
                records=records,
                publish=form.cleaned_data["publish"],
                source=upload.name,
            )
        except transfer.ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("导入成功：新建 %(c)s 项，更新 %(u)s 项，发布 %(p)s 项。")
                % {"c": result.created, "u": result.updated, "p": result.published},
            )
            return redirect("catalog:items")
    return render(
        request,
        "catalog/import.html",
        {"form": form, "errors": errors[:200], "error_count": len(errors)},
        status=400 if errors else 200,
    )


@requires(VIEW)
def export(request, fmt: str):
    if fmt not in ("xlsx", "json"):
        raise Http404("不支持的格式。")
    items = (
        selectors.staff_items(request.user)
        .filter(Q(current_version__isnull=False) | Q(versions__isnull=False))
        .distinct()
        .select_related("organisation", "current_version")
        .prefetch_related(
            "current_version__materials", "current_version__stages", "current_version__fees"
        )
    )
    records = transfer.export_records(items)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "json":
        body, ctype = transfer.to_json(records), "application/json; charset=utf-8"
    else:
        body = transfer.to_xlsx(records)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = content_disposition_header(True, f"事项目录-{stamp}.{fmt}")
    return response
