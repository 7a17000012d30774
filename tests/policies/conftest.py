from __future__ import annotations

import pytest

from tongban.policies.models import PolicyTag

from .factories import TODAY, make_relocation_fee


@pytest.fixture(autouse=True)
def pin_today(settings, tmp_path):
    settings.TONGBAN_TODAY = TODAY
    settings.TONGBAN_POLICY_IMPORT_DIR = tmp_path / "imports"
    return TODAY


@pytest.fixture
def tags(db):
    return {
        name: PolicyTag.objects.create(name=name, bit=bit)
        for bit, name in enumerate(["高新技术企业", "专精特新", "外贸企业"])
    }


@pytest.fixture
def relocation_fee(province):
    return make_relocation_fee(province)
