"""The operator's settings from Streamlit secrets: one reader for every page that needs them."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from calc.views import access


def operator_settings(*, warn: bool = False) -> dict:
    """calc.views.access's settings found in st.secrets; {} without a readable secrets file.

    calc.views.access adds the environment and decides. `warn`: say (once per run) that a
    secrets file exists but is not valid TOML — never its text, which could quote the file.
    """
    try:
        return {k: st.secrets[k] for k in access.SETTING_NAMES if k in st.secrets}
    except FileNotFoundError:  # what st.secrets raises when it has nothing it can read
        if warn and any(Path(p).exists() for p in st.get_option("secrets.files")):
            st.warning("Streamlit secrets could not be read — check that .streamlit/secrets.toml "
                       "is valid TOML. Falling back to the environment.")
        return {}
