"""After a form error the page says which chosen files must be chosen again (a browser keeps no
file across a round trip), and every upload field carries the server's size limit for the
browser's own check (issue 14, item 10)."""

from __future__ import annotations

import pytest

from tongban.cases.models import Case
from tongban.core.attachments import MAX_BYTES

from .factories import pdf

pytestmark = pytest.mark.django_db


def test_a_refused_application_names_the_files_to_choose_again(client, enterprise_user, version):
    first, second = version.materials.order_by("order")[:2]
    client.force_login(enterprise_user)
    url = f"/cases/apply/{version.item.implementation_code}/"
    response = client.post(url, {"contact_name": "高建国", "contact_phone": "not-a-phone", "submission_key": "k1",
                                 f"material_{first.pk}": pdf("盖章页.pdf")})
    page = response.content.decode()
    assert response.status_code == 400 and not Case.objects.exists()
    assert "请重新选择文件：您刚才选择的“盖章页.pdf”未保存" in page
    assert f"以下材料的文件需要重新选择：{first.name}。" in page
    assert page.count("file-rechoose") == 1  # only the file that was chosen, not {second.name}
    assert second.name in page


def test_every_upload_field_carries_the_server_limit(client, enterprise_user, version):
    client.force_login(enterprise_user)
    page = client.get(f"/cases/apply/{version.item.implementation_code}/").content.decode()
    assert page.count('type="file"') == page.count(f'data-max-bytes="{MAX_BYTES}"') > 0
    assert f"单个文件不超过 {MAX_BYTES // 1024 // 1024} MB" in page
