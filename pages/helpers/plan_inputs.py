"""Plan's three ways to describe a workload — many images, a CSV or Parquet, a size mix — each
returning a key that stands for it (for the caches) and the calc.views.plan.workload.Workload."""

from __future__ import annotations

import streamlit as st

import calc
from calc.views import manifest as mf
from calc.views.inert import md, short
from calc.views.plan import workload as wl
from pages.helpers.plan_widgets import (
    MAX_READ,
    keep_upload,
    pixels,
    read_images,
    show_bad_rows,
    sizes_editor,
    uploaded,
)
from pages.helpers.session_cache import memo


def read_csv(key: tuple, upload) -> tuple[wl.Workload | None, str | None]:
    def read() -> tuple[wl.Workload | None, str | None]:
        bar = st.progress(0.0, text="Reading the file…")  # any size: one path, batch by batch
        try:
            return mf.read_manifest(upload, upload.name,
                                    lambda share, text: bar.progress(share, text=text)), None
        except calc.CalcError as error:
            return None, str(error)
        finally:
            bar.empty()

    return memo("plan_csv", key, read, MAX_READ)


def images_input() -> tuple[object, wl.Workload | None]:
    files = st.file_uploader(
        "Images, or a .zip of them", accept_multiple_files=True, key="plan_images",
        on_change=keep_upload, args=("plan_images",),
        help="Only each file's header is read (EXIF orientation applied): thousands are quick. "
             "Files that are not images, and animated ones, are listed and left out.")
    files = uploaded(files, "plan_images")
    if not files:
        st.info("Drop in a batch of your real images (or one .zip) to plan with their sizes.")
        return None, None
    key = tuple((f.file_id, f.name, f.size) for f in files)
    workload = read_images(key, files)
    for refused in workload.refused:
        st.error(f"**{md(short(refused.name))}** refused: {md(refused.reason)}")
    empty = wl.nothing_to_plan(workload)
    if empty:
        st.warning(md(empty))
    if workload.skipped:
        with st.expander(f"⚠️ {len(workload.skipped):,} files left out", expanded=not empty):
            st.dataframe({"file": [s.name for s in workload.skipped],
                          "why": [s.reason for s in workload.skipped]}, hide_index=True)
    show_bad_rows(workload)
    if len(workload.rows):
        st.caption(f"{len(workload.rows):,} images read (header read only: sizes come from each "
                   "file's header, so a file with damaged pixels is still counted — Explore "
                   "decodes it fully).")
    return key, workload


def csv_input() -> tuple[object, wl.Workload | None]:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        upload = st.file_uploader("A CSV (or Parquet) of image sizes",
                                  type=["csv", "txt", "parquet"], key="plan_csv",
                                  on_change=keep_upload, args=("plan_csv",),
                                  help="Columns: width, height, and optionally count (images "
                                       "of that size), detail and model (a row with a model is "
                                       "costed on that model only).")
        upload = uploaded(upload, "plan_csv")
    with right:
        st.download_button("Template CSV", wl.TEMPLATE_CSV, "patchwork-workload.csv", "text/csv",
                           icon=":material/download:", on_click="ignore")
    if upload is None:
        st.info("Upload a CSV with a `width,height` header and one line per image size; "
                "`count`, `detail` and `model` columns are optional.")
        return None, None
    key = (upload.file_id, upload.name, upload.size)
    workload, error = read_csv(key, upload)
    if error:
        st.error(f"This CSV cannot be used: {md(error)}")
        good = st.session_state.get("plan_csv_good")
        if good is None:
            return None, None
        st.caption(f"Still planning with the last good CSV, {md(short(good[0][1]))}.")
        key, workload = good  # a bad new file does not throw away the plan on screen
    else:
        st.session_state["plan_csv_good"] = (key, workload)
    show_bad_rows(workload)
    for notice in workload.notices:
        st.caption(md(notice))
    return key, workload


def reset_mix() -> None:
    st.session_state["plan_mix_base"] = wl.preset_mix()
    st.session_state["plan_mix_version"] += 1
    st.session_state.pop("plan_mix_current", None)  # the edits go, not back into the table


def mix_input() -> tuple[object, wl.Workload | None]:
    st.caption("Typical sizes and the share of your images each one is. Edit, add or delete rows.")
    edited = sizes_editor("plan_mix", {
        "name": st.column_config.TextColumn("Kind of image"),
        "width": pixels("Width (px)"), "height": pixels("Height (px)"),
        "share": st.column_config.NumberColumn("Share (%)", min_value=0.0, format="%g")})
    st.button("Reset to the presets", on_click=reset_mix, icon=":material/restart_alt:",
              type="tertiary")
    workload = wl.mix_workload(edited)
    show_bad_rows(workload)
    for notice in workload.notices:
        st.caption(md(notice))
    key = ("mix", tuple(map(tuple, workload.rows[["width", "height", "count"]].to_numpy()
                            .tolist())))
    return key, workload


WAYS_IN = {"images": images_input, "csv": csv_input, "mix": mix_input}
