"""The app shell (page config, menu, shared sidebar) and the rule that every page runs inside it.

Public Streamlit APIs only. With a folder named `pages/` beside app.py, a fresh server's first run
of a page URL (/plan) executes that page file alone, Streamlit's old folder mode: app.py never
runs. Calling st.navigation is Streamlit's documented way out of that mode: a page that finds
itself outside app.py calls it and starts the run over; this time app.py runs.

`streamlit run app.py` serves app.py's `st.App`, whose lifespan calls `warm_up` once, before the
server answers: the first visitor after a start waits no longer than any later one.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import importlib
import io
import logging
import pkgutil
import threading
import time
from pathlib import Path

import streamlit as st
from PIL import Image, ImageDraw

import calc
from calc.views.markup import sidebar_html
from pages.helpers import page_state

PAGES_DIR = Path(__file__).resolve().parents[1]
ICON = ":material/grid_on:"
_run = threading.local()  # a session's script runs on its own thread


def _favicon() -> str:
    """A 2×2 grid on the theme's blue, drawn here: a Material page icon would make the browser
    fetch the favicon from Google's font CDN. As a data: URL, not an image: Streamlit serves an
    image icon as a media file that only a full run keeps, so a fragment's rerun dropped it and
    the browser's next fetch of the icon failed (404)."""
    icon = Image.new("RGB", (32, 32), "#3b6e8f")
    draw = ImageDraw.Draw(icon)
    for at in (2, 15, 28):
        draw.line([(at, 2), (at, 29)], fill="#ffc400", width=2)
        draw.line([(2, at), (29, at)], fill="#ffc400", width=2)
    buf = io.BytesIO()
    icon.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


FAVICON = _favicon()


def _pages() -> list:
    # No page icons: Streamlit makes a page's Material icon its favicon, fetched from Google's
    # font CDN (not reachable offline); the menu is words, the favicon ours.
    # Absolute paths: the same pages whichever script Streamlit started from.
    return [
        # Explore twice: served at "/" (a default page is only ever served there), and at
        # /explore for links, where a default page alone would open Streamlit's "Page not
        # found" modal. At "/" there is no hop to another URL, and a reload asks the server's
        # health at /_stcore/health at once: under /explore the browser first tries
        # /explore/_stcore/health (a 404) and retries ~120 ms later.
        st.Page(PAGES_DIR / "explore.py", title="Explore", url_path="home", default=True),
        st.Page(PAGES_DIR / "explore.py", title="Explore", url_path="explore",
                visibility="hidden"),
        st.Page(PAGES_DIR / "plan.py", title="Plan",
                url_path="plan"),
        st.Page(PAGES_DIR / "request.py", title="Paste a request",
                url_path="request"),
        st.Page(PAGES_DIR / "verify.py", title="Verify",
                url_path="verify"),
        st.Page(PAGES_DIR / "metered.py", title="How it's metered",
                url_path="metered"),
    ]


def shell():
    """Page config, the menu and the shared sidebar; the page the URL asks for."""
    pages = _pages()
    page = st.navigation(pages)
    # After st.navigation: our drawn favicon wins over the page's Material icon, which the
    # browser would fetch from Google's font CDN.
    st.set_page_config(page_title="Patchwork — what an image costs", page_icon=FAVICON,
                       layout="wide")
    with st.sidebar:
        st.markdown(f"### {ICON} Patchwork")
        book = calc.catalogue()
        # Plain HTML, one element: on every page's first screen, and cheaper than Markdown
        st.html(sidebar_html(book.checked, len(book.models), book.source,
                             calc.staleness_note(), book.fallback))
        # Streamlit serves no repository file, so a link to docs/metering.md would break: link
        # the page that shows it (its first tab) and name the file.
        st.page_link(next(p for p in pages if p.url_path == "metered"),
                     label="The rules: docs/metering.md", icon=":material/menu_book:")
    return page


@contextlib.contextmanager
def page_boundary(title: str):
    """The page boundary: a failure's traceback is for the operator, not the visitor. Around a
    page's run, and around a fragment's, which reruns alone, outside the page's run."""
    try:
        yield
    except Exception:
        logging.getLogger("patchwork").exception("page %s failed", title)
        st.error("Something went wrong on this page. It has been logged for the operator; try "
                 "again, or reload the page.")


