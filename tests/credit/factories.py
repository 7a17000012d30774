"""Credit test data: publicity summaries as enforcement will send them, records made through the
service, a scoring method, lists. No fixture borrowed from another app's conftest."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from tongban.credit import services
from tongban.credit.models import CreditList, ScoringMethod, ScoringRule

_n = itertools.count(1)


def pdf(name="缴款凭证.pdf") -> SimpleUploadedFile:
    """A real one-page PDF: uploads are parsed, so magic bytes alone are refused."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/pdf")


def penalty_summary(org, *, uscc="", name="测试企业有限公司", person=False, id_number="", decided_on=None,
                    penalty_kind="fine", fine_fen=500_000_00, procedure="general", severity_hint="general",
                    **extra) -> dict:
    """The dict `tongban.enforcement.selectors.publicity_summary(case_id)` returns (common brief)."""
    decided_on = decided_on or dt.date(2026, 6, 1)
    return {
        "org_id": org.pk, "party_kind": "person" if person else "enterprise", "party_uscc": "" if person else uscc,
        "party_name": name, "party_id_number": id_number if person else "",
        "decision_number": f"郑人防罚〔2026〕{next(_n)}号", "decided_on": decided_on, "published_on": decided_on,
        "violation": "未按规定修建防空地下室", "legal_basis": "《中华人民共和国人民防空法》第四十八条",
        "penalty_kind": penalty_kind, "fine_fen": fine_fen, "procedure": procedure, "severity_hint": severity_hint,
        "revoked": False, "revoked_reason": "", **extra,
    }


def penalty_record(org, case_id=None, **kw):
    return services.record_from_penalty(penalty_summary(org, **kw), case_id=case_id or next(_n) + 10_000)


def scoring_method(**kw) -> ScoringMethod:
    method = ScoringMethod.objects.create(
        code=kw.pop("code", "rf-practitioner"), version=1, name="人防工程建设从业单位信用评价办法", basis="测试依据",
        base_score=100, min_score=0, max_score=110, status=ScoringMethod.Status.ACTIVE, window_months=24,
        grades=[{"grade": "A", "min": 95}, {"grade": "B", "min": 85}, {"grade": "C", "min": 70}, {"grade": "D", "min": 0}],
        **kw,
    )
    ScoringRule.objects.create(method=method, record_type="penalty_general", label="一般失信处罚", points=-5, cap=12)
    ScoringRule.objects.create(method=method, record_type="penalty_serious", label="严重失信处罚", points=-40)
    ScoringRule.objects.create(method=method, record_type="award", label="表彰奖励", points=8, cap=10)
    return method


def black_list(**kw) -> CreditList:
    return CreditList.objects.create(
        code=kw.pop("code", "rf-black"), kind=CreditList.Kind.BLACK, name="人防领域严重失信主体名单",
        legal_basis="《中华人民共和国人民防空法》；国办发〔2020〕49号", criteria_text="一年内受到严重失信行政处罚",
        criteria={"record_type": "penalty_serious", "min_count": 1}, publicity_days=5, term_months=36, **kw)
