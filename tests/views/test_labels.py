"""calc.views.labels: the one token-count format, and the catalogue's tier names."""

from __future__ import annotations

import pytest

from calc.views.labels import format_tokens, tier_label


@pytest.mark.parametrize(("tokens", "text"), [
    (None, "—"), (0, "0"), (85, "85"), (1229, "1,229"), (2008.5, "2,009"), (2008.49, "2,008"),
    (25_501, "25,501"), (1_000_000, "1,000,000"),
])
def test_token_counts_are_whole_with_separators(tokens, text):
    assert format_tokens(tokens) == text


@pytest.mark.parametrize(("tier", "label"), [
    ("standard", "Standard"), ("batch", "Batch"), ("flex", "Flex"),
    ("priority", "Fast (priority)"), ("fast", "Fast (priority)"),
    ("ultrafast", "Ultrafast"), ("background-2h", "Background (2 h)"),
    ("background-8h", "Background (8 h)"),
])
def test_tier_names_are_the_catalogues(tier, label):
    assert tier_label(tier) == label
