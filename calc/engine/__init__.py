"""The metering engine: pure, typed functions and frozen dataclasses; no I/O, no adapters, no views.

rules.py (the resize and counting rules), catalogue.py (loads calc/data/catalogue.toml, resolves
names), estimate.py (one image, every step), frame.py (many images, vectorised), pricing.py,
generation.py (generated images), compare.py (every model side by side), errors.py.
"""
