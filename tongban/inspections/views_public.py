"""Public pages (no login, on purpose): draw commitments, draws and their files, results per task
and per enterprise, the CSV/JSON export and the notice verification page (扫码入企)."""

from __future__ import annotations

import csv
import io
import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from . import selectors
from .models import Draw, Inspection, InspectionTask, Status

PAGE = 100


@login_not_required
def index(request):
    draws = list(selectors.public_draws()[:50])
    results = list(selectors.published_results()[:PAGE])
    return render(request, "inspections/public_index.html", {"draws": draws, "results": results})


@login_not_required
def draw_page(request, pk: int):
    draw = get_object_or_404(selectors.public_draws(), pk=pk)
    siblings = list(Draw.objects.filter(task=draw.task).order_by("sequence"))
    return render(request, "inspections/public_draw.html", {
        "draw": draw, "task": draw.task, "siblings": siblings, "rows": selectors.drawn_objects(draw),
        "document": json.dumps(draw.document, ensure_ascii=False, indent=1, sort_keys=True),
    })


@login_not_required
def draw_json(request, pk: int):
    draw = get_object_or_404(Draw, pk=pk)
    response = JsonResponse(selectors.draw_file(draw), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.task.number}-{draw.sequence}.json"'
    return response


@login_not_required
def task_results(request, pk: int):
    task = get_object_or_404(InspectionTask.objects.select_related("item", "plan__organisation"), pk=pk)
    results = list(selectors.published_results().filter(inspection__task=task))
    return render(request, "inspections/public_results.html", {"task": task, "results": results,
                                                               "draws": task.draws.order_by("sequence")})


@login_not_required
def enterprise_results(request, uscc: str):
    results = list(selectors.published_results().filter(inspection__object__uscc=uscc.upper())[:PAGE])
    if not results:
        raise Http404("没有该单位已公示的抽查结果。")
    return render(request, "inspections/public_results.html", {"subject": results[0].inspection.object,
                                                               "results": results})


@login_not_required
def results_export(request, fmt: str):
    """Published results in the stable export format (docs/inspections.md); ?year=, ?org= filter."""
    qs = selectors.published_results()
    if (year := request.GET.get("year", "")).isdigit():
        qs = qs.filter(published_on__year=int(year))
    if org := request.GET.get("org", ""):
        qs = qs.filter(inspection__task__plan__organisation__code=org)
    rows = [selectors.export_row(r) for r in qs[:100000]]
    if fmt == "json":
        response = JsonResponse({"format": "tongban-inspection-results-1", "results": rows},
                                json_dumps_params={"ensure_ascii": False})
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=selectors.EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404("导出格式应为 csv 或 json。")
    response["Content-Disposition"] = f'attachment; filename="inspection-results.{fmt}"'
    return response


@login_not_required
def verify(request, code: str):
    """扫码入企: is this inspection, and are these inspectors, genuine? Nothing else is shown."""
    inspection = Inspection.objects.filter(verify_code=code).exclude(verify_code="").select_related("task").first()
    if inspection is None:
        return render(request, "inspections/verify.html", {"genuine": False}, status=404)
    valid = inspection.status in (Status.NOTIFIED, Status.RECORDED, Status.PUBLISHED)
    return render(request, "inspections/verify.html", {"genuine": True, "valid": valid, "c": inspection.notice_content,
                                                       "inspection": inspection})
