"""A builder registers its works online and gets a single-building letter in a real browser:
the builder enters the project and uploads the registration documents, the station accepts it,
the builder asks for the letter of the building without a basement, the station head issues it,
and the builder downloads it."""

import pytest

from tongban.accounts.models import Role
from tongban.works.models import Building, Project, WorksDocument

from ..factories import EnterpriseUserFactory, OrganisationFactory, StaffFactory
from ..works.factories import PDF, make_fee_schedule, make_station
from .conftest import DEMO_PASSWORD, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db):
    province = OrganisationFactory(name="河南省人民防空办公室", level="province", division_code="410000")
    city = OrganisationFactory(name="郑州市人民防空办公室", parent=province, division_code="410100")
    station = make_station(city)
    make_fee_schedule(province)
    people = {
        "builder": EnterpriseUserFactory(username="j_builder"),
        "clerk": StaffFactory(username="j_clerk", organisation=station, roles=[Role.CLERK]),
        "sup": StaffFactory(username="j_sup", real_name="许监督", organisation=station, roles=[Role.INSPECTOR]),
        "head": StaffFactory(username="j_head", organisation=station, roles=[Role.APPROVER]),
    }
    for user in people.values():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return people


def logout(page):
    page.click("button:has-text('退出')")


def test_registration_to_a_single_building_letter(page, people, tmp_path):
    scan = tmp_path / "材料.pdf"
    scan.write_bytes(PDF)
    login(page, "j_builder")
    page.goto(page.base_url + "/works/mine/new/")
    page.fill("#f-name", "浏览器人防项目")
    page.fill("#f-address", "郑州市金水区测试路 9 号")
    page.select_option("#f-region", "410105")
    page.fill("#b0-name", "1号楼")
    page.fill("#b0-above", "10000")
    page.fill("#b0-below", "800")
    page.check("#b0-basement")
    page.select_option("#b0-class", "6")
    page.fill("#b0-barea", "700")
    page.fill("#b1-name", "2号楼")
    page.fill("#b1-above", "5000")
    page.click("button:has-text('保存项目')")
    page.get_by_text("项目已保存").wait_for()
    assert "700,000.00" in page.content()  # the fee preview: 2号楼's 350 m² × 2,000 元
    for field in page.locator("input[type=file][name^=doc_]").all():
        field.set_input_files(str(scan))
    page.click("button:has-text('提交网上报监')")
    page.get_by_text("网上报监已提交").wait_for()
    project = Project.objects.get(name="浏览器人防项目")
    logout(page)

    login(page, "j_clerk")
    page.goto(page.base_url + f"/works/{project.pk}/")
    page.click("button:has-text('受理并出具监督计划书')")
    page.get_by_text("已受理报监").wait_for()
    logout(page)

    login(page, "j_builder")
    page.goto(page.base_url + f"/works/mine/{project.pk}/")
    assert "监督计划书" in page.locator("main").inner_text()
    page.click("button:has-text('申请单体竣工验收备案')")  # only 2号楼 (no basement) offers it
    page.get_by_text("已申请出具单体竣工验收备案函").wait_for()
    logout(page)

    login(page, "j_head")
    page.goto(page.base_url + f"/works/{project.pk}/")
    page.click("button:has-text('出具同意单体竣工验收备案的函')")
    page.get_by_text("已出具同意单体竣工验收备案的函。").wait_for()
    logout(page)

    login(page, "j_builder")
    page.goto(page.base_url + f"/works/mine/{project.pk}/")
    letter = WorksDocument.objects.get(kind=WorksDocument.Kind.BUILDING_LETTER)
    assert letter.building == Building.objects.get(project=project, name="2号楼")
    assert letter.number in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.click(f"a[href$='/documents/{letter.pk}.pdf']")
    assert download.value.suggested_filename.endswith(".pdf")
