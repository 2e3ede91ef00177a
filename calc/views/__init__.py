"""What each page shows, worked out so the page only renders: one module per page where natural.

explore.py (+ explore_link.py, samples.py), plan.py (+ plan_inputs.py, plan_generate.py,
plan_month.py, and manifest.py: one path for a workload file, shared with `python -m calc plan`),
verify.py (+ calibration.py), metered.py. Views may use the engine and the adapters; never
Streamlit.
"""
