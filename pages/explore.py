"""Explore: bring one image, choose a model, see the grid the model sees and what it costs.

A page that only renders: it collects the image and the choice, asks calc.views.explore for the
screen (every number, line and table is worked out there) and draws it.
"""

from __future__ import annotations

import functools

import streamlit as st

import calc
from calc.engine.compare import compare
from calc.views import explore_link as urlstate
from calc.views.explore import (
    ExploreScreen,
    explore_screen,
    fidelity_note,
    image_facts,
    tier_fallback,
)
from calc.views.fit import fitted_file
from calc.views.inert import md
from calc.views.labels import FAMILY_LABELS, RULE_LABELS, Metric, tier_label, tiers_for
from calc.views.markup import overlay_html, text_html
from calc.views.model_choice import model_label, model_names
from pages.helpers import address, explore_image, page_state
from pages.helpers.image_cache import preview, sample_preview
from pages.helpers.overlay_figure import build_figure, overlay_png
from pages.helpers.router import ensure_router, page_boundary
from pages.helpers.session_cache import memo

ensure_router(__file__)

RESULTS = "explore_results"  # the fragment that shows the numbers, the picture and the tables


# --- cached work ---------------------------------------------------------------------------------

def _preview(current: dict, size: tuple[int, int]) -> str:
    """The preview's URL: a rerun ships the URL, the browser fetches the picture and keeps it.
    Per session (an upload's preview is its owner's, served while this session keeps it), a few
    sizes of the last images; a bundled sample's is shared by every session."""
    loaded = current["loaded"]
    if current["kind"] == "sample":
        served = sample_preview(loaded.sha256, size, loaded.working)
    else:
        served = memo("explore_preview", (loaded.sha256, size),
                      lambda: preview(loaded.working, size), max_entries=4)
    # A visit's first picture goes inline: on a cold first visit the browser would fetch a URL
    # only behind the page's own scripts (six connections to a host), a few hundred ms later.
    if st.session_state.get("explore_pictured"):
        return served.url
    st.session_state["explore_pictured"] = True
    return served.data_url


@st.cache_data(max_entries=64, show_spinner=False)
def _compare(width: int, height: int, detail: str, fidelity: str, rules: str, tier: str,
             include_shut_down: bool, day):
    """Every model for one image, shared by every session; `day` is part of the key: prices
    and running models change on dates."""
    return compare(width, height, detail, fidelity, rules, tier, include_shut_down, day)


# --- state ---------------------------------------------------------------------------------------

def _first_visit() -> dict:
    """The controls' first values: the view a shared link asks for, else the defaults.
    Streamlit drops a widget's state while another page is shown, so the page keeps a copy
    (pages/helpers/page_state.py) and puts it back on return."""
    values, notices = urlstate.first_values(
        st.query_params.to_dict() if page_state.landed_here() else {})
    st.session_state["explore_notices"] = notices
    return values


def _restore_state() -> None:
    """First visit: read the link. Every run: put back widget values Streamlit dropped."""
    page_state.keep("explore", _first_visit)
    explore_image.start()


# --- choosing ------------------------------------------------------------------------------------

def _rerun_results() -> None:
    """A control that changes only the results (detail, fidelity, rules, tier, how the picture
    is drawn) reruns the results alone: the controls and the page around them stay on screen,
    not sent again."""
    st.rerun(RESULTS)


