"""The regulatory modules as they run together: an inspection's hand-over opens an enforcement
case (a real subscriber reading inspections' selector), and a published result becomes the
subject's credit record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.inspections import services
from tongban.inspections.models import ResultClass

from .factories import run_draw
from .test_work import SIGNED, _go, _member

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(task, admin, witness, pin_today):
    from .factories import DAY

    pin_today(DAY)
    return run_draw(admin, witness, task).inspections.order_by("position").first()


def test_hand_over_opens_an_enforcement_case_and_the_published_result_a_credit_record(
    drawn, head, django_capture_on_commit_callbacks
):
    from tongban.credit.models import CreditRecord
    from tongban.credit.models import Source as CreditSource
    from tongban.enforcement.models import EnforcementCase, Source

    insp = _go(drawn, head)
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        result = services.inspection_record_submit(actor=_member(insp), inspection_id=insp.pk, files=[photo], data={
            **SIGNED, "result_class": ResultClass.HANDED_OVER, "findings": "防护密闭门损坏，涉嫌违法"})
    case = EnforcementCase.objects.get(source=Source.INSPECTION)
    assert case.party_uscc == insp.object.uscc and "防护密闭门" in case.facts
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_result_publish(actor=_member(insp), result_id=result.pk)
    record = CreditRecord.objects.get(source=CreditSource.INSPECTION, source_ref=str(result.pk))
    assert record.subject_code == insp.object.uscc
