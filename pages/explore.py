"""Explore: bring one image, choose a model, see the grid the model sees and what it costs.

A thin page: it collects input, calls calc, and renders. Every number shown comes from calc.
"""

from __future__ import annotations

import functools

import streamlit as st

import calc
from calc.engine.compare import compare
from calc.engine.estimate import MAX_SIDE
from calc.views import explore_link as urlstate
from calc.views.explore import both_rule_sets, caption, headline, overlay, rejection
from calc.views.fit import fitted_file, fitted_name
from calc.views.image_input import RefusedFormatError, fetch_public
from calc.views.inert import md, short
from calc.views.labels import format_tokens, format_usd, tier_label, tiers_for
from calc.views.markup import (
    comparison_html,
    comparison_note,
    overlay_html,
    steps_html,
    text_html,
)
from calc.views.model_choice import model_label, model_names
from calc.views.samples import sample, samples
from pages.helpers import address, page_state
from pages.helpers.image_cache import decode, preview, sample_image, sample_preview
from pages.helpers.overlay_figure import build_figure, overlay_png
from pages.helpers.router import ensure_router, page_boundary
from pages.helpers.session_cache import memo

ensure_router(__file__)

SOURCES = ("Upload", "Image URL", "Sample", "Width × height")
# The API takes the first five; the others are taken too, to say so and give their size.
UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff", "heic", "heif", "svg"]
RULE_LABELS = {"billing": "Billing (measured)", "documented": "Documented (guide)"}
FAMILY_LABELS = {"tile": "512 px tiles", "patch": "32 px patches", "image": "gpt-image-1 input",
                 "image2": "gpt-image-2 input"}
# Widget keys and their first values. Streamlit drops a widget's state while another page is
# shown, so the page keeps a copy (pages/helpers/page_state.py) and puts it back on return.
DEFAULTS = {
    "explore_source": "Sample", "explore_url": "", "explore_sample": samples()[0].name,
    "explore_w": 1024, "explore_h": 1024, "explore_model": urlstate.DEFAULT_MODEL,
    "explore_detail": urlstate.DEFAULT_DETAIL, "explore_fidelity": urlstate.DEFAULT_FIDELITY,
    "explore_rules": urlstate.DEFAULT_RULES, "explore_tier": urlstate.DEFAULT_TIER,
    "explore_mapped": False, "explore_interactive": False, "explore_shut_down": False,
}


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
    """`day` is part of the key: prices and running models change on dates."""
    return compare(width, height, detail, fidelity, rules, tier, include_shut_down, day)


# --- state ---------------------------------------------------------------------------------------

def _first_visit() -> dict:
    """The widgets' first values: the view a shared link asks for, else the defaults."""
    view, notices = urlstate.decode(st.query_params.to_dict() if page_state.landed_here() else {})
    memory = dict(DEFAULTS)
    memory.update(explore_model=view.model, explore_detail=view.detail,
                  explore_fidelity=view.fidelity, explore_rules=view.rules, explore_tier=view.tier)
    if view.size is not None:
        memory.update(explore_source="Width × height", explore_w=view.size[0],
                      explore_h=view.size[1])
    elif view.url is not None:
        memory.update(explore_source="Image URL", explore_url=view.url)
    elif view.sample is not None:
        memory.update(explore_source="Sample", explore_sample=view.sample)
    st.session_state["explore_notices"] = notices
    return memory


def _restore_state() -> None:
    """First visit: read the link. Every run: put back widget values Streamlit dropped."""
    page_state.keep("explore", _first_visit)
    state = st.session_state
    state.setdefault("explore_current", None)  # the image on screen (survives failed inputs)
    state.setdefault("explore_processed", None)  # the last input tried, so it runs once
    state.setdefault("explore_messages", [])  # what that input said: [(level, text)]


def _set_current(kind: str, label: str, size: tuple[int, int], loaded=None, url=None,
                 sample_name=None) -> None:
    st.session_state["explore_current"] = dict(kind=kind, label=label, size=size, loaded=loaded,
                                               url=url, sample=sample_name)


# --- bringing an image ---------------------------------------------------------------------------

