"""Plan's volume, request, tier and limits: the inputs of the numbers fragment, each bounded by
the rule a link is read with (calc.views.plan.settings), and the pasted prompt's count."""

from __future__ import annotations

import streamlit as st

import calc
from calc.views.inert import md
from calc.views.plan import month as pm
from calc.views.plan import prompt as pp
from calc.views.plan import settings as ps

MEANS = {"backlog": "the backlog (once)", "day": "one day of traffic",
         "month": "one month of traffic", "sample": "a sample of the mix"}
PER = {"day": "a day", "month": "a month"}


def volume(source: str) -> None:
    ss = st.session_state
    st.markdown("#### Volume")
    if source != "mix":
        st.radio("Your file's counts are", list(MEANS), key="plan_file_means",
                 format_func=MEANS.get, horizontal=True)
    means = ss["plan_file_means"] if source != "mix" else "sample"
    from_file = means in ("day", "month")  # the file gives the ongoing volume
    a, b, c = st.columns(3)
    a.number_input("One-off backlog (images)", **ps.bounds("backlog"), step=1000,
                   key="plan_backlog", disabled=means == "backlog",
                   help="Images processed once; with “the backlog” the file gives it.")
    b.number_input(f"Requests per {ss['plan_per']} (ongoing)", **ps.bounds("rpd"), step=100,
                   key="plan_rpd", disabled=from_file,
                   help="With “one day / one month” the file gives the daily volume. A month "
                        "is the days per month: 3,000 a month over 30 days is 100 a day.")
    b.segmented_control("Requests stated per", list(PER), key="plan_per", required=True,
                        format_func=PER.get, disabled=from_file, label_visibility="collapsed",
                        wrap=True)
    c.number_input("Days per month", **ps.bounds("days"), step=1, key="plan_days",
                   help="A month's bill is this many days; a volume stated per month is "
                        "spread over them.")


def request() -> None:
    st.markdown("#### One request")
    a, b, c, d, e = st.columns(5)
    a.number_input("Images per request", **ps.bounds("ipr"), step=1, key="plan_ipr")
    b.number_input("Prompt tokens", **ps.bounds("prompt"), step=100, key="plan_prompt",
                   help="Instructions and text in each request.")
    c.number_input("Output tokens", **ps.bounds("output"), step=100, key="plan_output")
    d.number_input("Reasoning tokens", **ps.bounds("reasoning"), step=100,
                   key="plan_reasoning", help="Billed as output, for models that reason.")
    e.number_input("Cached share of input (%)", **ps.bounds("cached"), step=5,
                   key="plan_cached")
    prompt_counter()


def tier_and_limits() -> None:
    st.segmented_control("Price tier", calc.TIERS, key="plan_tier", required=True, wrap=True,
                         format_func=calc.tier_label,
                         help="A model that does not offer the tier is listed unpriced.")
    b, c, d = st.columns([4, 3, 3], vertical_alignment="bottom")
    d.selectbox("Plan for", pm.months(), key="plan_month", format_func=pm.month_label,
                help="A month ahead is priced with what will hold then: its prices, tiers and "
                     "the models still running (a model shut down by then names its "
                     "replacement).")
    b.toggle("Regional processing", key="plan_regional",
             help="Data residency: +10 % (confirmed on the gpt-6.1-terra page).")
    c.number_input("Cache writes per day", **ps.bounds("writes"), key="plan_writes",
                   help="Explicit caching: requests that write their cached part, at the "
                        "cache-write rate where the catalogue gives one.")
    with st.expander("Rate limits (your tier's TPM and RPM; 0 = none)"):
        a, b = st.columns(2)
        a.number_input("Tokens per minute (TPM)", **ps.bounds("tpm"), step=10_000,
                       key="plan_tpm")
        b.number_input("Requests per minute (RPM)", **ps.bounds("rpm"), step=100,
                       key="plan_rpm")


def controls(source: str) -> None:
    """The volume, the request, the tier and the limits (all in the numbers fragment)."""
    volume(source)
    request()
    tier_and_limits()


def count_prompt() -> None:
    """on_click: count the pasted prompt (offline, exact) and put the count into Prompt tokens."""
    ss = st.session_state
    try:
        n = pp.count_prompt(ss.get("plan_prompt_text") or "", tuple(ss.get("plan_models") or ()))
    except calc.CalcError as error:
        ss["plan_prompt_counted"] = ("error", str(error))
        return
    ss["plan_prompt"] = n
    ss["plan_prompt_counted"] = ("ok", n)


def prompt_counter() -> None:
    """Paste the prompt and count it exactly, here: no key, nothing sent."""
    ss = st.session_state
    a, b = st.columns([4, 1], vertical_alignment="bottom")
    a.text_area("Paste the prompt (optional)", key="plan_prompt_text", height=68,
                max_chars=pp.MAX_PROMPT_CHARS,
                help="Counted here with o200k_base, the encoding of every current model; never "
                     "stored or put in the link (only the count is).")
    b.button("Count it", key="plan_count_prompt", on_click=count_prompt,
             icon=":material/calculate:", help="Exact and offline: no key, nothing is sent.")
    done = ss.get("plan_prompt_counted")
    if done and done[0] == "error":
        st.error(f"The prompt could not be counted: {md(done[1])}")
    elif done:
        st.caption(f"Counted: {done[1]:,} prompt tokens (o200k_base, offline) — now in Prompt "
                   f"tokens. {md(pp.FRAMING)}")
