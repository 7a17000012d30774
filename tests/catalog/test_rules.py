"""Rules of a version's content, each refused with a Chinese message and no change."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from tongban.catalog import services
from tongban.catalog.models import ItemVersion, ServiceItem

from .factories import elements, make_item, material, stage

pytestmark = pytest.mark.django_db


def test_promised_limit_above_legal_limit_is_refused_in_chinese(admin_a, city_a):
    with pytest.raises(ValidationError) as exc:
        make_item(city_a, actor=admin_a, legal_limit_days=20, promised_limit_days=25)
    assert exc.value.message_dict["promised_limit_days"] == [
        "承诺办结时限（25 个工作日）不能超过法定办结时限（20 个工作日）。"
    ]
    assert not ServiceItem.objects.exists()


def test_promised_equal_to_legal_is_allowed(admin_a, city_a):
    item = make_item(city_a, actor=admin_a, legal_limit_days=10, promised_limit_days=10)
    assert item.current_version.promised_limit_days == 10


def test_raising_the_promised_limit_in_a_draft_is_refused_and_the_draft_is_unchanged(
    admin_a, city_a
):
    item = make_item(city_a, actor=admin_a)
    draft = services.draft_start(actor=admin_a, item=item)
    with pytest.raises(ValidationError) as exc:
        services.draft_save(actor=admin_a, version=draft, elements={"promised_limit_days": 21})
    assert "不能超过法定办结时限" in str(exc.value)
    draft.refresh_from_db()
    assert draft.promised_limit_days == 10


def test_the_database_itself_refuses_promised_above_legal(city_a):
    item = ServiceItem.objects.create(
        organisation=city_a, base_code="X-1", implementation_code="X-1-1"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemVersion.objects.create(
            item=item, number=1, **elements(legal_limit_days=5, promised_limit_days=6)
        )


def test_stage_limits_must_fit_in_the_promised_limit(admin_a, city_a):
    with pytest.raises(ValidationError) as exc:
        make_item(
            city_a,
            actor=admin_a,
            promised_limit_days=5,
            stages=[stage("审查", 4), stage("决定", 3)],
        )
    assert "各环节时限合计 7 个工作日，超过承诺办结时限（5 个工作日）" in str(exc.value)


def test_a_conditional_material_needs_its_condition(admin_a, city_a):
    with pytest.raises(ValidationError) as exc:
        make_item(city_a, actor=admin_a, materials=[material("委托书", required=False)])
    assert exc.value.message_dict["materials.0.condition"] == [
        "第 1 项材料“委托书”：非必须材料必须写明提交条件。"
    ]


def test_a_charged_item_lists_its_fees_and_a_free_one_lists_none(admin_a, city_a):
    with pytest.raises(ValidationError) as exc:
        make_item(city_a, actor=admin_a, is_free=False)
    assert "收费事项至少要列出一个收费项目" in str(exc.value)
    fee = {"name": "易地建设费", "standard": "按面积计收", "amount": None, "basis": "省定标准"}
    with pytest.raises(ValidationError) as exc:
        make_item(city_a, actor=admin_a, is_free=True, fees=[fee])
    assert "不收费" in str(exc.value)
    item = make_item(city_a, actor=admin_a, is_free=False, fees=[fee])
    assert item.current_version.fees.get().name == "易地建设费"


def test_an_html_template_upload_is_refused(admin_a, city_a):
    evil = SimpleUploadedFile("表格.html", b"<script>alert(1)</script>")
    with pytest.raises(ValidationError) as exc:
        make_item(city_a, actor=admin_a, materials=[material(template=evil)])
    assert "文件类型“.html”不允许" in str(exc.value)
    assert not ServiceItem.objects.exists()


def test_duplicate_implementation_code_is_refused(admin_a, city_a):
    make_item(city_a, actor=admin_a, base_code="B-1", implementation_code="B-1-A")
    with pytest.raises(ValidationError) as exc:
        make_item(city_a, actor=admin_a, base_code="B-2", implementation_code="B-1-A")
    assert "实施编码“B-1-A”已被使用" in str(exc.value)


def test_only_one_standard_per_base_code(admin_p, province, city_a):
    make_item(province, actor=admin_p, base_code="S-1", is_standard=True)
    with pytest.raises(ValidationError) as exc:
        make_item(city_a, actor=admin_p, base_code="S-1", is_standard=True)
    assert "已有标准事项" in str(exc.value)


def test_a_city_admin_cannot_create_items_for_another_city(admin_b, city_a):
    with pytest.raises(ValidationError) as exc:
        make_item(city_a, actor=admin_b)
    assert "不在您的管辖范围内" in str(exc.value)
    assert not ServiceItem.objects.exists()
