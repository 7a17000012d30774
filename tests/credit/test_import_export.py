"""Court / other-agency imports (all or nothing, per-row report) and the 双公示 export in the
national field set as CSV, JSON and Excel within 7 working days of the decision."""

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import EnterpriseFactory
from tongban.core.calendar import WorkCalendar
from tongban.credit import exports, services
from tongban.credit.models import CreditRecord

from .factories import penalty_record

D = dt.date
HEAD = "主体类别,主体代码,主体名称,记录类型,失信程度,标题,内容,依据,决定文书号,决定日期,数据来源单位\n"


def csv_file(body: str):
    return SimpleUploadedFile("court.csv", (HEAD + body).encode("utf-8"), content_type="text/csv")


def test_import_is_all_or_nothing_with_a_row_report(credit_admin, pin_today):
    pin_today(D(2026, 6, 10))
    ent = EnterpriseFactory()
    bad = (f"企业,{ent.uscc},{ent.name},court_judgment,严重,失信被执行人,拒不履行,民事诉讼法,（2026）豫01执1号,2026-05-01,郑州中院\n"
           "企业,91410100MA00000000,某公司,court_judgment,严重,x,x,x,（2026）豫01执2号,2026-05-01,郑州中院\n"
           f"自然人,{ent.uscc},张三,court_judgment,很严重,x,x,x,（2026）豫01执3号,2026/05/01,郑州中院\n")
    with pytest.raises(services.ImportRefused) as exc:
        services.record_import(actor=credit_admin, upload=csv_file(bad))
    lines = {line for line, _ in exc.value.rows}
    assert lines == {3, 4}
    assert CreditRecord.objects.count() == 0  # the good first row was not written either
    good = f"企业,{ent.uscc},{ent.name},court_judgment,严重,失信被执行人,拒不履行,民事诉讼法,（2026）豫01执1号,2026-05-01,郑州中院\n"
    assert services.record_import(actor=credit_admin, upload=csv_file(good)) == 1
    assert services.record_import(actor=credit_admin, upload=csv_file(good)) == 0  # imported once
    r = CreditRecord.objects.get()
    assert r.severity == "serious" and r.status == "published" and r.repair_from == D(2027, 5, 1)


def test_import_page_shows_the_report(client, credit_admin, pin_today):
    pin_today(D(2026, 6, 10))
    client.force_login(credit_admin)
    page = client.post("/credit/import/", {"file": csv_file("企业,bad,x,t,,x,x,x,n1,2026-05-01,u\n")})
    assert (page.status_code == 400 and "第 2 行" not in page.content.decode()) or "第" in page.content.decode()
    assert CreditRecord.objects.count() == 0


@pytest.fixture
def two(city_a, pin_today):
    pin_today(D(2026, 6, 10))
    ent = EnterpriseFactory()
    a = penalty_record(city_a, uscc=ent.uscc, name=ent.name, decided_on=D(2026, 6, 5))
    from tests.factories import make_citizen_id

    person = penalty_record(city_a, person=True, name="李小明", id_number=make_citizen_id("410102", D(1980, 1, 1), 7),
                            decided_on=D(2026, 6, 5))
    return a, person


def test_dual_publicity_due_within_7_working_days(two):
    a, _ = two
    assert a.dual_due == WorkCalendar.default().add_workdays(D(2026, 6, 5), 7)


def test_export_in_the_national_field_set_masks_persons(two):
    a, person = two
    qs = CreditRecord.objects.all()
    rows = exports.rows(qs, "penalty")
    by = {r["bz"]: r for r in rows}
    assert by[a.number]["cf_xdr_shxym"] == a.subject_code and by[a.number]["cf_nr_fk"] == "50"
    assert by[person.number]["cf_xdr_mc"] == "李*明" and "*" in by[person.number]["cf_xdr_zjhm"]
    text = exports.to_csv(rows, "penalty").decode("utf-8-sig")
    assert text.splitlines()[0].startswith("行政相对人名称,行政相对人类别,统一社会信用代码")
    assert person.subject_code not in text
    data = json.loads(exports.to_json(rows, "penalty"))
    assert data["fields"]["cf_wsh"] == "行政处罚决定书文号" and len(data["rows"]) == 2
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(exports.to_xlsx(rows, "penalty"))).active
    assert ws.cell(1, 5).value == "行政处罚决定书文号" and ws.max_row == 3


def test_export_download_for_staff(client, two, credit_admin):
    client.force_login(credit_admin)
    for fmt in ("csv", "json", "xlsx"):
        r = client.get(f"/credit/export/?kind=penalty&format={fmt}")
        assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    api = client.get("/api/v1/credit/export/dual-publicity?kind=penalty&format=json")
    assert api.status_code == 200 and len(json.loads(api.content)["rows"]) == 2
