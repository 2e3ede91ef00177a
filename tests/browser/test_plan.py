"""Plan in a real browser: upload a CSV, change the volume, see the monthly figure change."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

import calc

pytestmark = pytest.mark.browser

DEFAULT = ["gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano", "o4-mini"]


def test_upload_a_csv_then_change_the_volume(page: Page, app_url: str, artifacts):
    # The cheapest default model for 1,000 square photos a day, summed here from calc.estimate.
    per_image = {m: calc.estimate(1024, 1024, m).usd for m in DEFAULT}
    cheapest = min(per_image, key=per_image.get)
    monthly = per_image[cheapest] * 1000 * 30

    page.goto(app_url)  # in by the app's own navigation, as a visitor comes
    page.get_by_role("link", name="Plan").click()
    page.get_by_text("A CSV", exact=True).click()
    page.locator('input[type="file"]').set_input_files(files=[{
        "name": "sizes.csv", "mimeType": "text/csv",
        "buffer": b"width,height,count\n1024,1024,3\n",
    }])
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Cheapest")
    expect(metric).to_contain_text(f"Cheapest: {cheapest}", timeout=30_000)
    value = metric.locator('[data-testid="stMetricValue"]')
    expect(value).to_have_text(f"${monthly:,.2f} / month")

    requests = page.get_by_label("Requests per day").filter(visible=True)  # not Generate's
    requests.fill("5000")
    requests.press("Enter")
    expect(value).to_have_text(f"${monthly * 5:,.2f} / month", timeout=30_000)
    page.screenshot(path=str(artifacts / "plan-csv-volume.png"), full_page=True)
