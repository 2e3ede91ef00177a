"""A team's shared instance: many visitors at once, against a bare page with the same controls.

N visitors (default 10) in Debian's chromium (never a downloaded browser), one browser context
each, all on one server at the same time: each opens the page, waits until all have, then clicks
Detail `--clicks` times (low and high in turn, a short pause between). The floor is
bench/floor_load_app.py (a title, a segmented control, a metric, an HTML image), served the same
way. Both servers run for the whole run and the apps take turns, round after round, so contention
from other work on the machine falls on both alike. The Plan variant changes "Requests per day"
on /plan instead of clicking.

Per app it prints: the server's CPU seconds per interaction (utime + stime of the streamlit
process from /proc, over the clicking only, divided by the clicks that finished), click latency
(median and p95: from the click until the tokens and the picture have both changed, timed in the
page; for Plan, until the cheapest model's monthly cost has changed and the page is idle),
interactions lost (a change not on screen within --timeout seconds; that visitor then reloads),
visits whose page never became ready, and the server's RSS after the run (and its peak); then
the ratios to the floor. `--uploads 20`: 20 visitors each upload a distinct 24-megapixel photo
to Explore, all at once; the server's RSS with them all on the page and after they leave; then
another wave of 20 (`--waves`): what a session keeps must go with it.

    .venv/bin/python bench/bench_load.py [--visitors 10] [--rounds 3] [--clicks 8] [--uploads 20]

Only 127.0.0.1; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import Error as PlaywrightError  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from tests.fakes.app_server import CHROMIUM, CHROMIUM_ARGS, running_server  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")

# The tokens shown and the decoded grid image (its src changes with the grid), else null.
SHOWN = """() => {
  const g = document.querySelector('.pw-overlay img.pw-grid');
  return [document.querySelector('[data-testid="stMetricValue"]')?.textContent ?? null,
          g && g.complete && g.naturalWidth > 0 ? g.src : null];
}"""
# Ready: the tokens, the picture and the Detail control on screen (a widget's code loads after
# the page's text: until then the browser shows a placeholder where it will be).
READY = f"""() => {{ const [t, g] = ({SHOWN})();
  const detail = document.querySelector('[role="radiogroup"][aria-label="Detail"] button');
  return !!(t && g && detail); }}"""

# Click the Detail option that is not chosen now; resolve with the ms until the tokens and the
# grid have both changed, or -1 after `limit` ms.
CLICK = f"""async ([limit]) => {{
  const shown = {SHOWN};
  const group = document.querySelector('[role="radiogroup"][aria-label="Detail"]');
  const buttons = [...group.querySelectorAll('button')];
  const low = buttons.find(b => b.textContent.trim() === 'low');
  const high = buttons.find(b => b.textContent.trim() === 'high');
  const chosen = b => b.getAttribute('aria-checked') === 'true';
  const target = chosen(low) ? high : low;
  const before = shown(), t0 = performance.now();
  target.click();
  return await new Promise(done => {{
    const poll = () => {{
      const now = shown(), dt = performance.now() - t0;
      if (now[0] !== before[0] && now[1] && now[1] !== before[1]) done(dt);
      else if (dt > limit) done(-1);
      else requestAnimationFrame(poll);
    }};
    poll();
  }});
}}"""

# Plan: the cheapest model's line, and whether Streamlit is still running the script.
PLAN_METRIC = """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
  .find(e => e.textContent.includes('Cheapest'))?.textContent ?? null"""
PLAN_SETTLED = f"""([before]) => {{ const m = ({PLAN_METRIC})();
  const running = document.querySelector('[data-testid="stStatusWidget"]');
  return !!m && m !== before && !(running && running.textContent.trim()); }}"""
PLAN_FIELD = "Requests per day (ongoing)"
PLAN_READY = f"""() => ({PLAN_METRIC})() !== null
  && !!document.querySelector('input[aria-label="{PLAN_FIELD}"]')"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, peak RSS) in MB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return tuple(int(status[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[-1] if len(xs) > 1 else xs[0]


class Target:
    """One app under test: where it is, how a visitor changes it, what it cost."""

    def __init__(self, name: str, url: str, pid: int, plan: bool = False):
        self.name, self.url, self.pid, self.plan = name, url, pid, plan
        self.reset()

    def reset(self) -> None:
        self.clicks: list[float] = []
        self.failures = 0  # interactions that did not show within the timeout
        self.unopened = 0  # visits whose page was not ready within the timeout
        self.cpu = 0.0
        self.done = 0

    async def open(self, page, timeout_ms: int) -> None:
        await page.goto(self.url, timeout=timeout_ms)
        await page.wait_for_function(PLAN_READY if self.plan else READY, timeout=timeout_ms,
                                     polling="raf")

    async def change(self, page, i: int, timeout_ms: int) -> float:
        """One interaction; its ms, or -1 if it did not show within the timeout."""
        if not self.plan:
            return await page.evaluate(CLICK, [timeout_ms])
        box = page.get_by_role("spinbutton", name=PLAN_FIELD).filter(visible=True).first
        before = await page.evaluate(PLAN_METRIC)
        await box.fill(str(2000 + 100 * (i % 2)))  # two values in turn: always a change
        started = time.perf_counter()
        await box.press("Enter")
        try:
            await page.wait_for_function(PLAN_SETTLED, arg=[before], timeout=timeout_ms,
                                         polling="raf")
        except PlaywrightError:
            return -1
        return (time.perf_counter() - started) * 1000


