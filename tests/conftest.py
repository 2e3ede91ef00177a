"""Shared fixtures. Browser tests drive Debian's chromium; a missing browser fails, never skips.

No test reads the wall clock. Every test runs with calc's clock pinned: to the day its
`@pytest.mark.today("YYYY-MM-DD")` names when the test depends on the day, else to the run's
`--today` (default: the catalogue's edition day). CI runs the suite under several `--today`
days (.ci/run), so a test that depends on the day without saying which fails there, not on the
day an announced change takes effect.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from calc.engine import clock
from tests.fakes.app_server import CHROMIUM, CHROMIUM_ARGS, running_app

settings.register_profile("ci", deadline=None, max_examples=200)
# The runs on other days look for tests that depend on the day: the properties of a day's rules
# are explored in full on the edition day's run, a sample of them on the others.
settings.register_profile("another-day", deadline=None, max_examples=25)
settings.load_profile("ci")

EDITION_DAY = "2026-12-03"  # the catalogue's edition: the default day of a test run


def pytest_addoption(parser):
    parser.addoption("--today", default=EDITION_DAY,
                     help="the day calc's clock reads in tests that do not pin their own")


def pytest_configure(config):
    config.addinivalue_line("markers", "today(day): the ISO day this test's facts hold on")
    # Before any fixture: a module- or session-scoped fixture reads the run's day too, never
    # the wall clock (the per-test fixture below narrows it to a test's own day).
    day = clock.day(config.getoption("--today"))
    clock.pin(day)
    os.environ[clock.ENV] = day.isoformat()
    if day.isoformat() != EDITION_DAY:
        settings.load_profile("another-day")


@pytest.fixture(autouse=True)
def today(request, monkeypatch):
    """calc's clock, pinned for the test: its own `today` mark, else the run's --today. A child
    process the test starts (the CLI, a server) reads the same day from the environment."""
    mark = request.node.get_closest_marker("today")
    day = mark.args[0] if mark else request.config.getoption("--today")
    with clock.pinned(day) as pinned:
        monkeypatch.setenv(clock.ENV, pinned.isoformat())
        yield pinned


ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM}: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The app under `streamlit run`, with a throwaway calibration log and no API key, on the
    catalogue's edition day (the browser tests' facts are that day's)."""
    db = tmp_path_factory.mktemp("app") / "calibration.sqlite3"
    with running_app({"PATCHWORK_CALIBRATION_DB": str(db), clock.ENV: EDITION_DAY}) as url:
        yield url


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
