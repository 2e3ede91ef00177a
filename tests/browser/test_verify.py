"""The Verify page in a real browser: upload a PNG, count it against FakeOpenAI, see the numbers."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from PIL import Image

from tests.fakes.app_server import running_app
from tests.fakes.fake_openai import FakeOpenAI

KEY = "sk-proj-BrowserVerify0123456789abcdef"


def metric(page, label: str):
    """The st.metric whose label is exactly `label`."""
    name = page.locator("[data-testid=stMetricLabel]", has_text=re.compile(rf"^\s*{label}\s*$"))
    return page.locator("[data-testid=stMetric]").filter(has=name)


@pytest.mark.browser
def test_count_flow_in_the_browser(page, artifacts, tmp_path):
    image = tmp_path / "square.png"
    Image.new("RGB", (512, 512), (30, 110, 160)).save(image)
    empty_secrets = tmp_path / "secrets.toml"  # keeps a developer's real secrets.toml out
    empty_secrets.write_text("")
    db = tmp_path / "calibration.sqlite3"
    with FakeOpenAI(keys=(KEY,)) as fake, running_app({
        "OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": fake.base_url,
        "PATCHWORK_CALIBRATION_DB": str(db), "STREAMLIT_SECRETS_FILES": str(empty_secrets),
    }) as url:
        page.set_viewport_size({"width": 1400, "height": 2400})  # the whole page in one shot
        page.goto(f"{url}/verify")
        page.get_by_role("heading", name="Verify").wait_for(timeout=30_000)
        mode = page.locator("p", has_text="The app's key (from the environment variable")
        assert mode.is_visible()
        page.locator("input[type=file]").set_input_files(str(image))
        # The upload's rerun first (its estimate shown), so it cannot close the picker below.
        page.get_by_text(re.compile(r"image tokens$")).first.wait_for(timeout=30_000)
        model = page.get_by_role("combobox", name="Model", exact=True)
        model.click()
        model.fill("gpt-4o")  # a model the fake meters; the page opens on a current one
        option = page.get_by_role("option", name=re.compile(r"^gpt-4o(\s|$)")).first
        option.wait_for(timeout=30_000)
        option.click()
        # gpt-4o, detail auto (= high): 512×512 is one tile, 85 + 170 = 255 tokens (spec §1).
        page.get_by_text("255 image tokens").wait_for(timeout=20_000)
        assert len(fake.requests) == 0  # uploading sends nothing
        page.get_by_role("button", name="Count image tokens (free)").click()
        reported = metric(page, "Reported by the API")
        reported.wait_for(timeout=20_000)
        expected = fake.image_tokens_for(512, 512, "gpt-4o", "auto")
        assert expected == 255
        assert reported.locator("[data-testid=stMetricValue]").inner_text() == str(expected)
        assert metric(page, "Estimate").locator("[data-testid=stMetricValue]").inner_text() \
            == "255"
        assert page.get_by_text("Exact", exact=False).first.is_visible()
        assert [r.path for r in fake.requests] == ["/v1/responses/input_tokens"] * 2
        page.get_by_role("heading", name="Verify").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)  # tables and the chart draw after the elements arrive
        page.screenshot(path=str(artifacts / "verify_count.png"))
        assert KEY not in page.content()
        assert KEY not in page.url


@pytest.mark.browser
@pytest.mark.today("2026-12-03")  # gpt-5-mini runs until 2026-12-11 (docs/metering.md §10)
def test_a_pasted_request_is_sent_from_verify(page, artifacts, tmp_path):
    """Paste a request → Verify in one browser session: the body goes over, is sent once, and
    the reported input tokens stand beside the whole estimate (tests/pages/test_verify_request.py
    has the arithmetic: 308 + 5 image + 4 text = 317 estimated, 326 reported)."""
    def png_url(side: int) -> str:
        buf = io.BytesIO()
        Image.new("RGB", (side, side), (30, 110, 160)).save(buf, "PNG")
        return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()

    body = json.dumps({"model": "gpt-5-mini", "input": [{"role": "user", "content": [
        {"type": "input_text", "text": "compare these two images"},
        {"type": "input_image", "image_url": png_url(512), "detail": "high"},
        {"type": "input_image", "image_url": png_url(64), "detail": "high"}]}]})
    empty_secrets = tmp_path / "secrets.toml"
    empty_secrets.write_text("")
    with FakeOpenAI(keys=(KEY,)) as fake, running_app({
        "OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": fake.base_url, "PATCHWORK_ALLOW_BILLED": "1",
        "PATCHWORK_CALIBRATION_DB": str(tmp_path / "calibration.sqlite3"),
        "STREAMLIT_SECRETS_FILES": str(empty_secrets),
    }) as url:
        page.set_viewport_size({"width": 1400, "height": 2400})
        page.goto(f"{url}/request")
        area = page.get_by_role("textbox", name="Request body (JSON)")
        area.wait_for(timeout=30_000)
        area.fill(body)
        area.press("Control+Enter")
        page.get_by_text("The API would accept this request").wait_for(timeout=30_000)
        page.get_by_role("link", name="Verify").click()  # the same session: no new page load
        page.get_by_role("heading", name="The pasted request").wait_for(timeout=30_000)
        assert fake.requests == []
        page.get_by_role("button", name=re.compile(r"^Send the request — pay about")).click()
        reported = metric(page, "Reported input tokens")
        reported.wait_for(timeout=20_000)
        assert reported.locator("[data-testid=stMetricValue]").inner_text() == "326"
        assert metric(page, "Estimate \\(image \\+ text\\)").locator(
            "[data-testid=stMetricValue]").inner_text() == "317"
        assert [r.path for r in fake.requests] == ["/v1/responses"]
        assert fake.requests[0].body["max_output_tokens"] == 16
        page.get_by_role("heading", name="The pasted request").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "verify_request.png"))
