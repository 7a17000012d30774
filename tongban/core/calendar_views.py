"""Staff pages for the official calendar: month grids, exceptional days, CSV import, and the
explain tool that answers "why is my due date that day?"."""

from __future__ import annotations

import calendar as pycal
import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from . import calendar_store
from .forms import BootstrapMixin
from .models import CalendarChange, CalendarDay, CalendarYear
from .permissions import has_perm, requires
from .selectors import next_year_missing


class DayForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_lazy("类型"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_lazy("名称"), max_length=60)
    notice = forms.CharField(label=_lazy("依据通知"), max_length=200, required=False)


class ExplainForm(BootstrapMixin, forms.Form):
    start = forms.DateField(label=_lazy("起算事件日期"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_lazy("工作日数"), min_value=0, max_value=400)


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_lazy("CSV 文件"))
    mark_entered = forms.BooleanField(label=_lazy("导入后标记这些年度已录入完成"), required=False)


class YearForm(BootstrapMixin, forms.Form):
    notice = forms.CharField(label=_lazy("放假安排通知文号"), max_length=200)


def _month_grids(year: int, cal, exceptions: dict[dt.date, CalendarDay]) -> list[dict]:
    months = []
    weeks_of = pycal.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = []
        for week in weeks_of.monthdatescalendar(year, month):
            cells = []
            for day in week:
                exc = exceptions.get(day)
                cells.append(
                    {
                        "date": day,
                        "in_month": day.month == month,
                        "work": cal.is_workday(day),
                        "kind": exc.kind if exc else "",
                        "title": exc.name if exc else "",
                    }
                )
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


@requires("core.view_calendar")
def calendar_page(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2004), today.year + 5)
    cal = calendar_store.cached_calendar()
    exceptions = {
        d.date: d for d in CalendarDay.objects.filter(date__year=year).select_related("updated_by")
    }
    explain_form = ExplainForm(request.GET if "start" in request.GET else None)
    explanation = None
    if explain_form.is_bound and explain_form.is_valid():
        start, n = explain_form.cleaned_data["start"], explain_form.cleaned_data["days"]
        explanation = {
            "rows": cal.explain(start, n),
            "due": cal.add_workdays(start, n),
            "provisional": cal.is_provisional(cal.add_workdays(start, n)),
        }
    context = {
        "year": year,
        "years": range(2004, today.year + 3),
        "entered": CalendarYear.objects.filter(year=year).first(),
        "provisional": cal.is_provisional(dt.date(year, 6, 1)),
        "months": _month_grids(year, cal, exceptions),
        "exceptions": sorted(exceptions.values(), key=lambda d: d.date),
        "changes": CalendarChange.objects.select_related("actor")[:10],
        "can_manage": has_perm(request.user, "core.manage_calendar"),
        "day_form": DayForm(initial={"kind": CalendarDay.Kind.HOLIDAY}),
        "import_form": ImportForm(),
        "year_form": YearForm(),
        "explain_form": explain_form,
        "explanation": explanation,
        "missing_year": next_year_missing(today),
        "workdays_in_year": cal.workdays_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31)),
    }
    return render(request, "core/calendar.html", context)


def _back(year) -> object:
    return redirect(f"/workspace/calendar/?year={year}")


@require_POST
@requires("core.manage_calendar")
def calendar_day_save(request):
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查输入：") + "；".join(e for errs in form.errors.values() for e in errs))
        return _back(request.POST.get("year", ""))
    data = form.cleaned_data
    try:
        calendar_store.calendar_day_set(actor=request.user, **data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已保存 %(d)s，依赖它的未办结期限将在后台重算。") % {"d": data["date"]})
    return _back(data["date"].year)


@require_POST
@requires("core.manage_calendar")
def calendar_day_delete(request):
    try:
        date = dt.date.fromisoformat(request.POST.get("date", ""))
        calendar_store.calendar_day_remove(actor=request.user, date=date)
    except ValueError:
        messages.error(request, _("日期格式不正确。"))
        return _back("")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已删除 %(d)s 的特殊日期。") % {"d": date})
    return _back(date.year)


@require_POST
@requires("core.manage_calendar")
def calendar_import(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要导入的 CSV 文件。"))
        return _back("")
    upload = form.cleaned_data["file"]
    if upload.size > 1024 * 1024:
        messages.error(request, _("文件过大（上限 1 MB）。"))
        return _back("")
    try:
        days = calendar_store.calendar_import_csv(
            actor=request.user, data=upload.read(), mark_years_entered=form.cleaned_data["mark_entered"]
        )
    except ValidationError as exc:
        messages.error(request, _("导入失败，未写入任何数据：") + "；".join(exc.messages))
        return _back("")
    messages.success(request, _("已导入 %(n)d 个特殊日期。") % {"n": len(days)})
    return _back(days[0].date.year)


@require_POST
@requires("core.manage_calendar")
def calendar_year_entered(request, year: int):
    form = YearForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写放假安排通知的文号。"))
        calendar_store.calendar_year_mark_entered(actor=request.user, year=year, notice=form.cleaned_data["notice"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("%(y)d 年放假安排已标记为录入完成，相关日期不再是临时推算。") % {"y": year})
    return _back(year)
