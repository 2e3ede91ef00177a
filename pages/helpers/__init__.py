"""Streamlit helpers the pages share (a sub-folder, so Streamlit never offers them as pages)."""
