"""Patchwork against the framework's floor, in Debian's chromium (never a downloaded browser).

The floor is bench/floor_app.py: a bare Streamlit page with one Plotly chart, started the same way
as the app (`streamlit run`, same flags, same config). From alternating runs in one go it prints:

- first visitor: a freshly started server, a fresh browser profile, until the chart is drawn;
  and the second visitor to that same server (again a fresh profile), to compare;
- cold load: a server that has served before, a fresh browser profile (nothing cached); also
  against a minimal floor (bench/floor_load_app.py at /?minimal: a metric and one HTML image,
  the least a page with a picture can be): Explore's picture drawn against its (≤ 1.2×);
- warm reload: the same tab reloaded (the browser's cache warm);
- Explore's click latency: a Detail click, and a model chosen in the Model box, until both the
  tokens and the picture's grid have changed.

"Drawn" is the moment the picture is on screen, timed inside the page from navigation start: for
the floor, Plotly's line drawn; for Patchwork, Explore's overlay with its image and its grid both
decoded (plain HTML: calc.views.markup). Medians, and the ratios.

    .venv/bin/python bench/bench_browser.py [--runs 5] [--clicks 15]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.fakes.app_server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

# Explore's grid image once decoded (its data: URL, which changes with the grid), else null.
GRID = """(() => { const g = document.querySelector('.pw-overlay img.pw-grid');
  return g && g.complete && g.naturalWidth > 0 ? g.src : null; })"""
TOKENS = """(() => document.querySelector('[data-testid="stMetricValue"]')?.innerText)"""

# Polls every frame from the first byte of the page and notes when each thing first holds.
WATCH = """() => {
  window.__t = {};
  const marks = {
    drawn: () => window.__needImage
      ? [...document.querySelectorAll('.pw-overlay')].some(o => {
          const im = [...o.querySelectorAll('img')];
          return im.length === window.__needImage
            && im.every(i => i.complete && i.naturalWidth > 0);
        })
      : [...document.querySelectorAll('.js-plotly-plot')].some(p =>
          p.querySelector('.scatterlayer path.js-line')),
    numbers: () => !!document.querySelector('[data-testid="stMetricValue"]'),
  };
  const poll = () => {
    for (const [k, f] of Object.entries(marks)) if (!(k in window.__t) && f())
      window.__t[k] = performance.now();
    if (Object.keys(marks).some(k => !(k in window.__t))) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}"""

CLICK = f"""async (label) => {{
  const tokens = {TOKENS}, grid = {GRID};  // a new grid not yet decoded does not count
  const button = [...document.querySelectorAll('[data-testid="stButtonGroup"] button')]
    .find(b => b.innerText.trim() === label);
  const t0 = performance.now(), before = [tokens(), grid()];
  button.click();
  return await new Promise(done => {{
    const poll = () => (tokens() !== before[0] && grid() && grid() !== before[1])
      ? done(performance.now() - t0) : requestAnimationFrame(poll);
    poll();
  }});
}}"""

# The tokens and the decoded grid now; then, after a model is chosen, the time until both differ.
SHOWN = f"""() => [{TOKENS}(), {GRID}()]"""
CHANGED = f"""(before) => {{ const now = ({SHOWN})();
  if (now[0] === before[0] || !now[1] || now[1] === before[1]) return false;
  window.__t1 = performance.now(); return true; }}"""

TARGETS = {"Patchwork": "app.py", "floor": "bench/floor_app.py"}
# A metric and one HTML image, nothing else: Explore's cold first paint against the least a
# Streamlit page with a picture can do (target ≤ 1.2×).
MINIMAL = ("minimal floor", "bench/floor_load_app.py", "/?minimal")
IMAGES = {"Patchwork": 2, MINIMAL[0]: 1}  # images in .pw-overlay, all decoded = drawn


def pick_model(page, name: str) -> float:
    """Choose `name` in Explore's Model box: ms from the option's click until the tokens and
    the grid have both changed."""
    box = page.get_by_role("combobox", name="Model", exact=True)
    box.click()
    box.fill(name)
    option = page.get_by_role("option", name=re.compile(rf"^{re.escape(name)}(\s|$)")).first
    option.wait_for(timeout=30_000)
    before = page.evaluate(SHOWN)
    page.evaluate("() => { window.__t0 = performance.now(); }")
    option.click()
    page.wait_for_function(CHANGED, arg=before, timeout=30_000, polling="raf")
    return page.evaluate("() => window.__t1 - window.__t0")


def js_bytes(page) -> int:
    return page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(r => r.name.endsWith('.js')).reduce((n, r) => n + r.decodedBodySize, 0)""")


def load(page, url: str, name: str, reload: bool = False) -> dict:
    (page.reload if reload else lambda: page.goto(url))()
    page.wait_for_function("() => window.__t && 'drawn' in window.__t && ('numbers' in window.__t "
                           "|| !window.__needImage)", timeout=60_000)
    marks = page.evaluate("() => window.__t")
    return dict(marks, js=js_bytes(page))


