"""Which models are running on which day, written out from the shutdown dates of metering.md §10 —
literal lists, never built by the code under test."""

from __future__ import annotations

CURRENT_2026_12_03 = frozenset({
    "gpt-6-astra", "gpt-6-sol", "gpt-6-luna", "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6.2-astra",
    "gpt-6.2-sol", "gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna", "gpt-5.5", "gpt-5.4",
    "gpt-5.4-mini", "gpt-5.4-nano", "gpt-5.2", "gpt-4.1-mini", "gpt-5-mini", "gpt-5-nano",
    "gpt-5.1", "gpt-5", "gpt-4o", "gpt-4.1", "gpt-4o-mini", "o3",
    "gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst", "gpt-image-2.6-flare",
    "gpt-image-2.6-sunburst",
})
# 2026-12-11: gpt-5, gpt-5-mini, gpt-5-nano and o3 shut down
CURRENT_2026_12_11 = CURRENT_2026_12_03 - {"gpt-5", "gpt-5-mini", "gpt-5-nano", "o3"}
# 2027-01-14: gpt-4o, gpt-4o-mini, gpt-4.1 and gpt-4.1-mini shut down
CURRENT_2027_01_14 = CURRENT_2026_12_11 - {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini"}
# 2027-04-01: gpt-5.1 and gpt-5.4-nano shut down
CURRENT_2027_04_01 = CURRENT_2027_01_14 - {"gpt-5.1", "gpt-5.4-nano"}

CURRENT_ON = {
    "2026-12-03": CURRENT_2026_12_03, "2026-12-10": CURRENT_2026_12_03,
    "2026-12-11": CURRENT_2026_12_11, "2027-01-13": CURRENT_2026_12_11,
    "2027-01-14": CURRENT_2027_01_14, "2027-03-31": CURRENT_2027_01_14,
    "2027-04-01": CURRENT_2027_04_01,
}