def _use_bytes(data: bytes, kind: str, label: str, url=None, sample_name=None) -> list:
    """Decode and make current; a refused file leaves the current image as it was."""
    messages = []
    try:
        with st.spinner("Reading the image …"):
            loaded, caveat = decode(data)
    except RefusedFormatError as e:  # HEIC, SVG: no pixels here, but the size it declares
        if e.size is None:
            return [("error", f"{short(label)}: {e}")]
        _set_current(kind, short(label), e.size, None, url, sample_name)
        return [("error", f"{short(label)}: {e}. The estimate below is for the same size "
                          "once converted.")]
    except calc.ImageError as e:
        return [("error", f"{short(label)}: {e}")]
    if isinstance(caveat, RefusedFormatError):
        messages.append(("error", f"{short(label)}: {caveat}. The estimate below is for the "
                                  "same pixels once converted."))
    elif caveat is not None:
        messages.append(("warning", f"{caveat} The estimate below is for the first frame."))
        label = f"{short(label)} (first frame)"
    _set_current(kind, short(label), loaded.info.size, loaded, url, sample_name)
    return messages


def _use_upload(upload) -> list:
    return _use_bytes(upload.getvalue(), "upload", upload.name)


def _use_sample(name: str) -> list:
    """A bundled sample: decoded once per process (warmed at server start), shared."""
    chosen = sample(name)
    try:
        loaded = sample_image(str(chosen.path))
    except OSError as e:  # a damaged checkout: say so rather than fail
        return [("error", f"The sample {chosen.title!r} cannot be read ({e.strerror or e}).")]
    except calc.ImageError as e:
        return [("error", f"{short(chosen.title)}: {e}")]
    _set_current("sample", short(chosen.title), loaded.info.size, loaded, sample_name=name)
    return []


def _use_size(w: int, h: int) -> list:
    _set_current("size", f"{w}×{h} (size only)", (w, h))
    return []


def _fetch(url: str) -> list:
    try:
        with st.spinner(f"Fetching {md(short(url))} …"):
            fetched = fetch_public(url)
    except calc.FetchError as e:
        return [("error", f"Could not use that URL: {e}")]
    return _use_bytes(fetched.data, "url", url, url=url)


def _keep_upload() -> None:
    """The uploader's on_change: Streamlit runs it before the next script run, whichever page
    that run is for. A file dropped just before another page was opened is kept here (Streamlit
    forgets the uploader's file while another page is shown) and used on return."""
    upload = st.session_state.get("explore_upload")
    if upload is not None:
        st.session_state["explore_pending_upload"] = (upload.file_id, upload.name,
                                                      upload.getvalue())


def _bring_image() -> None:
    """The four ways in. Each new input is tried once; its messages stay until the next one."""
    # wrap: in a narrow column the four options take two rows rather than scroll sideways
    source = st.segmented_control("Bring an image", SOURCES, key="explore_source", required=True,
                                  wrap=True)
    key, run = None, None
    if source == "Upload":
        upload = st.file_uploader("An image file (PNG, JPEG, WEBP or GIF)", type=UPLOAD_TYPES,
                                  key="explore_upload", on_change=_keep_upload)
        pending = st.session_state.pop("explore_pending_upload", None)
        if upload is not None:
            key = ("upload", upload.file_id)
            run = functools.partial(_use_upload, upload)  # its bytes read only if it is new
        elif pending is not None:  # dropped just before another page was opened
            file_id, name, data = pending
            key = ("upload", file_id)
            run = functools.partial(_use_bytes, data, "upload", name)
        elif (current := st.session_state["explore_current"]) and current["kind"] == "upload":
            # Streamlit empties the uploader while another page is shown; the image is kept.
            st.caption(f":material/check_circle: Using **{md(current['label'])}** — drop another "
                       "file to replace it.")
    elif source == "Image URL":
        with st.form("explore_url_form", border=False):
            url = st.text_input("Image URL (http or https)", key="explore_url",
                                placeholder="https://example.com/photo.jpg")
            fetch_now = st.form_submit_button("Fetch")
        if url.strip():
            key = ("url", url.strip())
            run = functools.partial(_fetch, url.strip())
            if fetch_now:  # the same URL again: fetch again
                st.session_state["explore_processed"] = None
    elif source == "Sample":
        names = [s.name for s in samples()]
        name = st.selectbox("Sample image", names, key="explore_sample",
                            format_func=lambda n: sample(n).title)
        st.html(text_html(sample(name).description, caption=True))
        key = ("sample", name)
        run = functools.partial(_use_sample, name)
    else:
        c1, c2 = st.columns(2)
        w = c1.number_input("Width (px)", min_value=1, max_value=MAX_SIDE, step=1,
                            key="explore_w")
        h = c2.number_input("Height (px)", min_value=1, max_value=MAX_SIDE, step=1,
                            key="explore_h")
        key = ("size", int(w), int(h))
        run = functools.partial(_use_size, int(w), int(h))
    if key is not None and key != st.session_state["explore_processed"]:
        st.session_state["explore_processed"] = key
        st.session_state["explore_messages"] = run()
    for level, text in st.session_state["explore_messages"]:
        (st.error if level == "error" else st.warning)(md(text))


