"""Plan in a real browser (Debian's chromium): how long after a volume or request-shape change
the page settles — the new figure on screen and Streamlit's "running" indicator gone.
Target < 500 ms.

    .venv/bin/python bench/bench_plan_browser.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.fakes.app_server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

CSV = b"width,height,count\n" + b"".join(f"{w},{h},{n}\n".encode() for w, h, n in
                                         [(4032, 3024, 400), (1920, 1080, 250), (2550, 3300, 150),
                                          (1024, 1024, 150), (256, 256, 50)])


def settle(page, field: str, value: int) -> float:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Cheapest")
    before = metric.inner_text()
    box = page.get_by_role("spinbutton", name=field).filter(visible=True).first
    box.fill(str(value))
    start = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(
        """([before]) => {
            const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
                .find(e => e.innerText.includes('Cheapest'));
            const running = document.querySelector('[data-testid="stStatusWidget"]');
            return m && m.innerText !== before && !(running && running.innerText.trim());
        }""", arg=[before], timeout=30_000, polling="raf")
    return (time.perf_counter() - start) * 1000


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()
    with running_app() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/plan")
        page.get_by_text("A CSV or Parquet", exact=True).click()
        page.locator('input[type="file"]').set_input_files(files=[{
            "name": "sizes.csv", "mimeType": "text/csv", "buffer": CSV}])
        page.locator('[data-testid="stMetric"]').filter(has_text="Cheapest").wait_for(
            timeout=60_000)
        page.wait_for_timeout(1500)
        results = {}
        for field, values in (("Requests per day (ongoing)", range(2000, 2000 + args.runs)),
                              ("Output tokens", range(300, 300 + args.runs))):
            results[field] = [settle(page, field, v) for v in values]
        browser.close()
    for field, times in results.items():
        print(f"Plan settles after a change of {field!r}: median {statistics.median(times):.0f} ms"
              f" (min {min(times):.0f}, max {max(times):.0f}, {len(times)} runs)")


if __name__ == "__main__":
    main()
