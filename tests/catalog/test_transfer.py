"""Excel and JSON import/export: round trip, and all-or-nothing with precise Chinese errors."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tongban.catalog import transfer
from tongban.catalog.models import ItemVersion, ServiceItem
from tongban.core.models import AuditEvent

from .factories import make_item

pytestmark = pytest.mark.django_db


def _export(client, fmt):
    response = client.get(f"/catalog/export.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content) if response.streaming else response.content


def _workbook_with(rows_by_sheet, base=None):
    """Edit an exported workbook: {sheet: {(row, header): value}}."""
    wb = load_workbook(io.BytesIO(base))
    for sheet, cells in rows_by_sheet.items():
        ws = wb[sheet]
        headers = {c.value: c.column for c in ws[1]}
        for (row, header), value in cells.items():
            ws.cell(row=row, column=headers[header], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def exported(client, admin_a, city_a):
    make_item(city_a, actor=admin_a, base_code="RF-1", implementation_code="RF-1-A")
    make_item(
        city_a,
        actor=admin_a,
        base_code="RF-2",
        implementation_code="RF-2-A",
        name="人防工程拆除审批",
    )
    client.force_login(admin_a)
    return _export(client, "xlsx")


def test_export_then_import_creates_new_versions_with_the_same_content(client, exported):
    data = _workbook_with({"事项": {(2, "承诺办结时限（工作日）"): 9}}, exported)
    response = client.post(
        "/catalog/import/",
        {"file": SimpleUploadedFile("目录.xlsx", data), "publish": "on"},
    )
    assert response.status_code == 302
    item = ServiceItem.objects.get(implementation_code="RF-1-A")
    assert item.current_version.number == 2
    assert item.current_version.promised_limit_days == 9
    assert [m.name for m in item.current_version.materials.all()] == [
        "竣工验收备案表",
        "竣工验收报告",
        "委托书",
    ]
    # The template file is carried over by material name.
    assert item.current_version.materials.first().template.name
    other = ServiceItem.objects.get(implementation_code="RF-2-A")
    assert other.current_version.name == "人防工程拆除审批"
    assert AuditEvent.objects.filter(action="catalog.import").count() == 1


def test_a_bad_cell_rejects_the_whole_file_with_sheet_row_and_column(client, exported):
    versions_before = ItemVersion.objects.count()
    data = _workbook_with(
        {
            "事项": {(3, "承诺办结时限（工作日）"): 30, (2, "事项名称"): "新名称"},
            "申请材料": {(2, "份数"): "两份"},
        },
        exported,
    )
    response = client.post("/catalog/import/", {"file": SimpleUploadedFile("目录.xlsx", data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "工作表“申请材料”第 2 行 E 列（份数）：“两份”不是整数" in page
    assert "整个文件未导入" in page
    assert ItemVersion.objects.count() == versions_before
    assert not ServiceItem.objects.filter(current_version__name="新名称").exists()


def test_a_business_rule_error_points_at_its_row_and_column(admin_a, exported):
    data = _workbook_with({"事项": {(3, "承诺办结时限（工作日）"): 30}}, exported)
    records = transfer.read_xlsx(data)
    with pytest.raises(transfer.ImportRejected) as exc:
        transfer.catalog_import(actor=admin_a, records=records, publish=True, source="t.xlsx")
    assert exc.value.errors == [
        "工作表“事项”第 3 行 L 列（承诺办结时限（工作日））：承诺办结时限（30 个工作日）"
        "不能超过法定办结时限（20 个工作日）。"
    ]
    # The first row was valid, yet nothing of it was kept.
    assert ItemVersion.objects.filter(number=2).count() == 0


def test_importing_into_another_citys_organisation_is_refused(admin_b, exported):
    records = transfer.read_xlsx(exported)
    with pytest.raises(transfer.ImportRejected) as exc:
        transfer.catalog_import(actor=admin_b, records=records, publish=False, source="t.xlsx")
    assert all("不在您的管辖范围内" in e for e in exc.value.errors)
    assert ItemVersion.objects.count() == 2


def test_a_file_that_is_not_excel_is_refused(client, admin_a):
    client.force_login(admin_a)
    response = client.post(
        "/catalog/import/", {"file": SimpleUploadedFile("目录.xlsx", b"not a zip")}
    )
    assert response.status_code == 400
    assert "不是有效的 Excel" in response.content.decode()


def test_missing_header_is_reported(admin_a):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "事项"
    wb.active.append(["实施编码", "事项名称"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(transfer.ImportRejected) as exc:
        transfer.read_xlsx(out.getvalue())
    assert "工作表“事项”缺少列“基本编码”（第 1 行为表头）。" in exc.value.errors


def test_json_round_trip_and_json_errors_by_path(client, admin_a, city_a):
    make_item(city_a, actor=admin_a, base_code="RF-1", implementation_code="RF-1-A")
    client.force_login(admin_a)
    doc = json.loads(_export(client, "json"))
    assert doc["format"] == "tongban-catalog"
    item = doc["items"][0]
    assert item["name"] == "防空地下室竣工验收备案" and len(item["materials"]) == 3

    item["materials"][1]["form"] = "传真件"
    bad = json.dumps(doc, ensure_ascii=False).encode()
    with pytest.raises(transfer.ImportRejected) as exc:
        transfer.read_json(bad)
    assert exc.value.errors[0].startswith(
        "items[0].materials[1].form（材料形式）：“传真件”不是可选值"
    )

    item["materials"][1]["form"] = "copy"
    item["visits"] = 1
    records = transfer.read_json(json.dumps(doc, ensure_ascii=False).encode())
    result = transfer.catalog_import(actor=admin_a, records=records, publish=True, source="j")
    assert (result.updated, result.published) == (1, 1)
    assert ServiceItem.objects.get(implementation_code="RF-1-A").current_version.visits == 1


def test_new_items_in_a_file_are_created_as_drafts(admin_a, city_a, exported):
    data = _workbook_with(
        {"事项": {(2, "实施编码"): "RF-9-A", (2, "基本编码"): "RF-9"}, "申请材料": {}}, exported
    )
    # the child rows still point at RF-1-A, which is no longer in the items sheet
    with pytest.raises(transfer.ImportRejected) as exc:
        transfer.read_xlsx(data)
    assert any("“事项”表中没有实施编码“RF-1-A”" in e for e in exc.value.errors)


def test_a_bad_item_row_does_not_make_its_materials_look_orphaned(exported):
    data = _workbook_with({"事项": {(2, "法定办结时限（工作日）"): "二十"}}, exported)
    with pytest.raises(transfer.ImportRejected) as exc:
        transfer.read_xlsx(data)
    assert exc.value.errors == [
        "工作表“事项”第 2 行 K 列（法定办结时限（工作日））：“二十”不是整数，应为 0 至 365 之间的整数。"
    ]
