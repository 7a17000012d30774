"""The README tells a newcomer everything (issue 14, item 11), and every link in it and in docs/
stays inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _config_table() -> str:
    return README.split("## Configuration", 1)[1].split("\n## ", 1)[0]


def test_the_configuration_table_has_the_port_and_the_public_address():
    table = _config_table()
    assert re.search(r"^\| `TONGBAN_BIND` \| `127\.0\.0\.1:8000` \|", table, re.M)
    assert re.search(r"^\| `TONGBAN_SITE_URL` \|.*QR code", table, re.M)


def test_it_says_how_to_change_the_port_and_what_the_tests_need():
    assert "tongban serve --bind" in README and "TONGBAN_BIND=" in README
    assert "chromium" in README and "fonts-noto-cjk" in README and ".ci/run" in README


def test_every_link_stays_inside_the_repository():
    bad = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        if "../shared" in text or "/work/" in text:
            bad.append((doc.name, "outside path"))
        for target in re.findall(r"\]\(([^)#\s]+)", text):
            if re.match(r"[a-z]+:", target):
                continue  # http(s) and mailto links are for the reader's browser
            resolved = (doc.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                bad.append((doc.name, target))
    assert bad == []


def test_make_run_loads_the_demo_once():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    prerequisites = run.splitlines()[0].split()
    assert "setup" not in prerequisites  # setup loads the demo too
    assert run.count("tongban demo") == 1 and "--quiet --accounts" in run