def _choose() -> None:
    state = st.session_state
    names = model_names(include_shut_down=state["explore_shut_down"])
    if state["explore_model"] not in names:  # a shut-down model from a link stays selectable
        names.append(state["explore_model"])
    model = st.selectbox(
        "Model", names, key="explore_model",
        format_func=lambda n: f"{model_label(n)}  ·  {FAMILY_LABELS[calc.resolve_model(n).family]}")
    st.toggle("Show shut-down models", key="explore_shut_down",
              help="Shut-down models stay estimable, for old bills and comparisons.")
    m = calc.resolve_model(model)
    if state["explore_detail"] not in m.details:  # the new model lacks the old level
        state["explore_detail"] = urlstate.DEFAULT_DETAIL
    row = st.container(horizontal=True, gap="medium")  # wraps when the column is narrow
    row.segmented_control("Detail", m.details, key="explore_detail", required=True, wrap=True,
                          on_change=_rerun_results)
    if note := fidelity_note(model):
        st.html(text_html(note, caption=True))
    else:
        if state["explore_fidelity"] not in m.fidelities:
            state["explore_fidelity"] = urlstate.DEFAULT_FIDELITY
        row.segmented_control("Input fidelity", m.fidelities, key="explore_fidelity",
                              required=True, wrap=True, on_change=_rerun_results)
    row = st.container(horizontal=True, gap="medium")
    row.segmented_control("Rules", calc.RULE_SETS, key="explore_rules",
                          format_func=RULE_LABELS.get, required=True, wrap=True,
                          on_change=_rerun_results)
    if fallback := tier_fallback(model, state["explore_tier"]):  # only the tiers it offers
        st.warning(fallback)
        state["explore_tier"] = "standard"
    row.segmented_control("Price tier", tiers_for(m), key="explore_tier", format_func=tier_label,
                          required=True, wrap=True, help=f"The tiers {m.name} offers.",
                          on_change=_rerun_results)


def _picture_toggles() -> None:
    """How the picture is drawn: the results alone rerun."""
    st.toggle("Map the grid onto the original image", key="explore_mapped",
              on_change=_rerun_results,
              help="The same cells stretched over the image as you gave it.")
    st.toggle("Hover and zoom", key="explore_interactive", on_change=_rerun_results,
              help="The grid as an interactive chart: a cell's row and column under the "
                   "pointer, drag to zoom. It loads a chart library, so the picture takes longer.")


def _choice() -> dict:
    """The choice on screen, read from the widgets' state (the results may rerun alone)."""
    state = st.session_state
    family = calc.resolve_model(state["explore_model"]).family
    return dict(model=state["explore_model"], detail=state["explore_detail"],
                fidelity=(state["explore_fidelity"] if family == "image"
                          else urlstate.DEFAULT_FIDELITY),
                rules=state["explore_rules"], tier=state["explore_tier"])


# --- seeing --------------------------------------------------------------------------------------

def _metric(m: Metric, width: str = "content") -> None:
    extra = dict(delta=m.delta, delta_color="off", delta_arrow="off") if m.delta else {}
    st.metric(m.label, m.value, border=True, help=m.help or None, width=width, **extra)


def _downloads(screen: ExploreScreen, current: dict) -> None:
    """The PNG is drawn only when asked for (1–2 s for 24 MP: the full pixels are decoded for
    it), then offered until the view changes; the JSON is written when clicked."""
    row = st.container(horizontal=True)
    loaded = current["loaded"]
    view = (loaded.sha256 if loaded else current["size"], *screen.drawn)
    made = st.session_state.get("explore_png")
    if (made is None or made[0] != view) and row.button(
            "Overlay PNG", icon=":material/image:", key="explore_make_png",
            help="Draw the grid over the full-size image as a PNG"):
        with st.spinner("Drawing the overlay PNG …"):
            made = (view, overlay_png(None if loaded is None else loaded.image, screen.overlay))
        st.session_state["explore_png"] = made
    if made is not None and made[0] == view:
        row.download_button("Overlay PNG", data=made[1], file_name=f"{screen.stem}.png",
                            mime="image/png", on_click="ignore", icon=":material/download:")
    row.download_button("Estimate JSON",  # written when clicked, not on every run
                        data=functools.partial(screen.estimate.to_json, indent=2,
                                               ensure_ascii=False),
                        file_name=f"{screen.stem}.json", mime="application/json",
                        on_click="ignore", icon=":material/download:")


# The two ways out change controls outside the results: the whole page runs again.

def _use_detail_high() -> None:
    st.session_state["explore_detail"] = "high"
    st.rerun()


def _use_size_of(w: int, h: int) -> None:
    st.session_state.update(explore_source="Width × height", explore_w=w, explore_h=h)
    st.rerun()


