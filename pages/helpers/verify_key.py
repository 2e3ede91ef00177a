"""Verify's key: the panel that says whose key goes where (a key typed here, kept out of the
widget; an endpoint for it; plain http only once confirmed), and the models the key can use."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import calc
from calc.views import access as va
from calc.views import inert
from calc.views import verify as vv
from pages.helpers.verify_calls import ask, client, set_value


def take_typed_key() -> None:
    """Keep a typed key out of the widget once entered, so it is not sent back to the page."""
    s = st.session_state
    s["verify_key_typed"] = (s.get("verify_key_field") or "").strip() or s["verify_key_typed"]
    s["verify_key_field"] = ""


def take_base_url() -> None:
    set_value("verify_base_typed", (st.session_state.get("verify_base_field") or "").strip()
              or None)


def key_section(access: va.Access) -> None:
    panel = vv.key_panel(access, st.session_state["verify_spent_usd"])
    with st.container(border=True):
        c1, c2 = st.columns([4, 1])
        c1.markdown(panel.mode)
        if panel.forget:
            c2.button("Forget the key", on_click=set_value, args=("verify_key_typed", None),
                      key="verify_forget")
            # Only with a key typed here: the app's own key never goes to a typed endpoint.
            st.session_state.setdefault("verify_base_field",
                                        st.session_state["verify_base_typed"] or "")
            st.text_input("Base URL (optional: another OpenAI-compatible endpoint for your key)",
                          key="verify_base_field", on_change=take_base_url,
                          placeholder=access.base_url, max_chars=va.MAX_URL_LENGTH)
        else:
            st.text_input(panel.key_field, type="password", key="verify_key_field",
                          on_change=take_typed_key, placeholder="sk-…",
                          help="Kept in this browser session only: never shown, logged or "
                               "stored.")
        if panel.problem:
            st.error(panel.problem)
        if panel.unencrypted:  # nothing is sent until the visitor confirms
            st.warning(panel.unencrypted, icon=":material/lock_open:")
            st.button(panel.confirm, key="verify_http_ok", icon=":material/lock_open:",
                      on_click=set_value, args=("verify_http_confirmed", access.base_url))
        elif panel.confirmed:
            st.caption(panel.confirmed)


def key_models_section(access: va.Access, request: dict | None) -> None:
    """GET /v1/models (free), held against the catalogue (docs/metering.md §12)."""
    s = st.session_state
    st.subheader("Models your key can use")
    blocked = None if access.ready else "Needs an API key and a usable endpoint (see above)."
    st.button("List them (free)", key="verify_list_models", icon=":material/list:",
              disabled=blocked is not None, on_click=ask, args=("models", ("models",)),
              help=blocked)
    if vv.asked(request, ("models",), blocked=blocked):
        s.pop("verify_key_models_error", None)
        try:
            with st.spinner("Asking the API which models this key can use …"):
                s["verify_key_models"] = vv.key_models(vv.list_models(client(access)))
        except calc.ApiError as exc:
            s["verify_key_models_error"] = inert.scrub(str(exc), access.key)
    if s.get("verify_key_models_error"):
        st.error(inert.md(s["verify_key_models_error"]))
    if s.get("verify_key_models"):
        st.dataframe(pd.DataFrame(vv.key_model_records(s["verify_key_models"])),
                     hide_index=True, width="stretch")
        for note in vv.key_model_notes(s["verify_key_models"]):  # from the API: shown inert
            st.warning(inert.md(note), icon=":material/new_releases:")
