"""Small AppTest helpers shared by the page tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).resolve().parents[2] / "pages"


def page(name: str) -> str:
    """The path AppTest.from_file wants for one page file, e.g. page("plan.py")."""
    return str(PAGES / name)


def run(at: AppTest) -> AppTest:
    """Run (or rerun) the app, failing on any exception the page raised, with its message."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
