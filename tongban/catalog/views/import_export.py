"""Staff pages to import the catalog from Excel or JSON and to export it."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from tongban.core.permissions import requires

from .. import selectors, transfer
from ..forms import ImportForm
from ..permissions import MANAGE, VIEW


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
