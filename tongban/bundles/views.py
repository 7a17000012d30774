"""The bundle application form (merged fields, de-duplicated materials), the applicant's bundle
list and bundle page with its one status and one supplement form."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.catalog.material_sources import material_supplies
from tongban.catalog.models import Bundle
from tongban.core.errors import Conflict
from tongban.core.errors import errors_dict as _errors
from tongban.core.permissions import require_applicant

from . import selectors, services
from .permissions import get_application_for


def bundle_apply(request, code: str):
    require_applicant(request)
    bundle = get_object_or_404(Bundle.objects.select_related("organisation"), code=code, is_published=True)
    errors: dict = {}
    try:
        versions = services.bundle_versions(bundle)
    except ValidationError as exc:
        return render(request, "bundles/apply.html", {"bundle": bundle, "unavailable": "；".join(exc.messages)},
                      status=409)
    merged = services.merged_materials(versions)
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        files = {k.removeprefix("bm_"): f for k, f in request.FILES.items() if k.startswith("bm_")}
        try:
            application = services.bundle_submit(
                actor=request.user, bundle=bundle, data=request.POST, files=files,
                submission_key=request.POST.get("submission_key", ""),
                authorise_reuse=request.POST.get("licence_reuse") == "1",
            )
        except ValidationError as exc:
            errors = _errors(exc)
            chosen = [row.name for row in merged if f"bm_{row.key}" in request.FILES]
            messages.error(request, _("提交未成功，请按提示修改后重新提交。") + (
                _("以下材料的文件需要重新选择：%(names)s。") % {"names": "、".join(chosen)} if chosen else ""))
        else:
            messages.success(request, _("一件事申请已提交，申请编号 %(n)s。") % {"n": application.number})
            return redirect("bundles:my_detail", application.pk)
    reusable = set().union(*(material_supplies(actor=request.user, version=v, authorised=False).possible for v in versions))
    # The name of a file chosen for a row, said again when the form comes back with errors: the
    # browser does not keep it.
    rows = [(row, errors.get(row.field_name, []), any(m.pk in reusable for _, m in row.members),
             getattr(request.FILES.get(f"bm_{row.key}"), "name", "")) for row in merged]
    total = sum(v.materials.count() for v in versions)
    return render(request, "bundles/apply.html", {
        "bundle": bundle, "versions": versions, "rows": rows, "errors": errors, "data": data,
        "general_errors": errors.get("__all__", []), "saved": total - len(merged), "total": total,
        "submission_key": data.get("submission_key") or uuid.uuid4().hex, "user_info": request.user,
        "reusable_count": sum(1 for _row, _errs, r, _chosen in rows if r),
    }, status=400 if errors else 200)


def my_bundles(request):
    require_applicant(request)
    return render(request, "bundles/mine.html", {"views": selectors.my_applications(request.user)})


def my_bundle(request, pk: int):
    require_applicant(request)
    view = selectors.application_view(get_application_for(request.user, pk))
    return render(request, "bundles/my_detail.html", {"v": view, "application": view.application})


@require_POST
def my_bundle_supplement(request, pk: int):
    require_applicant(request)
    application = get_application_for(request.user, pk)
    files: dict[int, dict] = {}
    for key, upload in request.FILES.items():
        parts = key.split("_")
        if len(parts) == 3 and parts[0] == "s" and parts[1].isdigit() and parts[2].isdigit():
            files.setdefault(int(parts[1]), {})[parts[2]] = upload
    try:
        services.bundle_supplement(actor=request.user, application_id=application.pk, files=files)
    except ValidationError as exc:
        messages.error(request, _("补正未提交：") + "；".join(m for ms in _errors(exc).values() for m in ms))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("补正材料已一次提交，各事项的受理期限自今日重新计算。"))
    return redirect("bundles:my_detail", pk)
