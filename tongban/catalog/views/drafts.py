"""Staff pages of drafts: revise, edit (elements, materials, stages, fees), publish, discard."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.errors import Conflict
from tongban.core.permissions import requires

from .. import services
from ..forms import FeeFormSet, MaterialFormSet, StageFormSet, VersionForm, formset_rows
from ..models import ItemVersion, ServiceItem
from ..permissions import MANAGE, get_item_for
from ._common import _message


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
