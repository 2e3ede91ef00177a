"""Plan in a real browser: upload a CSV, change the volume, see the monthly figure change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

import calc

pytestmark = pytest.mark.browser


def test_upload_a_csv_then_change_the_volume(page: Page, app_url: str, artifacts):
    # 1024×1024 on gpt-6-luna (the cheapest default; auto = original): 32 × 32 patches × 1.2
    tokens = calc.tokens(1024, 1024, "gpt-6-luna")
    assert tokens == 1229
    monthly = Decimal(tokens) * Decimal("0.10") / 1_000_000 * 1000 * 30  # spec §8 price

    page.goto(app_url)  # in by the app's own navigation, as a visitor comes
    page.get_by_role("link", name="Plan").click()
    page.get_by_text("A CSV or Parquet", exact=True).click()
    page.locator('input[type="file"]').set_input_files(files=[{
        "name": "sizes.csv", "mimeType": "text/csv",
        "buffer": b"width,height,count\n1024,1024,3\n",
    }])
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Cheapest")
    expect(metric).to_contain_text("Cheapest: gpt-6-luna", timeout=30_000)
    value = metric.locator('[data-testid="stMetricValue"]')
    expect(value).to_have_text(f"{calc.format_usd(monthly)} / month")

    requests = page.get_by_role("spinbutton", name="Requests per day (ongoing)").first
    requests.fill("5000")
    requests.press("Enter")
    expect(value).to_have_text(f"{calc.format_usd(monthly * 5)} / month", timeout=30_000)
    page.screenshot(path=str(artifacts / "plan-csv-volume.png"), full_page=True)