def _ways_out(screen: ExploreScreen, loaded) -> None:
    """A rejection as a rejection: the count against the limit, no price, two ways out, and
    the image itself at the largest size of its shape the API accepts (made when pressed)."""
    out = screen.ways_out
    st.error(out.message, icon=":material/block:")
    c1, c2 = st.columns(2)
    c1.button(out.high, on_click=_use_detail_high, icon=":material/tune:", width="stretch",
              disabled=not out.high_possible,
              help="The same image at detail high, where a patch budget applies")
    c2.button(out.resize, on_click=_use_size_of, args=out.largest, width="stretch",
              icon=":material/photo_size_select_large:",
              help="The largest size of this shape the API accepts")
    if out.fitted is not None:
        st.download_button(out.fitted_label, key="explore_fitted",
                           data=functools.partial(fitted_file, loaded, out.fitted),
                           file_name=out.fitted_name, mime=out.fitted_mime, on_click="ignore",
                           icon=":material/download:", width="stretch",
                           help="Resized with LANCZOS, upright, in its own format: the largest "
                                "size of this shape the API accepts")


def _show(current: dict, choice: dict, top, left, side) -> None:
    """The numbers in `top`, the overlay in `left` (its heading, then the picture), the rest
    under `side`."""
    state, loaded = st.session_state, current["loaded"]
    try:
        screen = explore_screen(
            current["size"], **choice, mapped=state["explore_mapped"],
            include_shut_down=state["explore_shut_down"], compare_rows=_compare,
            image_format=None if loaded is None else loaded.info.format)
    except calc.CalcError as e:
        top.error(md(e))
        left.empty()  # the places the results fill, kept for a rerun of them alone
        side.empty()
        return
    with top:
        with st.container(horizontal=True, gap="small"):  # four across, or two by two
            for m in screen.metrics:
                _metric(m)
        if screen.beside:  # next to the numbers they qualify, not only further down
            st.html(screen.beside)
        if screen.ways_out is not None:
            _ways_out(screen, loaded)
    src = None if loaded is None else _preview(current, screen.overlay.preview_size)
    if state["explore_interactive"]:
        left.html(screen.heading)
        left.plotly_chart(build_figure(screen.overlay, src), width="stretch",
                          key="explore_overlay", config={"displayModeBar": False}, alt=screen.alt)
    else:  # plain HTML, heading and picture one element: no chart library to load first
        left.html(screen.heading + overlay_html(screen.overlay, src, screen.alt))
    with side:
        st.text(screen.alt)  # plain text: no syntax highlighter to load
        for note in screen.notes:
            if not note.badge:
                st.html(text_html(note.text, caption=True))
                continue
            st.markdown(f":{note.colour}-badge[{note.badge}] {note.text}")
            if note.kind == "differs":  # both numbers side by side
                for col, m in zip(st.columns(2), screen.rule_sets, strict=True):
                    with col:
                        _metric(m, width="stretch")
        _downloads(screen, current)
    st.subheader("How it is counted")
    st.html(screen.steps)  # plain HTML: no table widget or Markdown parser to load
    st.subheader("All models for this image")
    st.html(screen.models)  # one element: every element a run sends costs each browser a render


@st.fragment(key=RESULTS)
def _results(top, left, side) -> None:
    """Everything the choice changes: the numbers, the picture, the facts under the controls,
    the tables. A change of detail, fidelity, rules, tier or drawing reruns this alone."""
    with page_boundary("Explore"):
        page_state.remember("explore")  # in case the next run is another page's
        choice = _choice()
        current = st.session_state["explore_current"]
        page_state.hand_over(  # what Verify reads: the image and the choice made here
            None if current is None or current["loaded"] is None else
            dict(image=current["loaded"], label=current["label"], url=current["url"]), choice)
        address.show(urlstate.encode(urlstate.shared_view(choice, current)))  # the link
        if current is None:
            top.info("Bring an image — or type a width and height — to see its grid and price.")
        else:
            _show(current, choice, top, left, side)


# --- the page ------------------------------------------------------------------------------------

_restore_state()
st.title("Explore")
for notice in st.session_state.pop("explore_notices", []):
    st.warning(md(f"From the link: {notice}"))
# Layout: the numbers on top (a phone's first screen), the picture beside the controls; the
# results fill them in once the controls have been read.
top = st.container()
left, side = st.columns([3, 2], gap="medium")
with side:
    explore_image.bring_image()
    _choose()
    if (current := st.session_state["explore_current"]) is not None:
        _picture_toggles()
        facts = image_facts(current["label"], current["size"],
                            None if current["loaded"] is None else current["loaded"].info)
        st.html(text_html(facts, caption=True))  # the same whatever the choice
_results(top, left, side)
