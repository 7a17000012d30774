import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from tests.factories import StaffFactory
from tongban.accounts.models import EnforcementCertificate
from tongban.accounts.selectors import certified_user_ids, valid_certificate

pytestmark = pytest.mark.django_db

D = dt.date


def test_only_a_current_unrevoked_certificate_counts():
    a, b, c = StaffFactory(), StaffFactory(), StaffFactory()
    EnforcementCertificate.objects.create(user=a, number="41000001", issuing_authority="河南省人民政府",
                                          valid_from=D(2025, 1, 1), valid_until=D(2026, 12, 31))
    EnforcementCertificate.objects.create(user=b, number="41000002", issuing_authority="河南省人民政府",
                                          valid_from=D(2024, 1, 1), valid_until=D(2026, 11, 30))
    EnforcementCertificate.objects.create(user=c, number="41000003", issuing_authority="河南省人民政府",
                                          valid_from=D(2025, 1, 1), valid_until=D(2027, 12, 31),
                                          revoked_at=timezone.now(), revoked_reason="调离执法岗位")
    on = D(2026, 12, 1)
    assert valid_certificate(a, on=on).number == "41000001"
    assert valid_certificate(b, on=on) is None  # expired the day before
    assert valid_certificate(c, on=on) is None  # revoked
    assert certified_user_ids([a.pk, b.pk, c.pk], on=on) == {a.pk}
    assert certified_user_ids([a.pk, b.pk], on=D(2026, 11, 30)) == {a.pk, b.pk}


def test_validity_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        EnforcementCertificate.objects.create(user=StaffFactory(), number="41000009",
                                              issuing_authority="x", valid_from=D(2026, 2, 1),
                                              valid_until=D(2026, 1, 1))
