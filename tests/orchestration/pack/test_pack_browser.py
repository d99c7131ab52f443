"""The pack in a real browser: headless Chromium (Debian's `chromium`, which .ci/run
installs) opens the file offline, logs no console error, draws a page that is not blank,
keeps the headline table and the SVG charts in its DOM, and prints several A4 pages."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from orchestration.pack import write_pack
from tests.orchestration.pack.dom import parse
from tests.orchestration.pack.handmade import add_signals, build_warehouse

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def opened(tmp_path_factory) -> dict:
    """One pack, opened three ways: its DOM, a screenshot and a PDF."""
    assert CHROMIUM.exists(), "install chromium (apt-get install -y chromium), as .ci/run does"
    tmp = tmp_path_factory.mktemp("browser")
    warehouse = add_signals(build_warehouse(tmp / "testshire.duckdb"))
    page = write_pack(warehouse, tmp / "pack.html", "2012-03").path
    common = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--no-first-run", f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr",
              "--v=0"]  # fmt: skip

    def chromium(*flags: str) -> subprocess.CompletedProcess:
        return subprocess.run([*common, *flags, page.as_uri()], capture_output=True, text=True,
                              timeout=120, check=True)  # fmt: skip

    dom = chromium("--dump-dom")
    shot = chromium(f"--screenshot={tmp / 'shot.png'}", "--window-size=1000,1400")
    pdf = chromium(f"--print-to-pdf={tmp / 'pack.pdf'}", "--no-pdf-header-footer")
    return {
        "dom": dom.stdout,
        "logs": dom.stderr + shot.stderr + pdf.stderr,
        "shot": tmp / "shot.png",
        "pdf": (tmp / "pack.pdf").read_bytes(),
    }


def test_the_browser_shows_the_headline_table_and_the_svg_charts(opened):
    dom = parse(opened["dom"])
    table = dom.find("table", id="headline-table")
    assert len([r for r in table.find_all("tr") if "data-indicator" in r.attrs]) == 3
    # 2 charts for each of 3 indicators, and 2 sparklines (March's referrals and
    # assessments have a figure in some month; every indicator does)
    assert len(dom.find_all("svg")) == 6 + 3


def test_the_page_logs_no_console_message(opened):
    # Chromium logs a page's console as `INFO:CONSOLE:1] "message", source: ...`
    assert re.findall(r":CONSOLE[:(]\d+\)?\].*", opened["logs"]) == []


def test_the_screenshot_is_not_blank(opened):
    with Image.open(opened["shot"]) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 20  # text, rules, RAG badges and charts, not one flat colour


def test_it_prints_to_several_pages(opened):
    pages = len(re.findall(rb"/Type\s*/Page\b", opened["pdf"]))
    # headline, 3 families, 3 districts, quality, revisions: a page each at least
    assert pages >= 9
