"""Walk the platform as each demo persona: every link a user is shown must work for that user.

With the demo data loaded once for the module, each persona (anonymous, every demo account) opens
the portal home and, for staff, the workspace; follows every internal link on those pages, then
every link on the pages reached (depth two, GET only). A 5xx anywhere fails; so does a 403 or 404
on a link that was shown to that user. Links to the same URL pattern are followed a few times
only, so the walk stays fast while still covering every page kind.
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import Resolver404, resolve

from tongban.accounts.models import User
from tongban.core.menu import menu_for
from tongban.core.portal_nav import links_for

from .factories import demo_loaded

DEPTH = 2
PER_PATTERN = 2  # instances of one URL name (different ids or queries) followed per persona
# Once per URL name and persona: files (rendering a Chinese PDF takes seconds), and public pages
# for logged-in users (anonymous walks them twice).
DOWNLOADS = (".pdf", ".docx", ".xlsx", ".csv", ".json", ".pem", ".zip")
# Never followed: logging out ends the walk; the admin site and static files are not Tongban pages.
SKIP_PREFIXES = ("/accounts/logout/", "/static/", "/admin/", "/i18n/")


def _demo_logins() -> list[tuple[str, str]]:
    """Every demo account, including those that modules' own demo loaders create (the demo
    command imports each app's demo module; so must the walk, to list them all)."""
    import importlib

    from django.apps import apps

    from tongban.core import demo

    for config in apps.get_app_configs():
        if config.name.startswith("tongban."):
            try:
                importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
    return demo.logins()


PERSONAS = ["anonymous", *dict.fromkeys(username for username, _desc in _demo_logins())]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _internal_links(page_url: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        url, _fragment = urldefrag(urljoin("http://testserver" + page_url, href))
        parts = urlsplit(url)
        if parts.netloc != "testserver" or parts.path.startswith(SKIP_PREFIXES):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _pattern(url: str) -> tuple[str, bool]:
    """The URL name, and whether the page is public on purpose."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return url, False  # an unknown path is walked once, and answers 404
    return match.view_name, getattr(match.func, "login_required", True) is False



@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    with demo_loaded(django_db_blocker, tmp_path_factory, "walk-attachments"):
        yield


@pytest.fixture
def _attachments_in_tmp():
    """Overrides the suite's per-test upload directory: the demo's uploads live in the module's."""


def walk(client: Client, starts: list[str], *, logged_in: bool) -> tuple[list[str], set[str]]:
    """One line per failure (status, URL, the page that showed the link), and the URLs fetched."""
    failures: list[str] = []
    seen: set[str] = set()
    per_pattern: dict[str, int] = defaultdict(int)
    frontier = [(url, "(start)") for url in starts]
    for depth in range(DEPTH + 1):
        following = []
        for url, shown_on in frontier:
            if url in seen:
                continue
            pattern, public = _pattern(url)
            limit = PER_PATTERN
            if urlsplit(url).path.endswith(DOWNLOADS) or (public and logged_in):
                limit = 1
            if per_pattern[pattern] >= limit and shown_on != "(start)":
                continue
            seen.add(url)
            per_pattern[pattern] += 1
            response = client.get(url, follow=True)
            status = response.status_code
            if status >= 500 or status in (403, 404):
                exc = getattr(response, "exc_info", None)
                detail = f" ({exc[1]!r})" if exc else ""
                failures.append(f"{status} {url} shown on {shown_on}{detail}")
                continue
            if depth == DEPTH or "text/html" not in response.get("Content-Type", ""):
                continue
            final = response.redirect_chain[-1][0] if response.redirect_chain else url
            following += [(link, url) for link in _internal_links(final, response.content.decode())]
        frontier = following
    return failures, seen


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_shown_to_a_persona_works_for_them(demo_data, persona):
    client = Client(raise_request_exception=False)
    starts = ["/"]
    user = AnonymousUser() if persona == "anonymous" else User.objects.get(username=persona)
    if user.is_authenticated:
        client.force_login(user)
    menu = []
    if getattr(user, "is_staff_member", False):
        starts.append("/workspace/")
        menu = [item["url"] for section in menu_for(user) for item in section["items"]]
    failures, fetched = walk(client, starts, logged_in=user.is_authenticated)
    assert not failures, f"{persona}:\n" + "\n".join(failures)
    # The walk really went through this user's navigation (a parser gone blind would pass).
    shown = {link["url"] for link in links_for(user)} | set(menu)
    assert shown and shown <= fetched, f"{persona}: not walked: {sorted(shown - fetched)}"
