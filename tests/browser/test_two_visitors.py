"""Two visitors at once, in two browsers against one `streamlit run` server: their calls are in
flight at the same moment (the fake API holds each visitor's first call until the other's has
arrived), and neither sees the other's image, key, result, model list, calibration or log rows.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from pathlib import Path

import pytest
from PIL import Image

from tests.fakes.app_server import running_app
from tests.fakes.fake_openai import FakeOpenAI

pytestmark = pytest.mark.browser

KEYS = {"A": "sk-proj-BrowserAlpha0123456789abcdefgh", "B": "sk-proj-BrowserBravo9876543210zyxwv"}
SIZES = {"A": (64, 64), "B": (1024, 512)}
# gpt-4o: 64×64 is one tile (85 + 170 = 255); 1024×512 is 2×1 tiles (85 + 2 × 170 = 425).
TOKENS = {"A": "255", "B": "425"}
WAIT = 90_000  # ms: generous, for a loaded machine; a session that never answers still fails


def metric(page, label: str):
    name = page.locator("[data-testid=stMetricLabel]", has_text=re.compile(rf"^\s*{label}\s*$"))
    return page.locator("[data-testid=stMetric]").filter(has=name)


def choose(page, box: str, option: str) -> None:
    combo = page.get_by_role("combobox", name=box, exact=True)
    combo.click()
    combo.fill(option)
    page.get_by_role("option", name=re.compile(rf"^{re.escape(option)}(\s|$)")).first.click()


def hold_first_counts_together(fake: FakeOpenAI) -> list[str]:
    """Each key's first count call waits until the other key's has arrived too: the test can
    only pass if the server runs both sessions' calls at the same time."""
    barrier = threading.Barrier(2, timeout=WAIT / 1000)
    met: list[str] = []
    real = fake._record

    def record(req) -> None:
        real(req)
        key = req.headers.get("authorization", "")
        if req.path == "/v1/responses/input_tokens" and key not in met:
            met.append(key)
            barrier.wait()

    fake._record = record
    return met


def exported_sizes(page) -> list[str]:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    return [f"{r['width']}×{r['height']}" for r in csv.DictReader(io.StringIO(text))]


@pytest.mark.today("2026-12-03")  # gpt-4o is offered (it shuts down 2027-01-14, metering.md §10)
def test_two_browsers_at_once_never_meet(browser, tmp_path, artifacts):
    empty_secrets = tmp_path / "secrets.toml"
    empty_secrets.write_text("")
    with FakeOpenAI(keys=tuple(KEYS.values())) as fake, running_app({
        "PATCHWORK_ALLOW_PRIVATE_ENDPOINTS": "true",  # the fake is on 127.0.0.1
        "PATCHWORK_CALIBRATION_DB": str(tmp_path / "calibration.sqlite3"),
        "STREAMLIT_SECRETS_FILES": str(empty_secrets),
    }) as url:
        met = hold_first_counts_together(fake)
        pages = {}
        for name in KEYS:
            image = tmp_path / f"visitor-{name}.png"
            Image.new("RGB", SIZES[name], (20, 120, 60)).save(image)
            page = browser.new_context(viewport={"width": 1400, "height": 3000}).new_page()
            page.set_default_timeout(WAIT)
            pages[name] = page
            page.goto(f"{url}/verify")
            page.get_by_role("heading", name="Verify").wait_for(timeout=WAIT)
            key = page.get_by_label("OpenAI API key", exact=True)
            key.fill(KEYS[name])
            key.press("Enter")
            base = page.get_by_label(re.compile("^Base URL"))
            base.fill(fake.base_url)
            base.press("Enter")
            # The mode line names the typed endpoint once that run is done.
            page.get_by_text(f"→ 127.0.0.1:{fake.port}").wait_for(timeout=WAIT)
            page.locator("input[type=file]").set_input_files(str(image))
            w, h = SIZES[name]
            page.get_by_text(f"{w}×{h} px (EXIF orientation applied)").wait_for(timeout=WAIT)
            choose(page, "Model", "gpt-4o")
            page.get_by_text(f"{TOKENS[name]} image tokens").first.wait_for(timeout=WAIT)
        for page in pages.values():  # both clicks at once: no waiting in between
            page.get_by_role("button", name="Count image tokens (free)").click()
        for name, page in pages.items():
            value = metric(page, "Reported by the API").locator("[data-testid=stMetricValue]")
            value.wait_for(timeout=WAIT)
            assert value.inner_text() == TOKENS[name]
        assert sorted(met) == sorted(f"Bearer {k}" for k in KEYS.values())  # both in flight

        a, b = pages["A"], pages["B"]
        a.get_by_role("button", name="List them (free)").click()
        choose(b, "Model to calibrate", "gpt-4o")
        b.get_by_role("button", name="Run calibration on gpt-4o (free)").click()
        a.get_by_text("does not know yet").wait_for(timeout=WAIT)
        metric(b, "Measured").wait_for(timeout=WAIT)
        for name, page in pages.items():
            page.screenshot(path=str(artifacts / f"two_visitors_{name}.png"), full_page=True)

        html = {name: page.content() for name, page in pages.items()}
        for name, other in (("A", "B"), ("B", "A")):
            assert KEYS[other] not in html[name] and KEYS[name] not in html[name]
            assert f"visitor-{other}.png" not in html[name]
        assert "does not know yet" not in html["B"]  # A's model list stays A's
        assert not metric(a, "Measured").count()  # B's calibration stays B's
        assert exported_sizes(a) == ["64×64"]
        b_rows = exported_sizes(b)
        assert b_rows[0] == "1024×512" and len(b_rows) == 1 + 7 and "64×64" not in b_rows
