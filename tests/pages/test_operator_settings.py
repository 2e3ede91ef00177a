"""The operator's secrets reader: a secrets file that is not TOML is said so (never its text);
no secrets file at all is not a problem; the settings it holds are read."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def _page():
    import streamlit as st

    from pages.helpers.operator_settings import operator_settings

    st.json(operator_settings(warn=True))


def run_in(folder, monkeypatch) -> AppTest:
    monkeypatch.chdir(folder)  # st.secrets looks in ./.streamlit/secrets.toml
    at = AppTest.from_function(_page)
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".streamlit").mkdir()
    return tmp_path


def test_a_secrets_file_that_is_not_toml_is_said_so_without_its_text(project, monkeypatch):
    (project / ".streamlit" / "secrets.toml").write_text('OPENAI_API_KEY = "sk-abc')
    at = run_in(project, monkeypatch)
    (warning,) = [w.value for w in at.warning]
    assert "is valid TOML" in warning and "sk-abc" not in warning
    assert at.json[0].value == "{}"


def test_no_secrets_file_is_no_warning(project, monkeypatch):
    at = run_in(project, monkeypatch)
    assert not at.warning and at.json[0].value == "{}"


def test_the_operators_settings_are_read(project, monkeypatch):
    (project / ".streamlit" / "secrets.toml").write_text(
        'PATCHWORK_ALLOW_BILLED = "true"\nSOMETHING_ELSE = "x"\n')
    at = run_in(project, monkeypatch)
    assert not at.warning
    assert at.json[0].value == '{"PATCHWORK_ALLOW_BILLED": "true"}'