def new_page(browser, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(f"window.__needImage = {IMAGES.get(name, 0)};")
    context.add_init_script(f"({WATCH})()")
    return context, context.new_page()


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="runs of each kind per target")
    ap.add_argument("--first", type=int, default=3, help="fresh server starts per target")
    ap.add_argument("--clicks", type=int, default=15)
    args = ap.parse_args()
    results: dict[str, dict[str, list[float]]] = {n: {} for n in (*TARGETS, MINIMAL[0])}
    db = Path(tempfile.mkdtemp()) / "calibration.sqlite3"
    env = {"PATCHWORK_CALIBRATION_DB": str(db)}

    def note(name, kind, value):
        results[name].setdefault(kind, []).append(value)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A fresh chromium's first page pays the browser's own start-up (its GPU and font
        # caches): load a throwaway page first, so "first visitor" times the server.
        with running_app(env, script=TARGETS["floor"]) as url:
            context, page = new_page(browser, "floor")
            load(page, url, "floor")
            context.close()
        # first visitor: a fresh server each time, alternating the two
        for _ in range(args.first):
            for name, script in TARGETS.items():
                with running_app(env, script=script) as url:
                    # the first visitor, then the next one on the same server (both a fresh
                    # browser profile): what warming at start is for
                    for kind in ("first visitor", "second visitor"):
                        context, page = new_page(browser, name)
                        note(name, kind, load(page, url, name)["drawn"])
                        context.close()
        # cold load and warm reload, alternating, on two servers that keep running
        with running_app(env, script=TARGETS["Patchwork"]) as app_url, \
                running_app(env, script=TARGETS["floor"]) as floor_url, \
                running_app(env, script=MINIMAL[1]) as minimal_url:
            urls = {"Patchwork": app_url, "floor": floor_url, MINIMAL[0]: minimal_url + MINIMAL[2]}
            for name, url in urls.items():  # one visit each, so "cold" means a warm server
                context, page = new_page(browser, name)
                load(page, url, name)
                context.close()
            for _ in range(args.runs):
                for name, url in urls.items():
                    context, page = new_page(browser, name)
                    cold = load(page, url, name)
                    note(name, "cold load", cold["drawn"])
                    if "numbers" in cold:
                        note(name, "numbers shown", cold["numbers"])
                    note(name, "JavaScript MB", cold["js"] / 1e6)
                    note(name, "warm reload", load(page, url, name, reload=True)["drawn"])
                    context.close()
            context, page = new_page(browser, "Patchwork")
            load(page, app_url, "Patchwork")
            page.wait_for_timeout(1000)
            for i in range(args.clicks):
                note("Patchwork", "Explore click", page.evaluate(CLICK, "low" if i % 2 == 0
                                                                   else "high"))
                page.wait_for_timeout(300)
            for i in range(args.clicks):  # 32 px patches and 512 px tiles, in turn
                note("Patchwork", "model choice", pick_model(page, "gpt-4o" if i % 2 == 0
                                                             else "gpt-5.6-sol"))
                page.wait_for_timeout(300)
            context.close()
        browser.close()

    print(f"bench_browser: medians in ms; {args.first} fresh starts, {args.runs} alternating "
          f"runs, {args.clicks} clicks; load average {os.getloadavg()[0]:.2f}")
    print(f"{'':<16}{'Patchwork':>12}{'floor':>12}{'ratio':>9}")
    for kind in ("first visitor", "second visitor", "cold load", "warm reload", "numbers shown",
                 "JavaScript MB", "Explore click", "model choice"):
        a, f = median(results["Patchwork"].get(kind, [])), median(results["floor"].get(kind, []))
        fmt = "{:>12.2f}" if kind == "JavaScript MB" else "{:>12.0f}"
        ratio = f"{a / f:>8.2f}×" if f == f else ""
        print(f"{kind:<16}" + fmt.format(a) + (fmt.format(f) if f == f else f"{'':>12}") + ratio)
    bare = results[MINIMAL[0]]
    a, m = median(results["Patchwork"]["cold load"]), median(bare["cold load"])
    print(f"Explore's cold first paint (the picture drawn, nothing cached) against the minimal "
          f"floor (a metric and one HTML image): {a:.0f} ms against {m:.0f} ms, {a / m:.2f}× "
          f"(target ≤ 1.2×); JavaScript {median(results['Patchwork']['JavaScript MB']):.2f} MB "
          f"against {median(bare['JavaScript MB']):.2f} MB")
    first, second = median(results["Patchwork"]["first visitor"]), \
        median(results["Patchwork"]["second visitor"])
    print(f"Patchwork first visitor / the next one on the same fresh server: "
          f"{first / second:.2f}×")
    clicks = sorted(results["Patchwork"]["Explore click"])
    print(f"Explore click: median {median(clicks):.0f} ms, min {clicks[0]:.0f}, "
          f"max {clicks[-1]:.0f}")
    picks = sorted(results["Patchwork"]["model choice"])
    print(f"Explore model choice: median {median(picks):.0f} ms, min {picks[0]:.0f}, "
          f"max {picks[-1]:.0f}")


if __name__ == "__main__":
    main()
