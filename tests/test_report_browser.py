"""The HTML report in a real browser: Debian's Chromium, headless, driven by Selenium through the system
chromedriver (no browser download).  No console errors, every figure decoded, no horizontal page scroll on a
laptop (1280 x 800) or a phone (390 x 844); screenshots are saved under the test's tmp dir.

Skipped, with the reason, when Chromium, chromedriver or selenium is missing; `.ci/run` installs them."""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="Chromium/chromedriver not installed (apt-get install chromium chromium-driver)"),
]

VIEWPORTS = {"laptop": (1280, 800), "phone": (390, 844)}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from limbound.cli import main

    out = tmp_path_factory.mktemp("report")
    with contextlib.redirect_stdout(io.StringIO()) as buf:
        assert main(["reproduce", "--out", str(out), "--quick", "--json", "--no-progress"]) == 0
    return out / "report.html", json.loads(buf.getvalue())


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if os.environ.get("CI"):  # CI installs Chromium and the dev extra: a missing selenium must fail there, not skip
        import selenium.webdriver as webdriver
    else:
        webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install 'limbound[dev]')")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="limbound-chromium-")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
              "--hide-scrollbars", f"--user-data-dir={profile}"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _viewport(drv, w, h):
    # the window's outer size differs from the viewport by the browser chrome: set the viewport exactly
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 600})


@pytest.mark.parametrize("name", sorted(VIEWPORTS))
def test_report_in_chromium(report, browser, name, tmp_path):
    page, summary = report
    w, h = VIEWPORTS[name]
    _viewport(browser, w, h)
    browser.get(page.as_uri())
    browser.get_log("browser")  # start from a clean log for this load
    browser.refresh()
    state = browser.execute_script("""
        const imgs = [...document.images];
        return {ready: document.readyState, title: document.title,
                images: imgs.map(i => ({id: i.id, complete: i.complete, w: i.naturalWidth, shown: i.getBoundingClientRect().width})),
                scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
                viewport: !!document.querySelector('meta[name=viewport]'),
                widest: Math.max(...[...document.body.querySelectorAll('*')].map(e => e.getBoundingClientRect().right))};
    """)
    errors = [e for e in browser.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]
    shot = tmp_path / f"report-{name}-{w}x{h}.png"
    browser.save_screenshot(str(shot))
    # a full-page screenshot too (the page's whole height, same width)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    _viewport(browser, w, min(height, 16000))
    browser.save_screenshot(str(tmp_path / f"report-{name}-full.png"))
    _viewport(browser, w, h)
    assert shot.stat().st_size > 1000
    assert state["ready"] == "complete" and state["viewport"]
    assert errors == [], errors
    figures = [k for k in summary["files"] if k.startswith("figure_")]
    assert len(state["images"]) == len(figures) >= 3
    for img in state["images"]:
        assert img["complete"] and img["w"] > 0, img  # decoded
        assert img["shown"] <= w, img
    assert state["scrollWidth"] <= state["clientWidth"] == w, state  # no horizontal page scroll
