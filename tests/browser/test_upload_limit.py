"""An oversized file is refused in the browser as soon as it is chosen, before anything is
uploaded (issue 14, item 10); the server's own check stays (tests/core for core.attachments)."""

import pytest
from django.conf import settings
from django.test import Client

from tongban.core.attachments import MAX_BYTES

from ..cases.factories import make_item

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_oversized_file_is_refused_before_upload(page, enterprise_user, city_a, tmp_path):
    version = make_item(city_a)
    client = Client()
    client.force_login(enterprise_user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": page.base_url}])
    page.goto(page.base_url + f"/cases/apply/{version.item.implementation_code}/")
    field = page.locator("input[type=file]").first
    assert field.get_attribute("data-max-bytes") == str(MAX_BYTES)
    big = tmp_path / "大文件.pdf"
    with big.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: the browser reads only its size
    field.set_input_files(str(big))
    note = page.locator(".file-too-large").first
    note.wait_for()
    assert "文件过大" in note.inner_text() and f"上限 {MAX_BYTES // 1024 // 1024} MB" in note.inner_text()
    assert field.evaluate("el => el.files.length") == 0  # nothing left to upload
    small = tmp_path / "扫描件.pdf"
    small.write_bytes(b"%PDF-1.4\n%%EOF\n")
    field.set_input_files(str(small))
    assert page.locator(".file-too-large").count() == 0
