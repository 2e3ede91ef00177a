"""What every call Verify makes goes through: the click that asks for it (done once, in the run
that follows), the client, the session's spending on the operator's key, the result or the
key-free failure kept in the session, and the result shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import calc
from calc.views import access as va
from calc.views import inert
from calc.views import verify as vv

TIMEOUT_S = 20.0  # read timeout: a large image takes a while to upload, a page not minutes


def set_value(name: str, value) -> None:  # on_click / on_change: one session value
    st.session_state[name] = value


def ask(kind: str, key: tuple, force: bool = False) -> None:
    """on_click: note what was asked. The next run does it once and forgets the request."""
    set_value("verify_request", dict(kind=kind, key=key, force=force))


def client(access: va.Access):
    return vv.make_client(access.key, access.base_url, timeout=TIMEOUT_S, policy=access.policy)


def spend(access: va.Access, bound, actual=None, *, settle: bool = False) -> None:
    """Before a billed call its bound counts (a call that fails half-way may still be billed);
    after it, its real cost, once known."""
    spending = va.spending(access, st.session_state["verify_spent_usd"])
    spending = spending.settled(bound, actual) if settle else spending.counted(bound)
    st.session_state["verify_spent_usd"] = spending.spent


def call(store: str, key: tuple, access: va.Access, bound, make):
    """Make one call (its bound counted against the cap first): its result, kept in
    `store`_results, or None with the failure's message (key-free, actionable) in
    `store`_errors, under `key`. Nothing else is lost."""
    s = st.session_state
    s[f"{store}_errors"].pop(key, None)
    spend(access, bound)
    try:
        with st.spinner(f"Asking {access.host} …"):
            result = make(client(access))
    except calc.CalcError as exc:  # MeasureError, PayloadTooLargeError
        s[f"{store}_errors"][key] = inert.scrub(str(exc), access.key)
        return None
    vv.remember(s[f"{store}_results"], key, result)
    return result


def action(label: str, key: str, blocked: str | None, args: tuple, access: va.Access) -> None:
    """The button that asks for a call, disabled with its reason when it may not run."""
    st.button(label, type="primary", disabled=blocked is not None, key=key, on_click=ask,
              args=args, help=blocked)
    if blocked and access.key is not None:
        st.caption(vv.dollars(f"🚫 Disabled: {blocked}."))  # our own words


def show(view: vv.ResultView | None, error: str | None, cached: bool) -> None:
    if error:
        st.error(inert.md(error))
    if view is None:
        return
    getattr(st, view.level)(view.verdict)
    for column, (label, value) in zip(st.columns(3), view.metrics, strict=True):
        column.metric(label, value, border=True)
    st.dataframe(pd.DataFrame(view.rows, columns=["what", "value"]), hide_index=True,
                 width="stretch")
    if view.reply:  # scrubbed when received; shown as the characters sent
        st.caption(f"The model's reply: “{inert.md(inert.short(view.reply, 500))}”")
    if cached:
        st.caption(vv.cached_note(view.measured_at))
