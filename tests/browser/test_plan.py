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
    monthly = Decimal(tokens) * Decimal("0.10") / 1_000_000 * 1000 * 30  # metering.md §9 price

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


# --- Plan comes back as it was: by the menu, by a link, by the browser's Back --------------------


def plan_settled(page: Page, **expected: str) -> str:
    """Wait until Plan's address holds the expected settings; the address."""
    page.wait_for_function(
        "e => Object.entries(e).every(([k, v]) => new URLSearchParams(location.search).get(k)"
        " === v) && location.pathname.endsWith('/plan')", arg=expected, timeout=60_000)
    return page.url


def menu(page: Page, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name).click()


def heading(page: Page, text: str) -> None:
    expect(page.locator("h1").first).to_have_text(text, timeout=60_000)


def test_plan_keeps_its_settings_and_address_by_the_menu_a_link_and_back(page: Page,
                                                                        app_url: str):
    page.goto(app_url)
    heading(page, "Explore")
    page.wait_for_function("location.search.includes('tier=standard')", timeout=60_000)
    entries = page.evaluate("history.length")
    page.locator('[data-testid="stButtonGroup"] button', has_text="Batch").first.click()
    page.wait_for_function("location.search.includes('tier=batch')", timeout=60_000)
    assert page.evaluate("history.length") == entries  # Explore's address changes in place too
    menu(page, "Plan")
    plan_settled(page, rpd="1000", tier="standard")  # Explore's tier is Explore's
    entries = page.evaluate("history.length")
    requests = page.get_by_role("spinbutton", name="Requests per day (ongoing)")
    requests.fill("4321")
    requests.press("Enter")
    days = page.get_by_role("spinbutton", name="Days per month")
    plan_settled(page, rpd="4321")
    days.fill("22")
    days.press("Enter")
    plan_settled(page, days="22")
    page.locator('[data-testid="stButtonGroup"] button', has_text="Flex").first.click()
    address = plan_settled(page, rpd="4321", days="22", tier="flex")
    assert page.evaluate("history.length") == entries  # no history entry per change

    def as_it_was() -> None:
        assert plan_settled(page, rpd="4321", days="22", tier="flex") == address
        expect(requests).to_have_value("4321", timeout=30_000)
        expect(days).to_have_value("22")
        expect(page.get_by_text("at the Flex tier").first).to_be_visible(timeout=30_000)

    menu(page, "Explore")  # the menu, there and back
    heading(page, "Explore")
    menu(page, "Plan")
    as_it_was()
    page.get_by_role("link", name="The rules: docs/metering.md").click()  # a link, and back
    heading(page, "How it's metered")
    menu(page, "Plan")
    as_it_was()
    menu(page, "Explore")  # the browser's Back: one page at a time
    heading(page, "Explore")
    page.go_back()
    heading(page, "Plan")
    as_it_was()
    page.go_back()
    heading(page, "How it's metered")
    page.go_forward()
    heading(page, "Plan")
    as_it_was()


def test_the_generate_view_comes_back_too(page: Page, app_url: str):
    page.goto(f"{app_url}/plan")
    plan_settled(page, gn="1")
    page.locator('[data-testid="stButtonGroup"] button', has_text="Generate").first.click()
    # the view's rerun first: a value typed while it is still running would be drawn over
    expect(page.get_by_text("The cost of images the models create").first).to_be_visible(
        timeout=60_000)
    images = page.get_by_role("spinbutton", name="Images per request")
    expect(images).to_have_value("1", timeout=60_000)
    images.fill("3")
    images.press("Enter")
    address = plan_settled(page, gn="3")
    menu(page, "Verify")
    heading(page, "Verify")
    page.go_back()
    heading(page, "Plan")
    assert plan_settled(page, gn="3") == address
    expect(images).to_have_value("3", timeout=30_000)
    expect(page.get_by_text("The cost of images the models create").first).to_be_visible()


def test_a_generate_link_reopens_on_generate(page: Page, app_url: str):
    # metering.md §8.2: gpt-image-2 1024×1024 high is 7,024 tokens at $30 per 1M: $0.2107
    page.goto(f"{app_url}/plan?view=generate&gquality=high")
    heading(page, "Plan")
    expect(page.get_by_text("The cost of images the models create").first).to_be_visible(
        timeout=60_000)
    value = page.locator('[data-testid="stMetric"]').filter(has_text="Per image").locator(
        '[data-testid="stMetricValue"]')
    expect(value).to_have_text("$0.2107", timeout=60_000)
    plan_settled(page, view="generate", gquality="high")