# --- choosing ------------------------------------------------------------------------------------

RESULTS = "explore_results"  # the fragment that shows the numbers, the picture and the tables


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
    if m.family == "image":
        if state["explore_fidelity"] not in m.fidelities:
            state["explore_fidelity"] = urlstate.DEFAULT_FIDELITY
        row.segmented_control("Input fidelity", m.fidelities, key="explore_fidelity",
                              required=True, wrap=True, on_change=_rerun_results)
    else:
        st.html(text_html("Input fidelity is fixed (high) on gpt-image-2 models."
                          if m.family == "image2" else
                          "Input fidelity applies to gpt-image-1 models only.", caption=True))
    row = st.container(horizontal=True, gap="medium")
    row.segmented_control("Rules", calc.RULE_SETS, key="explore_rules",
                          format_func=RULE_LABELS.get, required=True, wrap=True,
                          on_change=_rerun_results)
    offered = tiers_for(m)  # a tier the model does not offer is not offered here
    if state["explore_tier"] not in offered:
        st.warning(f"{m.name} does not offer the {tier_label(state['explore_tier'])} tier: "
                   "Standard is shown.")
        state["explore_tier"] = "standard"
    row.segmented_control("Price tier", offered, key="explore_tier", format_func=tier_label,
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




def _share(choice: dict, current: dict | None) -> None:
    """Keep the link in step with the view (an upload is shared as its size)."""
    source: dict = {}
    if current is not None:
        if current["kind"] == "url":
            source = {"url": current["url"]}
        elif current["kind"] == "sample":
            source = {"sample": current["sample"]}
        else:
            source = {"size": current["size"]}
    address.show(urlstate.encode(urlstate.ViewState(**choice, **source)))


def _publish(choice: dict, current: dict | None) -> None:
    """What Verify reads: the image and the choice made here."""
    image = None if current is None or current["loaded"] is None else \
        dict(image=current["loaded"], label=current["label"], url=current["url"])
    page_state.hand_over(image, choice)


# --- seeing --------------------------------------------------------------------------------------

def _image_facts(current: dict) -> str:
    loaded = current["loaded"]
    w, h = current["size"]
    if loaded is None:
        return f"{w}×{h} px, size only (no picture)"
    info = loaded.info
    text = f"{current['label']} · {info.format} · {w}×{h} px"
    if info.orientation != 1:
        sw, sh = info.stored_size
        text += f" · stored {sw}×{sh}, EXIF orientation {info.orientation} applied"
    return text


def _notes(est: calc.Estimate, choice: dict) -> None:
    for note in est.notes:
        if note.kind == "inferred":
            st.markdown(f":orange-badge[inferred] {note.text}")
        elif note.kind == "differs":
            st.markdown(f":violet-badge[guide ≠ billing] {note.text}")
            _both_rule_sets(est, choice)
        elif note.kind == "lifecycle":
            shut = est.status == "shut down"
            st.markdown(f":{'red' if shut else 'orange'}-badge[{est.status}] {note.text}")
        elif note.kind == "boundary":
            st.markdown(f":blue-badge[knife edge] {note.text}")
        else:
            st.html(text_html(f"ℹ️ {note.text}", caption=True))


def _both_rule_sets(est: calc.Estimate, choice: dict) -> None:
    """Where the guide and billing disagree: both numbers side by side."""
    for col, count in zip(st.columns(2), both_rule_sets(est), strict=True):
        label = f"{count.rules.capitalize()} rules"
        if count.tokens is None:
            col.metric(label, "rejected", border=True, help=count.reason)
            continue
        col.metric(label, f"{count.tokens:,}", border=True,
                   help=f"{RULE_LABELS[count.rules]}: tokens, and dollars at the chosen tier",
                   delta=format_usd(count.usd), delta_color="off", delta_arrow="off")


def _downloads(est: calc.Estimate, ov, current: dict) -> None:
    """The PNG is drawn only when asked for (1–2 s for 24 MP: the full pixels are decoded for
    it), then offered until the view changes; the JSON is written when clicked."""
    row = st.container(horizontal=True)
    loaded = current["loaded"]
    stem = f"patchwork-{est.model}-{est.grid.image[0]}x{est.grid.image[1]}"
    view = (loaded.sha256 if loaded else current["size"], est.model, est.detail, est.fidelity,
            est.rules, ov.mapped)
    made = st.session_state.get("explore_png")
    fresh = made is not None and made[0] == view
    if not fresh and row.button("Overlay PNG", icon=":material/image:", key="explore_make_png",
                                help="Draw the grid over the full-size image as a PNG"):
        with st.spinner("Drawing the overlay PNG …"):
            made = (view, overlay_png(None if loaded is None else loaded.image, ov))
        st.session_state["explore_png"] = made
    if made is not None and made[0] == view:
        row.download_button("Overlay PNG", data=made[1], file_name=f"{stem}.png",
                            mime="image/png", on_click="ignore", icon=":material/download:")
    # written when clicked, not on every run
    row.download_button("Estimate JSON",
                        data=functools.partial(est.to_json, indent=2, ensure_ascii=False),
                        file_name=f"{stem}.json", mime="application/json", on_click="ignore",
                        icon=":material/download:")


def _all_models(est: calc.Estimate, choice: dict) -> None:
    st.subheader("All models for this image")
    w, h = est.original_size
    rows = _compare(w, h, choice["detail"], choice["fidelity"], choice["rules"], choice["tier"],
                    st.session_state["explore_shut_down"], est.priced_on)
    # one element: every element a run sends costs each browser a render
    st.html(comparison_html(rows, est.model)  # wraps on a phone: no sideways scroll
            + text_html(comparison_note(rows), caption=True))


# The two ways out change controls outside the results: the whole page runs again.

def _use_detail_high() -> None:
    st.session_state["explore_detail"] = "high"
    st.rerun()


def _use_size_of(w: int, h: int) -> None:
    st.session_state.update(explore_source="Width × height", explore_w=w, explore_h=h)
    st.rerun()


def _rejected(est: calc.Estimate, r) -> None:
    """A rejection as a rejection: the count against the limit, no price, two ways out."""
    st.error(f"**Rejected by the API** (HTTP 400): this image needs {r.patches:,} patches at "
             f"detail {est.detail} on {est.model}; the limit is {r.limit:,} per image. "
             "It would not be billed — and not answered. (This is OpenAI's own API; other "
             "routes, such as gateways, have accepted or refused big images differently.)",
             icon=":material/block:")
    c1, c2 = st.columns(2)
    high = (f"{r.high_tokens:,} tokens, {format_usd(r.high_usd)}" if r.high_tokens is not None
            else "rejected too")
    c1.button(f"Detail high: {high}", on_click=_use_detail_high, icon=":material/tune:",
              width="stretch", disabled=r.high_tokens is None,
              help="The same image at detail high, where a patch budget applies")
    lw, lh = r.largest
    c2.button(f"Resize to {lw}×{lh}: {r.largest_tokens:,} tokens, {format_usd(r.largest_usd)}",
              on_click=_use_size_of, args=(lw, lh), icon=":material/photo_size_select_large:",
              width="stretch", help="The largest size of this shape the API accepts")


def _fitted_download(est: calc.Estimate, loaded) -> None:
    """Beside a rejection: the image itself at the largest size of its shape the API accepts
    (calc.fit), made only when the button is pressed. Nothing to resize for a typed size."""
    if loaded is None:
        return
    w, h = est.original_size
    size = calc.fit(w, h, est.model, est.detail, fidelity=est.fidelity, rules=est.rules)
    name, mime = fitted_name(size, loaded.info.format)
    st.download_button(f"Download it at {size[0]}×{size[1]}", key="explore_fitted",
                       data=functools.partial(fitted_file, loaded, size), file_name=name,
                       mime=mime, on_click="ignore", icon=":material/download:", width="stretch",
                       help="Resized with LANCZOS, upright, in its own format: the largest size "
                            "of this shape the API accepts")


def _metrics(est: calc.Estimate, refused) -> None:
    """The headline numbers and, beside them, what they rest on; `refused` is the estimate's
    `rejection` (None when accepted)."""
    label = f"{tier_label(est.tier)} tier"
    # A wrapping row: four across on a desktop, two by two on a phone, never cut.
    with st.container(horizontal=True, gap="small"):
        if est.accepted:
            usd = est.usd
            st.metric("Tokens", format_tokens(est.tokens), border=True, width="content")
            st.metric("$ per image", format_usd(usd), border=True, help=label, width="content")
            st.metric("$ per 1,000 images", format_usd(None if usd is None else usd * 1000),
                      border=True, help=label, width="content")
        else:  # a rejection: the count against the limit, no price
            st.metric("Tokens", "rejected", border=True, help=est.reason, width="content")
            st.metric("Patches needed", f"{est.units:,}", border=True, width="content",
                      help="after the profile's fit")
            st.metric("Limit per image", f"{refused.limit:,}", border=True, width="content")
        if est.units == 0:  # low detail: only the base is billed, whatever the grid
            st.metric(est.unit_name.capitalize(), "base only", border=True, width="content",
                      help="Low detail: base tokens only; no tiles are counted")
        else:
            st.metric(est.unit_name.capitalize(), f"{est.grid.cols}×{est.grid.rows}",
                      border=True, help=f"{est.units:,} counted", width="content")
    head = headline(est)
    lines = [text_html(f"⚠️ {text}", caption=True) for text in head.caveats]
    if head.replacement:
        lines.append(text_html(f"⏳ {est.model} {head.replacement}", caption=True))
    if lines:  # next to the numbers they qualify, not only further down; one element, spaced
        st.html(f'<div style="display:flex;flex-direction:column;gap:1rem">{"".join(lines)}</div>')


def _show(current: dict, choice: dict, top, left, side) -> None:
    """The numbers in `top`, the overlay in `left` (its heading, then the picture), the rest
    under `side`."""
    w, h = current["size"]
    try:
        est = calc.estimate(w, h, choice["model"], choice["detail"], choice["fidelity"],
                            choice["rules"], choice["tier"])
    except calc.CalcError as e:
        top.error(md(e))
        left.empty()  # the places the results fill, kept for a rerun of them alone
        side.empty()
        return
    loaded = current["loaded"]
    refused = rejection(est)  # once: it estimates the two ways out
    with top:
        _metrics(est, refused)
        if refused is not None:
            _rejected(est, refused)
            _fitted_download(est, loaded)
    mapped, interactive = (st.session_state[k] for k in ("explore_mapped", "explore_interactive"))
    ov = overlay(est, mapped=mapped)
    src = None if loaded is None else _preview(current, ov.preview_size)
    where = "mapped onto the original" if mapped else "as the model sees it"
    base = " — low detail: base tokens only" if est.units == 0 else ""
    heading = text_html("", f"{ov.cols}×{ov.rows} {est.unit_name}",
                        f", {where} ({ov.image[0]}×{ov.image[1]} px; black: padding){base}")
    alt = caption(est)
    if interactive:
        left.html(heading)
        left.plotly_chart(build_figure(ov, src), width="stretch", key="explore_overlay",
                          config={"displayModeBar": False}, alt=alt)
    else:  # plain HTML, heading and picture one element: no chart library to load first
        left.html(heading + overlay_html(ov, src, alt))
    with side:
        st.text(alt)  # plain text: no syntax highlighter to load
        _notes(est, choice)
        _downloads(est, ov, current)
    st.subheader("How it is counted")
    st.html(steps_html(est))  # plain HTML: no table widget or Markdown parser to load
    _all_models(est, choice)


@st.fragment(key=RESULTS)
def _results(top, left, side) -> None:
    """Everything the choice changes: the numbers, the picture, the facts under the controls,
    the tables. A change of detail, fidelity, rules, tier or drawing reruns this alone."""
    with page_boundary("Explore"):
        page_state.remember("explore")  # in case the next run is another page's
        choice = _choice()
        current = st.session_state["explore_current"]
        _publish(choice, current)
        _share(choice, current)
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
    _bring_image()
    _choose()
    if (current := st.session_state["explore_current"]) is not None:
        _picture_toggles()
        st.html(text_html(_image_facts(current), caption=True))  # the same whatever the choice
_results(top, left, side)
