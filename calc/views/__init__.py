"""What each page shows, worked out so the page only renders: one module per page where natural.

explore.py (+ explore_link.py, samples.py), plan/ (a sub-package: settings, workload, totals,
figures, month, prompt, generate, table, export, screen; and manifest.py: one path for a workload
file, shared with `python -m calc plan`), verify.py (+ calibration.py), metered.py. Views may use
the engine and the adapters; never Streamlit.
"""
