"""The database calendar: seeded data, edits, CSV import, versions and recomputation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from tongban.accounts.models import Role
from tongban.core import calendar_store
from tongban.core.models import AuditEvent, CalendarChange, CalendarDay, CalendarYear

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def cal_admin(province):
    return StaffFactory(username="cal_admin", organisation=province, roles=[Role.ADMIN])


def test_official_calendar_is_seeded_2004_to_2026():
    assert CalendarDay.objects.filter(date=D(2025, 10, 1), kind="holiday", name="国庆节").exists()
    assert CalendarDay.objects.get(date=D(2025, 9, 28)).kind == "workday"
    assert set(range(2004, 2027)) <= set(CalendarYear.objects.values_list("year", flat=True))
    cal = calendar_store.load_calendar()
    assert cal.add_workdays(D(2025, 9, 26), 5) == D(2025, 10, 10)
    assert not cal.is_provisional(D(2026, 5, 1))
    assert cal.is_provisional(D(2027, 3, 1))


def test_adding_a_holiday_moves_due_dates_and_is_versioned_and_audited(cal_admin):
    before = calendar_store.cached_calendar().add_workdays(D(2027, 3, 1), 3)
    assert before == D(2027, 3, 4)
    calendar_store.calendar_day_set(
        actor=cal_admin, date=D(2027, 3, 3), kind="holiday", name="测试假日", notice="国办发明电〔2026〕1号"
    )
    calendar_store.invalidate()
    assert calendar_store.cached_calendar().add_workdays(D(2027, 3, 1), 3) == D(2027, 3, 5)
    change = CalendarChange.objects.latest("id")
    assert change.changed_days == ["2027-03-03"]
    assert AuditEvent.objects.filter(action="calendar.change", actor_repr="cal_admin").exists()


def test_a_workday_cannot_be_a_makeup_workday(cal_admin):
    with pytest.raises(ValidationError) as exc:
        calendar_store.calendar_day_set(actor=cal_admin, date=D(2027, 3, 3), kind="workday", name="x")
    assert "不能登记为“调休上班”" in str(exc.value)


def test_only_administrators_edit_the_calendar(clerk_a):
    with pytest.raises(PermissionDenied):
        calendar_store.calendar_day_set(actor=clerk_a, date=D(2027, 3, 3), kind="holiday", name="x")
    assert not CalendarDay.objects.filter(date=D(2027, 3, 3)).exists()


def test_csv_import_is_all_or_nothing_with_line_numbers(cal_admin):
    bad = "date,kind,name,notice\n2027-01-01,holiday,元旦,x\n2027-02-30,holiday,春节,x\n2027-02-06,restday,春节,x\n"
    with pytest.raises(ValidationError) as exc:
        calendar_store.calendar_import_csv(actor=cal_admin, data=bad.encode())
    messages = exc.value.messages
    assert any("第 3 行 date 列" in m for m in messages)
    assert any("第 4 行 kind 列" in m for m in messages)  # 2027-02-06 is a Saturday
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_csv_import_enters_a_year(cal_admin):
    good = (
        "date,kind,name,notice\n"
        "2027-01-01,holiday,元旦,国办发明电〔2026〕7号\n"
        "2027-02-06,调休上班,春节调休上班,国办发明电〔2026〕7号\n"
    )
    days = calendar_store.calendar_import_csv(actor=cal_admin, data=good.encode("utf-8-sig"), mark_years_entered=True)
    assert len(days) == 2
    calendar_store.invalidate()
    cal = calendar_store.cached_calendar()
    assert not cal.is_provisional(D(2027, 6, 1))
    assert cal.is_workday(D(2027, 2, 6)) and not cal.is_workday(D(2027, 1, 1))


_seen: list = []


def _recompute_seven(days):
    _seen.append(days)
    return 7


def _on_change(change_id):
    calendar_store.recompute_for(change_id, _recompute_seven, module="test")


def test_calendar_change_reaches_every_subscribed_recompute(cal_admin, django_capture_on_commit_callbacks):
    from tongban.core import events

    _seen.clear()
    events.subscribe(calendar_store.CALENDAR_CHANGED, _on_change)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            calendar_store.calendar_day_set(actor=cal_admin, date=D(2027, 5, 3), kind="holiday", name="劳动节")
        assert _seen == [{D(2027, 5, 3)}]
        # The test's 7 comes on top of whatever the modules' own recomputes moved (none here).
        assert CalendarChange.objects.latest("id").recomputed == 7
        event = AuditEvent.objects.filter(action="calendar.recompute", changes__module="test").latest("seq")
        assert event.changes["deadlines_recomputed"] == 7
    finally:
        events.unsubscribe(calendar_store.CALENDAR_CHANGED, _on_change)


def test_cli_add_and_explain(capsys):
    call_command("calendar", "add", "2025-09-26", "5")
    assert capsys.readouterr().out.strip() == "2025-10-10"
    call_command("calendar", "explain", "2025-09-26", "5")
    out = capsys.readouterr().out
    assert "国庆节" in out and "调休上班" in out and "周末" in out
    assert "届满：2025-10-10 24:00" in out


def test_cli_marks_provisional_years(capsys):
    call_command("calendar", "add", "2027-12-30", "3")
    assert "临时" in capsys.readouterr().out


def test_staff_page_shows_grid_explain_and_admin_forms(client, cal_admin, clerk_a):
    client.force_login(clerk_a)
    page = client.get("/workspace/calendar/?year=2025&start=2025-09-26&days=5").content.decode()
    assert "国庆节" in page and "2025年10月10日 24:00" in page
    assert "新增或更正特殊日期" not in page  # clerks read, administrators edit
    assert client.post("/workspace/calendar/day/", {"date": "2027-03-03", "kind": "holiday", "name": "x"}).status_code == 403
    client.force_login(cal_admin)
    page = client.get("/workspace/calendar/?year=2027").content.decode()
    assert "临时：按周末推算" in page and "新增或更正特殊日期" in page
    response = client.post(
        "/workspace/calendar/day/", {"date": "2027-03-03", "kind": "holiday", "name": "测试", "notice": ""}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=D(2027, 3, 3)).exists()


def test_bad_csv_upload_shows_errors_and_writes_nothing(client, cal_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cal_admin)
    upload = SimpleUploadedFile("c.csv", b"date,kind,name,notice\nnot-a-date,holiday,x,\n", "text/csv")
    response = client.post("/workspace/calendar/import/", {"file": upload}, follow=True)
    assert "导入失败，未写入任何数据" in response.content.decode()
    assert CalendarChange.objects.count() == 0


def test_missing_next_year_warning_from_november(cal_admin):
    from tongban.core.selectors import next_year_missing

    assert next_year_missing(D(2026, 10, 31)) is None
    assert next_year_missing(D(2026, 11, 1)) == 2027
    CalendarYear.objects.create(year=2027, notice="x")
    assert next_year_missing(D(2026, 11, 1)) is None
