"""The metering engine: pure, typed functions and frozen dataclasses; no I/O, no adapters, no views.

rules.py (the resize and counting rules), catalogue.py (loads calc/data/catalogue.toml, resolves
names), estimate.py (one image, every step), frame.py (many images, vectorised), pricing.py,
generation.py (generated images; generation_measured.py: the third-party measured points of
gpt-image-2.5 / 2.6), compare.py (every model side by side), errors.py.
"""
