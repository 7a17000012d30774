"""English UI: the header language switch turns the Chinese UI into English.

The msgids are the Chinese originals; tongban/locale/en/LC_MESSAGES/django.po
carries the English text and django.mo is committed next to it.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

PO_PATH = Path(settings.BASE_DIR) / "tongban" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

CJK = re.compile(r"[\u4e00-\u9fff]")


def _english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_settings_offer_chinese_and_english():
    assert ("zh-hans", "简体中文") in settings.LANGUAGES
    assert ("en", "English") in settings.LANGUAGES
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert Path(settings.BASE_DIR) / "tongban" / "locale" in [Path(p) for p in settings.LOCALE_PATHS]
    assert MO_PATH.exists(), "compile the catalog: tongban compilemessages --ignore=.venv"


@pytest.mark.django_db
def test_chinese_is_still_the_default(client):
    page = _text(client.get("/accounts/login/"))
    assert "企业、个人和工作人员使用同一入口。" in page
    assert "One entrance for enterprises" not in page


@pytest.mark.django_db
def test_login_page_in_english(client):
    _english(client)
    page = _text(client.get("/accounts/login/"))
    assert "Log in" in page
    assert "Username" in page
    assert "Password" in page
    assert '<html lang="en">' in page
    assert "One entrance for enterprises, individuals and staff." in page
    assert "企业、个人和工作人员使用同一入口。" not in page
    assert "用户名" not in page


@pytest.mark.django_db
def test_language_cookie_alone_switches_to_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _text(client.get("/accounts/login/"))
    assert "Log in" in page
    assert "企业、个人和工作人员使用同一入口。" not in page


@pytest.mark.django_db
def test_portal_home_in_english(client):
    _english(client)
    page = _text(client.get("/"))
    assert "One-stop online services, appeals handled promptly" in page
    assert "Log in to get started" in page
    assert "Skip to main content" in page
    assert "一网通办，有诉即办" not in page
    assert "登录办事" not in page
    assert "跳到正文" not in page


@pytest.mark.django_db
def test_staff_workspace_menu_in_english(client, clerk_a):
    client.force_login(clerk_a)
    _english(client)
    page = _text(client.get("/workspace/"))
    for english in ("My inbox", "Workspace", "Log out", "Case management", "Front-desk entry"):
        assert english in page, english
    for chinese in ("我的待办", "工作台", "退出", "办件管理", "窗口代录"):
        assert chinese not in page, chinese


# -- the catalog itself ---------------------------------------------------------------------


def _parse_po(path: Path) -> list[dict]:
    """A tiny .po parser: enough for makemessages/msgmerge output (no polib dependency)."""
    entries: list[dict] = []
    current: dict = {"flags": set()}
    field = None

    def flush():
        nonlocal current, field
        if "msgid" in current:
            entries.append(current)
        current, field = {"flags": set()}, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#"):
            if "msgid" in current:
                flush()
            if line.startswith("#,"):
                current["flags"].update(f.strip() for f in line[2:].split(","))
            if line.startswith("#~"):
                current["obsolete"] = True
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if match:
            field = match.group(1)
            current[field] = ast.literal_eval(match.group(2))
        else:
            assert line.startswith('"') and field, f"unexpected line in {path}: {raw!r}"
            current[field] += ast.literal_eval(line)
    flush()
    return entries


def _messages() -> list[dict]:
    return [e for e in _parse_po(PO_PATH) if e["msgid"] and not e.get("obsolete")]


def test_catalog_header_declares_english_plural_forms():
    header = next(e for e in _parse_po(PO_PATH) if e["msgid"] == "")
    assert "Language: en\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]
    assert "fuzzy" not in header["flags"]


def test_catalog_has_no_untranslated_or_fuzzy_entries():
    messages = _messages()
    assert len(messages) > 1000
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert fuzzy == []
    untranslated = []
    for e in messages:
        if "msgid_plural" in e:
            forms = [e.get("msgstr[0]", ""), e.get("msgstr[1]", "")]
            assert "msgstr[2]" not in e, e["msgid"]
        else:
            forms = [e.get("msgstr", "")]
        if not all(f.strip() for f in forms):
            untranslated.append(e["msgid"])
    assert untranslated == []


def test_translations_keep_placeholders_and_are_english():
    placeholder = re.compile(r"%\(\w+\)[sd]|%%")
    bad = []
    for e in _messages():
        pairs = [(e["msgid"], e.get("msgstr", ""))]
        if "msgid_plural" in e:
            pairs = [(e["msgid"], e["msgstr[0]"]), (e["msgid_plural"], e["msgstr[1]"])]
        for source, target in pairs:
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(target)):
                bad.append((source, target))
            # Chinese may only appear as quoted literal names (e.g. spreadsheet sheet names).
            if CJK.search(re.sub(r"\"[^\"]*\"", "", target)):
                bad.append((source, target))
    assert bad == []


def test_compiled_catalog_matches_the_po_file():
    """django.mo is committed so deployments need no gettext; it must not lag behind the .po."""
    with MO_PATH.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in _messages():
        if "msgid_plural" in e:
            got = [compiled.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
            want = [e["msgstr[0]"], e["msgstr[1]"]]
        else:
            got, want = [compiled.gettext(e["msgid"])], [e["msgstr"]]
        if got != want:
            stale.append(e["msgid"])
    assert stale == [], "run: tongban compilemessages --ignore=.venv"


def test_a_browser_preferring_english_still_gets_chinese_until_the_user_switches(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in page.content.decode()
