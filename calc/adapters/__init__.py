"""I/O at the edge: image files, URL fetching, the OpenAI client, the calibration store.

Each takes its client or connection injected, so tests point it at local fakes. Adapters may use the
engine, never the views.
"""
