"""Shared fixtures. Browser tests drive Debian's chromium; a missing browser fails, never skips."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.fakes.app_server import CHROMIUM, CHROMIUM_ARGS, running_app

settings.register_profile("ci", deadline=None, max_examples=200)
settings.load_profile("ci")

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM}: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The app under `streamlit run`, with a throwaway calibration log and no API key."""
    db = tmp_path_factory.mktemp("app") / "calibration.sqlite3"
    with running_app({"PATCHWORK_CALIBRATION_DB": str(db)}) as url:
        yield url


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
