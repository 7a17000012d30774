"""Every page names the platform's icon, an SVG served from static (issue 14, item 10)."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/no-such-page/"])
def test_every_page_links_the_svg_favicon(client, url):
    page = client.get(url).content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert match and match.group(1).endswith("tongban/favicon.svg")


def test_the_favicon_is_an_svg_in_static():
    path = finders.find("tongban/favicon.svg")
    assert path
    root = ET.parse(path).getroot()  # noqa: S314 - our own static file
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 64 64"