async def visitor(browser, target: Target, clicks: int, timeout_ms: int, barrier, seat: int,
                  results: list) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = await context.new_page()
        try:
            await target.open(page, timeout_ms)
            opened = True
        except PlaywrightError:
            opened = False
            target.unopened += 1
        await barrier.wait()  # every visitor on the page: then all start clicking
        if not opened:
            return
        await asyncio.sleep(0.05 * seat)  # not in lock step
        for i in range(clicks):
            try:
                ms = await target.change(page, i, timeout_ms)
            except PlaywrightError:
                ms = -1
            results.append(ms)
            if ms < 0:  # start this visitor over: its page may be stuck
                try:
                    await target.open(page, timeout_ms)
                except PlaywrightError:
                    target.unopened += 1
                    return
            await asyncio.sleep(0.2)
    finally:
        await context.close()


async def round_of(browser, target: Target, visitors: int, clicks: int, timeout_ms: int) -> None:
    """`visitors` at once on `target`; the server's CPU over the clicking only."""
    barrier = asyncio.Barrier(visitors + 1)
    results: list[float] = []
    tasks = [asyncio.create_task(visitor(browser, target, clicks, timeout_ms, barrier, seat,
                                         results)) for seat in range(visitors)]
    await barrier.wait()
    before = cpu_seconds(target.pid)
    await asyncio.gather(*tasks)
    target.cpu += cpu_seconds(target.pid) - before
    target.clicks += [r for r in results if r >= 0]
    target.failures += sum(1 for r in results if r < 0)
    target.done += sum(1 for r in results if r >= 0)


