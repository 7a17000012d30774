"""`tongban check` warns when an agency's signing key cannot be decrypted with the current
key-encryption key, saying which agency and how to supply the key; it is quiet otherwise."""

import io

import pytest
from django.core.management import call_command

from tongban.licences import signing

pytestmark = pytest.mark.django_db


def _check_output() -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("check", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_check_is_quiet_when_every_active_key_decrypts(city_a, monkeypatch):
    monkeypatch.setenv("TONGBAN_LICENCE_KEK", "the-kek")
    signing.key_generate(organisation=city_a)
    assert "licences.W001" not in _check_output()


def test_check_names_the_agencies_whose_key_the_current_kek_cannot_decrypt(city_a, city_b, monkeypatch):
    monkeypatch.setenv("TONGBAN_LICENCE_KEK", "the-old-kek")
    key_a = signing.key_generate(organisation=city_a)
    signing.key_generate(organisation=city_b)
    monkeypatch.setenv("TONGBAN_LICENCE_KEK", "another-kek")
    signing.key_generate(organisation=city_b, rotate=True)  # city_b's new key is under the new KEK
    output = _check_output()
    assert "licences.W001" in output and f"{city_a.name}（{city_a.code}，密钥 {key_a.key_id}）" in output
    assert city_b.name not in output  # its retired key needs no decryption; its active one works
    assert "不能签发电子证照" in output and "TONGBAN_LICENCE_KEK" in output
