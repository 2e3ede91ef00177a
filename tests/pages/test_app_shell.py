"""The app shell: app.py's router and sidebar, .streamlit/config.toml, and the secrets files."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

import calc
from calc.engine import clock
from tests.fakes.html_tables import text

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PAGES = {"Explore": "explore.py", "Plan": "plan.py", "Paste a request": "request.py",
         "Verify": "verify.py", "How it's metered": "metered.py"}


class RecordingRunner(LocalScriptRunner):
    """Keeps the messages a run sent, so the test can read the navigation menu itself."""

    sent: list = []

    def run(self, *args, **kwargs):
        tree = super().run(*args, **kwargs)
        RecordingRunner.sent = list(self.forward_msgs())
        return tree


@pytest.fixture(scope="module")
def app():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(app_test_module, "LocalScriptRunner", RecordingRunner)
        with clock.pinned("2026-12-03"):  # the catalogue's check day: a sidebar with no warning
            at = AppTest.from_file(str(APP), default_timeout=30).run()
        nav = [m.navigation for m in RecordingRunner.sent if m.WhichOneof("type") == "navigation"]
    return at, nav


def page_file(name: str) -> str:
    """The page's path relative to app.py, in whichever folder app.py keeps its pages."""
    found = [p for p in ROOT.glob(f"*/{name}") if p.parent.name not in {"tests", "calc", "bench"}]
    assert len(found) == 1, found
    return str(found[0].relative_to(ROOT))


def test_app_runs_without_exception(app):
    at, _ = app
    assert not at.exception


def test_navigation_lists_the_five_pages(app):
    at, nav = app
    assert nav, "app.py sent no navigation menu"
    menu = nav[-1].app_pages
    assert [p.page_name for p in menu if not p.is_hidden] == list(PAGES)
    # Explore is served at "/" (no hop) and, for links, at /explore (a hidden twin)
    assert [(p.page_name, p.is_hidden) for p in menu if p.is_default] == [("Explore", False)]
    assert [(p.page_name, p.url_pathname) for p in menu if p.is_hidden] == [("Explore",
                                                                            "explore")]
    for name in PAGES.values():
        at.switch_page(page_file(name))  # raises unless st.navigation registered this file


def sidebar_text(at) -> str:
    return " ".join(text(el.proto.body) for el in at.sidebar.get("html"))


@pytest.mark.today("2026-12-03")  # the day the catalogue was checked: nothing to warn of
def test_sidebar_shows_the_catalogues_date(app):
    at, _ = app
    captions = sidebar_text(at)
    assert "Prices and rules checked 2026-12-03 · 39 models" in captions
    assert calc.catalogue().source in captions
    assert "days ago" not in captions  # checked today: nothing to warn of


@pytest.mark.parametrize(("day", "said"), [("2027-01-02", False), ("2027-01-03", True)])
def test_the_sidebar_says_plainly_when_the_prices_are_old(day, said):
    with clock.pinned(day):
        at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert ("prices checked 2026-12-03, 31 days ago — check OpenAI's pricing page"
            in sidebar_text(at)) == said


def test_a_page_opened_from_a_link_keeps_the_shared_sidebar():
    """A link straight to a page must still run app.py (page config, menu, sidebar).

    Streamlit falls back to its old `pages/`-folder mode when a folder named `pages` sits next to
    the entry point and the first script run targets a page: app.py then never runs.
    """
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.switch_page(page_file("metered.py")).run()
    assert not at.exception
    assert calc.catalogue().as_of in sidebar_text(at)


# ---- .streamlit/config.toml and the secrets -------------------------------------------------

@pytest.fixture(scope="module")
def config_text() -> str:
    return (ROOT / ".streamlit" / "config.toml").read_text()


def test_config_limits_uploads_and_keeps_stats_off(config_text):
    config = tomllib.loads(config_text)
    assert config["server"]["maxUploadSize"] == 50
    assert config["browser"]["gatherUsageStats"] is False


def _strings(value):
    """Every string value in a parsed TOML tree (comments are already gone)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_config_fetches_no_remote_font(config_text):
    config = tomllib.loads(config_text)
    remote = [v for v in _strings(config) if re.search(r"(https?:)?//", v)]
    assert remote == []
    assert "font" not in config.get("theme", {}) or "://" not in config["theme"]["font"]


def _ignored(path: str, gitignore: str) -> bool:
    """Enough of gitignore's matching for one file path: last matching pattern wins."""
    ignored = False
    for raw in gitignore.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate, line = line.startswith("!"), line.lstrip("!")
        if "/" in line.rstrip("/"):
            hit = fnmatch(path, line.lstrip("/"))
        else:
            hit = any(fnmatch(part, line.rstrip("/")) for part in path.split("/"))
        if hit:
            ignored = not negate
    return ignored


def test_real_secrets_are_git_ignored_and_an_example_exists():
    gitignore = (ROOT / ".gitignore").read_text()
    assert _ignored(".streamlit/secrets.toml", gitignore)
    assert not _ignored(".streamlit/secrets.toml.example", gitignore)
    assert not _ignored(".streamlit/config.toml", gitignore)
    example = (ROOT / ".streamlit" / "secrets.toml.example").read_text()
    assert "OPENAI_API_KEY" in example
    assert not re.search(r"sk-[A-Za-z0-9_-]{20,}", example), "the example must hold no real key"


def test_gitignore_matcher_knows_what_is_not_ignored():
    assert _ignored("a/secrets.toml", "secrets.toml\n")
    assert not _ignored(".streamlit/secrets.toml", ".streamlit/other.toml\n")
    assert not _ignored(".streamlit/secrets.toml", ".streamlit/secrets.toml\n!.streamlit/*.toml")
