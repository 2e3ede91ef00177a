"""Every screen: 1024×768 with the sidebar open, 1280×720, a 390×844 phone; and each page's own
URL opened first on a freshly started server. One server per module keeps this quick."""

from __future__ import annotations

import contextlib

import pytest

from tests.fakes.app_server import running_app

pytestmark = pytest.mark.browser

SCREENS = {"projector": (1024, 768), "laptop": (1280, 720), "phone": (390, 844)}
PAGES = {"explore": "Explore", "plan": "Plan", "request": "Paste a request", "verify": "Verify",
         "metered": "How it's metered"}

# Metric values, labels and buttons whose full text does not fit their box.
CUT = """() => [...document.querySelectorAll(
    '[data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] p, button p')]
  .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.innerText)"""


# Button groups (segmented controls, pills) that scroll sideways: an option is cut off screen.
SCROLLED = """() => [...document.querySelectorAll('[data-testid="stButtonGroup"]')]
  .flatMap(g => [g, ...g.querySelectorAll('*')])
  .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1
          && getComputedStyle(e).overflowX !== 'visible')
  .map(e => e.closest('[data-testid="stButtonGroup"]').innerText.replace(/\\s+/g, ' '))"""


# Explore's HTML tables that reach past their container (a column cut off at the right).
TABLES_CUT = """() => [...document.querySelectorAll('.pw-table')]
  .filter(t => t.getBoundingClientRect().right >
               t.closest('[data-testid="stHtml"]').getBoundingClientRect().right + 1)
  .map(t => t.querySelector('th').innerText)"""


# Explore's picture (under its grid): its address and, once decoded, its width.
PICTURE = """() => { const i = document.querySelector('.pw-overlay img');
  return [i.src, i.complete ? i.naturalWidth : 0]; }"""


def wait_for_explore(page):
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    page.wait_for_function("""() => [...document.querySelectorAll('.pw-overlay img')]
        .some(i => i.complete && i.naturalWidth > 0)""", timeout=60_000)
    page.wait_for_timeout(500)  # layout settles after the picture is in


@pytest.mark.parametrize("screen", SCREENS)
def test_explore_fits_every_screen(page, app_url, artifacts, screen):
    width, height = SCREENS[screen]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/explore")
    wait_for_explore(page)
    page.screenshot(path=str(artifacts / f"explore-{screen}-{width}x{height}.png"))
    assert page.evaluate(CUT) == []
    assert page.evaluate(SCROLLED) == []
    page.wait_for_selector(".pw-table", timeout=30_000)
    assert page.evaluate(TABLES_CUT) == []
    if screen == "projector":  # the sidebar is open there
        assert page.locator('[data-testid="stSidebar"]').is_visible()
    if screen == "phone":  # tokens and price in the first screen, without scrolling
        for label in ("Tokens", "$ per image"):
            metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
            box = metric.bounding_box()
            assert box and box["y"] + box["height"] <= height, (label, box)


@pytest.mark.parametrize("path", ["plan", "metered", "request"])
def test_other_pages_fit_the_projector(page, app_url, artifacts, path):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{app_url}/{path}")
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(artifacts / f"{path}-projector-1024x768.png"))
    assert page.evaluate(CUT) == []


@contextlib.contextmanager
def fresh_server(browser, tmp_path):
    """A freshly started server, a page in a new browser context, and the console errors and
    page errors that page logs."""
    with running_app({"PATCHWORK_CALIBRATION_DB": str(tmp_path / "c.sqlite3")}) as url:
        context = browser.new_context()
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            yield url, page, errors
        finally:
            context.close()


@pytest.mark.parametrize("path", PAGES)
def test_each_page_url_on_a_fresh_server(browser, tmp_path, path):
    """No modal, the page's own title, the menu of five (never a helper), no console error."""
    with fresh_server(browser, tmp_path) as (url, page, errors):
        page.goto(f"{url}/{path}")
        page.wait_for_selector("h1", timeout=60_000)
        page.wait_for_timeout(1500)
        assert page.locator("h1").first.inner_text() == PAGES[path]
        assert page.locator('[role="dialog"]').count() == 0
        menu = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        assert [m.split("\n")[-1] for m in menu] == list(PAGES.values())
        # Streamlit's client probes /<page>/_stcore/health before /_stcore/health: those two
        # 404s are the framework's own, logged for any deep link; nothing else may be.
        ours = [e for e in errors if "404" not in e]
        assert ours == [], ours


def test_the_home_url_is_explore_with_no_console_error_at_all(browser, tmp_path):
    """"/" is Explore itself: no hop to another URL, and not even the health probe's 404s; nor
    after Detail clicks, which rerun the results alone (the favicon, an image Streamlit served as
    a media file, was dropped by such a rerun: the browser's fetch of it failed)."""
    with fresh_server(browser, tmp_path) as (url, page, errors):
        for visit in (lambda: page.goto(f"{url}/"), page.reload):  # the first visit, a reload
            visit()
            wait_for_explore(page)
            assert page.locator("h1").first.inner_text() == "Explore"
            assert page.url.startswith(f"{url}/?")  # the view in the query, the path still "/"
            # a visit's first picture is inline; after a click, fetched from the app's own route
            assert page.evaluate(PICTURE)[0].startswith("data:image/webp;base64,")
            for detail in ("low", "high"):
                page.get_by_role("radiogroup", name="Detail").get_by_text(detail,
                                                                          exact=True).click()
                page.wait_for_function(  # the caption names the level: "gpt-5.6-sol · low · …"
                    "d => document.querySelector('[data-testid=\"stText\"]')?.textContent"
                    ".includes(` · ${d} · `)", arg=detail, timeout=30_000)
                page.wait_for_function(  # the address follows (written in place by a script)
                    "d => location.search.includes(`detail=${d}`)", arg=detail, timeout=10_000)
                page.wait_for_function(f"() => ({PICTURE})()[1] > 0", timeout=30_000)
                assert page.evaluate(PICTURE)[0].startswith(f"{url}/patchwork/media/")
        page.wait_for_timeout(1000)  # anything the browser fetches after the last rerun
        assert errors == []


@pytest.mark.parametrize("screen", SCREENS)
def test_a_rejection_fits_every_screen(page, app_url, artifacts, screen):
    # metering.md §5: 7952×5304 on gpt-6-sol at auto is rejected (41,334 patches); the metrics, the
    # message and both ways out must be readable in full.
    width, height = SCREENS[screen]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/explore?model=gpt-6-sol&w=7952&h=5304")
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    page.get_by_text("Rejected by the API").first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / f"explore-rejected-{screen}-{width}x{height}.png"))
    assert page.evaluate(CUT) == []
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert "rejected" in values and "41,334" in values
