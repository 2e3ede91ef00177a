"""The floor for bench/bench_load.py and bench/bench_browser.py: a bare Streamlit page with the
kind of controls Explore has — a title, a segmented control, a metric and an HTML image — and
nothing else (at /?minimal, the metric and the image alone). A Detail click changes the metric
and the image, as it does on Explore; the image is an SVG grid in the same
`.pw-overlay img.pw-grid` markup, so one probe times both pages.
"""

import base64

import streamlit as st

CELLS = {"low": 2, "high": 8}  # cells a side: a click changes the picture

# ?minimal: a metric and one HTML image only (bench_browser.py's floor for a cold first paint)
if "minimal" in st.query_params:
    detail = "high"
else:
    st.title("Floor")
    detail = st.segmented_control("Detail", list(CELLS), default="high", required=True,
                                  key="detail")
n = CELLS[detail]
st.metric("Tokens", f"{85 + 170 * n * n:,}", border=True)
lines = "".join(f"M{i * 512 // n} 0V512M0 {i * 512 // n}H512" for i in range(n + 1))
svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><path d="{lines}" '
       'stroke="#ffc400" fill="none"/></svg>')
src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
st.html(f'<div class="pw-overlay" style="background:#000;width:min(100%, 512px)">'
        f'<img class="pw-grid" src="{src}" alt="" style="width:100%"></div>')