def photo(n: int, width: int = 6000, height: int = 4000) -> list[bytes]:
    """`n` distinct 24-megapixel JPEGs: one photo-like picture, each with its own comment."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([(x * 255 // width), (y * 255 // height), ((x + y) * 127 // (width + height))],
                    axis=-1).astype(np.int16)
    noisy = np.clip(base + rng.integers(-12, 13, size=base.shape), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(noisy, "RGB").save(buf, "JPEG", quality=88)
    jpeg = buf.getvalue()
    out = []
    for i in range(n):  # a COM segment after SOI: a different file, the same picture
        text = f"visitor {i}".encode()
        out.append(jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:])
    return out


async def uploader(browser, url: str, data: bytes, seat: int, timeout_ms: int, barrier,
                   times: list, leave: asyncio.Event) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = await context.new_page()
        await page.goto(url, timeout=timeout_ms)
        await page.wait_for_function(READY, timeout=timeout_ms, polling="raf")
        await page.get_by_role("radio", name="Upload", exact=True).first.click(timeout=timeout_ms)
        name = f"photo-{seat:02d}.jpg"
        started = time.perf_counter()
        await page.locator('input[type="file"]').set_input_files(
            files=[{"name": name, "mimeType": "image/jpeg", "buffer": data}], timeout=timeout_ms)
        await page.get_by_text(name).last.wait_for(timeout=timeout_ms)
        await page.wait_for_function(READY, timeout=timeout_ms, polling="raf")
        times.append((time.perf_counter() - started) * 1000)
        for _ in range(2):
            await page.evaluate(CLICK, [timeout_ms])
    except PlaywrightError as e:
        print(f"  uploader {seat}: {str(e).splitlines()[0]}", flush=True)
    finally:
        await barrier.wait()  # every uploader's image on its page at once
        await leave.wait()
        await context.close()


async def uploads(browser, target: Target, n: int, timeout_ms: int) -> dict:
    files = photo(n)
    barrier, leave, times = asyncio.Barrier(n + 1), asyncio.Event(), []
    before = memory_mb(target.pid)[0]
    tasks = [asyncio.create_task(uploader(browser, target.url, files[i], i, timeout_ms, barrier,
                                          times, leave)) for i in range(n)]
    await barrier.wait()
    with_them = memory_mb(target.pid)
    leave.set()
    await asyncio.gather(*tasks)
    await asyncio.sleep(20)  # past the sessions' TTL (5 s here) and Streamlit's cleanup
    return dict(before=before, with_them=with_them[0], peak=with_them[1],
                after=memory_mb(target.pid)[0], done=len(times), mb=len(files[0]) / 1e6,
                median_ms=statistics.median(times) if times else float("nan"))


def report(targets: list[Target], floor: Target, load: list[float]) -> None:
    print(f"load average during the run: {min(load):.2f}–{max(load):.2f} "
          f"(1-minute, sampled each round)")
    print(f"{'':<15}{'CPU ms/int':>11}{'median ms':>11}{'p95 ms':>9}{'lost':>6}{'done':>6}"
          f"{'unopened':>10}{'RSS MB':>8}{'peak MB':>9}")
    for t in targets:
        rss, peak = memory_mb(t.pid)
        cpu = 1000 * t.cpu / max(1, t.done)
        med = statistics.median(t.clicks) if t.clicks else float("nan")
        top = p95(t.clicks) if t.clicks else float("nan")
        print(f"{t.name:<15}{cpu:>11.1f}{med:>11.0f}{top:>9.0f}{t.failures:>6}{t.done:>6}"
              f"{t.unopened:>10}{rss:>8.0f}{peak:>9.0f}")
    for t in targets:
        if t is floor or not t.clicks or not floor.clicks:
            continue
        cpu = (t.cpu / max(1, t.done)) / (floor.cpu / max(1, floor.done))
        print(f"{t.name} / floor: CPU per interaction {cpu:.2f}× (target ≤ 1.3×), "
              f"median {statistics.median(t.clicks) / statistics.median(floor.clicks):.2f}×, "
              f"p95 {p95(t.clicks) / p95(floor.clicks):.2f}× (target ≤ 1.5×), "
              f"{t.failures} lost (target 0)")


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visitors", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3, help="turns of each app")
    ap.add_argument("--clicks", type=int, default=8, help="interactions per visitor per round")
    ap.add_argument("--timeout", type=float, default=60, help="seconds before a change is lost")
    ap.add_argument("--plan", action=argparse.BooleanOptionalAction, default=True,
                    help="also the Plan variant (a volume change)")
    ap.add_argument("--uploads", type=int, default=0,
                    help="then this many visitors each upload a 24 MP photo (memory)")
    ap.add_argument("--waves", type=int, default=2,
                    help="upload waves, one after another leaves: memory stays bounded")
    ap.add_argument("--before", type=Path, default=None,
                    help="another checkout of the app (e.g. `git archive main`), measured in "
                         "the same run, in turn with this one: before and after alike")
    args = ap.parse_args()
    timeout_ms = int(args.timeout * 1000)
    env = {"PATCHWORK_CALIBRATION_DB": str(Path(tempfile.mkdtemp()) / "calibration.sqlite3"),
           # a visitor who left is cleaned up soon after, so "after they leave" is measurable
           "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "5"}
    apps = {"": "app.py"} | ({" before": str(args.before.resolve() / "app.py")}
                             if args.before else {})
    load = [os.getloadavg()[0]]
    with contextlib.ExitStack() as stack:
        floor_url, floor_proc = stack.enter_context(
            running_server(env, script="bench/floor_load_app.py"))
        floor = Target("floor", floor_url, floor_proc.pid)
        explores, plans = [], []
        for suffix, script in apps.items():
            url, proc = stack.enter_context(running_server(env, script=script))
            explores.append(Target(f"Explore{suffix}", url, proc.pid))
            plans.append(Target(f"Plan{suffix}", f"{url}/plan", proc.pid, plan=True))
        targets = [*explores, floor, *(plans if args.plan else [])]
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for t in targets:  # one visit each first: no round pays a cold start
                await round_of(browser, t, 1, 1, timeout_ms)
                t.reset()
            for r in range(args.rounds):
                order = targets if r % 2 == 0 else targets[::-1]
                for t in order:
                    await round_of(browser, t, args.visitors, args.clicks, timeout_ms)
                    load.append(os.getloadavg()[0])
                    print(f"  round {r + 1}: {t.name} done (load {load[-1]:.2f})", flush=True)
            print(f"bench_load: {args.visitors} visitors at once, {args.rounds} rounds of "
                  f"{args.clicks} interactions each per app")
            report(targets, floor, load)
            for wave in range(args.uploads and args.waves):
                for explore in explores:
                    # a file of 5 MB each, all at once: slower than a click, more time to show
                    u = await uploads(browser, explore, args.uploads, 3 * timeout_ms)
                    print(f"{explore.name}, wave {wave + 1}: {args.uploads} visitors each upload "
                          f"a 24 MP photo ({u['mb']:.1f} MB): {u['done']} shown (median "
                          f"{u['median_ms']:.0f} ms); server RSS {u['before']:.0f} MB before, "
                          f"{u['with_them']:.0f} MB with them all on the page (peak "
                          f"{u['peak']:.0f}), {u['after']:.0f} MB after they left; load "
                          f"{os.getloadavg()[0]:.2f}", flush=True)
            await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