def run(page) -> None:
    """app.py: run the chosen page inside the shell."""
    _run.routed = True
    page_state.served_at(page.url_path)  # for the address bar (pages/helpers/address.py)
    try:
        with page_boundary(page.title):
            page.run()
    finally:
        _run.routed = False


def ensure_router(page_file: str) -> None:
    """First line of every page: outside app.py (see the module's docstring), go through it;
    then note the page on screen (pages/helpers/page_state.py)."""
    # Once per session: a page run on its own (AppTest) then simply carries on.
    if not getattr(_run, "routed", False) and page_state.first_reroute():
        st.navigation(_pages(), position="hidden")
        # switch_page, not rerun: it names the page as app.py's menu knows it (the default
        # page's id differs from the folder mode's), so no "page not found" on the way.
        st.switch_page(Path(page_file).resolve(), query_params=st.query_params.to_dict())
    page_state.on_screen(Path(page_file).name)


def warm_up() -> None:
    """What every first screen needs, done once per process: Explore's imports (pandas, Plotly,
    Pillow, NumPy, the OpenAI client behind calc.views), the catalogue, the default sample decoded
    with its preview, its overlay and comparison, and the Plotly figure "Hover and zoom" shows,
    serialised once (Plotly loads its validators and JSON encoder on first use)."""
    import plotly.io
    import pyarrow

    from calc.engine.compare import compare
    from calc.views import explore_link as urlstate
    from calc.views.explore_overlay import overlay
    from calc.views.markup import overlay_html
    from calc.views.samples import samples
    from pages.helpers.image_cache import sample_image, sample_preview
    from pages.helpers.overlay_figure import build_figure

    calc.catalogue()
    loaded = sample_image(str(samples()[0].path))
    w, h = loaded.info.size
    est = calc.estimate(w, h, urlstate.DEFAULT_MODEL, urlstate.DEFAULT_DETAIL,
                        urlstate.DEFAULT_FIDELITY, urlstate.DEFAULT_RULES)
    ov = overlay(est)
    src = sample_preview(loaded.sha256, ov.preview_size, loaded.working).url
    compare(w, h, urlstate.DEFAULT_DETAIL, urlstate.DEFAULT_FIDELITY, urlstate.DEFAULT_RULES,
            urlstate.DEFAULT_TIER)
    overlay_html(ov, src, "warm")
    plotly.io.to_json(build_figure(ov, src), validate=False)  # "Hover and zoom", Plan, Verify
    pyarrow.array(["warm"])  # st.table's serialisation
    # Streamlit asks once per process, at its first element, whether it runs in a REPL: an
    # inspect.stack() over every loaded module, 0.1–0.2 s of the first visitor's run. One element
    # here pays it at start; outside a session it is drawn nowhere.
    st.empty()
    _freeze_what_lasts()


def _freeze_what_lasts() -> None:
    """Streamlit runs a full garbage collection after every script run (runner.postScriptGC):
    a walk over every object in the process, ~170,000 once pandas, Plotly, Arrow and the OpenAI
    client are loaded, which cost half the server's CPU per click with many visitors. What is
    loaded at start lives as long as the process, so it is moved out of the collector's sight
    (gc.freeze); each run's collection then walks only what visitors made since."""
    # every page's views too, so a first visit to another page adds nothing to every walk
    import calc.views

    for module in pkgutil.iter_modules(calc.views.__path__, "calc.views."):
        importlib.import_module(module.name)
    gc.collect()  # garbage made while warming is freed first, not frozen
    gc.freeze()


@contextlib.asynccontextmanager
async def lifespan(_app):
    """app.py's st.App lifespan: warm up before the server takes its first visitor."""
    started = time.perf_counter()
    # Warming outside a session, Streamlit logs "missing ScriptRunContext ... can be ignored
    # when running in bare mode" for each cached call: true, and left as Streamlit says it.
    try:
        await asyncio.to_thread(warm_up)
        logging.getLogger("patchwork").info("warmed up in %.2f s",
                                            time.perf_counter() - started)
    except Exception:  # a failed warm-up only costs the first visitor time
        logging.getLogger("patchwork").exception("warm-up failed")
    yield
