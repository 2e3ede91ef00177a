"""The framework's floor: a bare Streamlit page with one Plotly chart (bench/bench_browser.py)."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[0, 1, 2], y=[0, 1, 0], mode="lines")), key="floor")
