"""Known answers of the metering notes (docs/metering.md: every § below is one of its sections).

Every expected value below is the spec's own number, or worked out by hand from the spec's rules
in the comment beside it — never produced by calc. Where the rule sets differ (§14: only
gpt-4.1-mini now, whose documented budget is 6,144 patches) both answers are given; elsewhere
documented = billing and each row is checked under both.
"""

from __future__ import annotations

import pytest

import calc
from calc.engine import rules as r

BOTH = ("billing", "documented")


def _both(rows):
    """Rows (…, expected) that hold under both rule sets, as (…, billing, documented)."""
    return [(*row, row[-1]) for row in rows]


# ---- §2: the two rounding rules ------------------------------------------------------------------

SHRINK = [  # §2 known answers of shrink(W×H, B)
    (1800, 2400, 1536, (1056, 1408)),  # guide
    (2400, 1800, 1536, (1408, 1056)),  # the same, landscape
    (1600, 1600, 1536, (1248, 1248)),  # measured (§16)
    (2048, 2048, 2500, (1600, 1600)),  # guide
    (1601, 1601, 2500, (1600, 1600)),  # OpenAI's Codex client
    # 7952×5304 at 30,000 (§5): kw = isqrt(44977) = 212, kh = isqrt(20010) = 141;
    # r' = min(6784/7952, 4512/5304) = 4512/5304 → ⌊7952·4512/5304⌋ = 6764 × 4512
    (7952, 5304, 30000, (6764, 4512)),
    # 3000×1000 at 1536: kw = isqrt(4608) = 67, kh = isqrt(512) = 22; r' = 704/1000 → 2112×704
    (3000, 1000, 1536, (2112, 704)),
    # 1601×1600 at 2500: kw = isqrt(2501) = 50, kh = isqrt(2498) = 49; r' = 1568/1600 → 1568²
    (1601, 1600, 2500, (1568, 1568)),
]


@pytest.mark.parametrize(("w", "h", "budget", "expected"), SHRINK)
def test_shrink_known_answers(w, h, budget, expected):
    assert r.shrink_to_budget(w, h, budget) == expected


FIT = [  # fit(W×H, S): long side to S, short side × S / long rounded half up, never below 1
    (2049, 513, 2048, (2048, 513)),  # 512.75 → 513 (measured on gpt-4.1, §16)
    (2050, 513, 2048, (2048, 512)),  # 512.4995 → 512
    (4096, 1025, 2048, (2048, 513)),  # 512.5 exactly → 513: a tie rounds up
    (4096, 1023, 2048, (2048, 512)),  # 511.5 → 512
    (1025, 4096, 2048, (513, 2048)),  # portrait, the same tie
    (1024, 65, 512, (512, 33)),  # 32.5 → 33
    (1024, 63, 512, (512, 32)),  # 31.5 → 32
    (100000, 1, 65535, (65535, 1)),  # 0.655 → 1
    (200000, 1, 65535, (65535, 1)),  # 0.328 rounds to 0; never below 1
    (2048, 100, 2048, (2048, 100)),  # long side = S: unchanged
    (100, 50, 2048, (100, 50)),  # never enlarges
]


@pytest.mark.parametrize(("w", "h", "side", "expected"), FIT)
def test_fit_known_answers(w, h, side, expected):
    assert r.fit_long(w, h, side) == expected


def test_exact_arithmetic_where_floats_would_be_wrong():
    # §2: 150 × 1.62 is 243.00000000000003 in floats and its ceiling would be 244.
    assert 150 * 1.62 > 243
    # gpt-4.1-mini 480×320: 15 × 10 = 150 patches → ⌈150 × 1.62⌉ = 243 exactly
    assert calc.tokens(480, 320, "gpt-4.1-mini", "high") == 243
    assert calc.estimate(480, 320, "gpt-4.1-mini", "high").tokens == 243


# ---- §16: measured evidence, the ground the billing rules stand on -------------------------------

MEASURED = [  # model, w, h, detail, fidelity, tokens — metering.md §16, verbatim
    ("gpt-4o", 1, 1, "high", "low", 255),
    ("gpt-4o", 1, 1, "auto", "low", 255),
    ("gpt-4o", 1, 1, "low", "low", 85),
    ("gpt-4.1", 2049, 513, "high", "low", 1445),
    ("gpt-4.1", 2050, 513, "high", "low", 765),
    ("gpt-4.1-mini", 4000, 1474, "high", "low", 2489),
    ("gpt-4.1-mini", 2400, 1800, "high", "low", 2353),
    ("gpt-4.1-mini", 128, 64, "low", "low", 13),
    ("gpt-4.1-mini", 128, 64, "high", "low", 13),
    ("gpt-5-mini", 512, 512, "high", "low", 308),
    ("gpt-5-mini", 2048, 768, "high", "low", 1844),
    ("gpt-5-mini", 1600, 1600, "high", "low", 1826),
    ("gpt-5-nano", 1600, 1600, "high", "low", 2282),
    ("gpt-5.4", 1600, 1600, "high", "low", 3000),
    ("gpt-5.4-mini", 1600, 1600, "high", "low", 3000),
    ("gpt-5.4-nano", 1600, 1600, "high", "low", 3000),
    ("gpt-image-1", 1024, 1025, "auto", "low", 194),
    ("gpt-image-1", 1023, 1024, "auto", "low", 194),
    ("gpt-image-1", 512, 513, "auto", "low", 323),
]


@pytest.mark.parametrize(("model", "w", "h", "detail", "fidelity", "expected"), MEASURED)
def test_measured_billing(model, w, h, detail, fidelity, expected):
    assert calc.tokens(w, h, model, detail, fidelity) == expected
    e = calc.estimate(w, h, model, detail, fidelity)
    assert e.accepted and e.tokens == expected


MEASURED_UNITS = [  # the counts behind the measurements (§4 step 5, §16)
    ("gpt-5-mini", 512, 512, 256, (512, 512)),
    ("gpt-5-mini", 2048, 768, 1536, (2048, 768)),
    ("gpt-5-mini", 1600, 1600, 1521, (1248, 1248)),
    ("gpt-5.4-nano", 1600, 1600, 2500, (1600, 1600)),
    # 4000×1474: fit 2048 → 2048 × 754.688 → 755; ⌈2048/32⌉ × ⌈755/32⌉ = 64 × 24 = 1536
    ("gpt-4.1-mini", 4000, 1474, 1536, (2048, 755)),
    ("gpt-4.1-mini", 2400, 1800, 1452, (1408, 1056)),
]


@pytest.mark.parametrize(("model", "w", "h", "units", "seen"), MEASURED_UNITS)
def test_measured_patch_counts(model, w, h, units, seen):
    e = calc.estimate(w, h, model, "high")
    assert (e.units, e.grid.image) == (units, seen)


# ---- §3: tile family -----------------------------------------------------------------------------

TILE_WORKED = [  # guide, gpt-4o (§3): model, w, h, detail, tokens, size counted, tiles
    ("gpt-4o", 1024, 1024, "high", 765, (768, 768), 4),
    ("gpt-4o", 2048, 4096, "high", 1105, (768, 1536), 6),
    ("gpt-4o", 4096, 8192, "low", 85, None, 0),
    # the fit tie: 4096×1025 → 2048 × 512.5 → 513 → ⌈2048/512⌉ × ⌈513/512⌉ = 8 → 85 + 1360
    ("gpt-4o", 4096, 1025, "high", 1445, (2048, 513), 8),
    ("gpt-4o", 4096, 1023, "high", 765, (2048, 512), 4),  # 511.5 → 512: 4 tiles
    # fit first: 1000×3000 → 3000 → 2048, 1000 × 2048/3000 = 682.67 → 683; 683 ≤ 768 is
    # kept → ⌈683/512⌉ × ⌈2048/512⌉ = 2 × 4 = 8 tiles
    ("gpt-4o", 1000, 3000, "high", 1445, (683, 2048), 8),
    # 1500×1000: short 1000 → 768, long 1500 × 768/1000 = 1152 → 3 × 2 = 6 tiles
    ("gpt-4o", 1500, 1000, "high", 1105, (1152, 768), 6),
    ("gpt-4o", 60000, 60000, "high", 765, (768, 768), 4),  # no limit on tile models
]


@pytest.mark.parametrize(("model", "w", "h", "detail", "expected", "seen", "units", "rules"),
                         [(*row, rules) for row in TILE_WORKED for rules in BOTH])
def test_tile_worked_examples(model, w, h, detail, expected, seen, units, rules):
    e = calc.estimate(w, h, model, detail, rules=rules)
    assert (e.tokens, e.units, e.accepted) == (expected, units, True)
    if seen is not None:
        assert e.grid.image == seen
    assert calc.tokens(w, h, model, detail, rules=rules) == expected


def test_tile_guide_example_steps():
    e = calc.estimate(2048, 4096, "gpt-4o", "high")
    assert [s.size for s in e.steps[:3]] == [(2048, 4096), (1024, 2048), (768, 1536)]


TILE_CONSTANTS = [  # §3: model, base, per tile; tokens at low, 1×1 high, 1024² high, 2048×4096
    # 1×1 = base + 1 tile; 1024² = base + 4 tiles; 2048×4096 = base + 6 tiles
    ("gpt-5.1", 70, 140, 70, 210, 630, 910),
    ("gpt-5", 70, 140, 70, 210, 630, 910),
    ("gpt-5-chat-latest", 70, 140, 70, 210, 630, 910),
    ("gpt-4o", 85, 170, 85, 255, 765, 1105),
    ("gpt-4.1", 85, 170, 85, 255, 765, 1105),
    ("gpt-4.5-preview", 85, 170, 85, 255, 765, 1105),
    ("gpt-4o-mini", 2833, 5667, 2833, 8500, 25501, 36835),
    ("o3", 75, 150, 75, 225, 675, 975),
    ("o1", 75, 150, 75, 225, 675, 975),
    ("o1-pro", 75, 150, 75, 225, 675, 975),
    ("computer-use-preview", 65, 129, 65, 194, 581, 839),
]


@pytest.mark.parametrize("rules", BOTH)
@pytest.mark.parametrize(("model", "base", "tile", "low", "one", "square", "tall"),
                         TILE_CONSTANTS)
def test_tile_table(model, base, tile, low, one, square, tall, rules):
    m = calc.resolve_model(model)
    assert (m.family, m.base_tokens, m.tile_tokens) == ("tile", base, tile)
    assert calc.tokens(4096, 8192, model, "low", rules=rules) == low
    assert calc.tokens(1, 1, model, "high", rules=rules) == one  # never upscaled
    assert calc.tokens(1024, 1024, model, "high", rules=rules) == square
    assert calc.tokens(2048, 4096, model, "auto", rules=rules) == tall  # auto = high
    assert calc.tokens(2048, 4096, model, "original", rules=rules) == tall  # billed as high


def test_gpt_5_1_accepts_original_and_bills_it_as_high():
    # §3: gpt-5.1 accepts original and bills it as high (measured 2026-09): 1024² → 630
    e = calc.estimate(1024, 1024, "gpt-5.1", "original")
    assert "original" in calc.resolve_model("gpt-5.1").details
    assert (e.tokens, e.effective_detail) == (630, "high")
    assert any("original" in n.text and "high" in n.text for n in e.notes)


@pytest.mark.parametrize("model", ["gpt-4o", "gpt-5", "o3", "gpt-4o-mini"])
def test_original_on_other_tile_models_is_high_and_says_so(model):
    e = calc.estimate(1024, 1024, model, "original")
    assert "original" not in calc.resolve_model(model).details
    assert e.tokens == calc.estimate(1024, 1024, model, "high").tokens
    assert e.effective_detail == "high"
    assert any("original" in n.text and "high" in n.text for n in e.notes)


# ---- §4: patch family ----------------------------------------------------------------------------

PATCH_WORKED = [  # §4: model, w, h, detail, tokens, patches, size counted
    ("gpt-5.4", 1024, 1024, "high", 1229, 1024, (1024, 1024)),  # ⌈1024 × 1.2⌉
    ("gpt-5.4", 2048, 2048, "high", 3000, 2500, (1600, 1600)),
    ("gpt-6-astra", 2048, 2048, "high", 3000, 2500, (1600, 1600)),
    # a 1,536-patch model: 1800×2400 → 1056×1408 = 33 × 44 = 1452 → ⌈1452 × 1.2⌉ = 1743
    ("gpt-5-mini", 1800, 2400, "high", 1743, 1452, (1056, 1408)),
    # long thin image: gpt-6-astra's high has no fit — 4096×256 = 128 × 8 = 1024 → 1229 …
    ("gpt-6-astra", 4096, 256, "high", 1229, 1024, (4096, 256)),
    # … a fit-2048 model shrinks it first: 2048×128 = 64 × 4 = 256 → ⌈307.2⌉ = 308
    ("gpt-5.6-sol", 4096, 256, "high", 308, 256, (2048, 128)),
    # the fit tie on a patch model: 4096×65 → 2048 × 32.5 → 33 → 64 × 2 = 128 → ⌈153.6⌉
    ("gpt-5.6-sol", 4096, 65, "high", 154, 128, (2048, 33)),
    ("gpt-5.6-sol", 4096, 63, "high", 77, 64, (2048, 32)),  # 31.5 → 32: 64 × 1 → ⌈76.8⌉
    # low fit 512 tie: 1024×65 → 512 × 32.5 → 33 → 16 × 2 = 32 → ⌈38.4⌉ = 39
    ("gpt-6-sol", 1024, 65, "low", 39, 32, (512, 33)),
    ("gpt-6-sol", 1024, 63, "low", 20, 16, (512, 32)),  # 31.5 → 32: 16 × 1 → ⌈19.2⌉
    # original fit 65535 tie: 131070×65 → 65535 × 33 → 2048 × 2 = 4096 → ⌈4915.2⌉
    ("gpt-6-sol", 131070, 65, "original", 4916, 4096, (65535, 33)),
    ("gpt-6-sol", 131070, 63, "original", 2458, 2048, (65535, 32)),  # ⌈2457.6⌉
    ("gpt-6-sol", 200000, 1, "original", 2458, 2048, (65535, 1)),  # short side never below 1
    # 1601×1600 on gpt-5.4: 51 × 50 = 2550 > 2500 → 1568×1568 = 49 × 49 = 2401 → ⌈2881.2⌉
    ("gpt-5.4", 1601, 1600, "high", 2882, 2401, (1568, 1568)),
    # 7952×5304 high on gpt-5.6-sol: fit → 2048×1366 (1366.05); 64 × 43 = 2752 > 2500 →
    # kw = isqrt(3748) = 61, kh = isqrt(1667) = 40 → r' = 1280/1366 → 1919×1280 = 60 × 40
    ("gpt-5.6-sol", 7952, 5304, "high", 2880, 2400, (1919, 1280)),
    # on gpt-6-sol (no fit): kw = isqrt(3748) = 61, kh = isqrt(1667) = 40 → 1919×1280 too
    ("gpt-6-sol", 7952, 5304, "high", 2880, 2400, (1919, 1280)),
    # gpt-6-sol low: fit 512 → 512 × 341.505 → 342 → 16 × 11 = 176 → ⌈211.2⌉ = 212
    ("gpt-6-sol", 7952, 5304, "low", 212, 176, (512, 342)),
    # gpt-5.5 auto = original (6000 / 10000): fit → 6000 × 4002.01 → 4002; 188 × 126 =
    # 23,688 > 10,000 → kw = isqrt(14992) = 122, kh = isqrt(6670) = 81; r' = 2592/4002 →
    # ⌊6000·2592/4002⌋ = 3886 × 2592 → 122 × 81 = 9882 → ⌈11858.4⌉ = 11859
    ("gpt-5.5", 7952, 5304, "auto", 11859, 9882, (3886, 2592)),
    # gpt-5.4 original (6000 / 10000): 4032×3024 = 126 × 95 = 11,970 > 10,000 →
    # kw = isqrt(13333) = 115, kh = isqrt(7500) = 86 → r' = 2752/3024 → 3669×2752 = 115 × 86
    ("gpt-5.4", 4032, 3024, "original", 11868, 9890, (3669, 2752)),
    # gpt-5.4 auto = high: the same photo → fit 2048 → 2048×1536 = 64 × 48 = 3072 > 2500 →
    # kw = isqrt(3333) = 57, kh = isqrt(1875) = 43 → r' = min(1824/2048, 1376/1536) =
    # 1824/2048 → 1824 × 1368 → 57 × ⌈42.75⌉ = 2451 → ⌈2941.2⌉ = 2942
    ("gpt-5.4", 4032, 3024, "auto", 2942, 2451, (1824, 1368)),
]


@pytest.mark.parametrize(("model", "w", "h", "detail", "expected", "units", "seen", "rules"),
                         [(*row, rules) for row in PATCH_WORKED for rules in BOTH])
def test_patch_worked_examples(model, w, h, detail, expected, units, seen, rules):
    e = calc.estimate(w, h, model, detail, rules=rules)
    assert (e.tokens, e.units, e.grid.image, e.accepted) == (expected, units, seen, True)
    assert calc.tokens(w, h, model, detail, rules=rules) == expected


def test_guide_example_1800x2400_shrink_in_words():
    # §4, the 2025 guide's example: 1800×2400 → 4275 patches → r 0.603 → 0.586 → 1056×1408.
    # The guide had no fit; gpt-image-2 (budget 1536, no fit, §7) follows it step by step.
    e = calc.estimate(1800, 2400, "gpt-image-2")
    patches = [s for s in e.steps if s.name == "patches"]
    assert "57 × 75 = 4,275" in patches[0].explanation  # ⌈1800/32⌉ × ⌈2400/32⌉
    shrink = next(s for s in e.steps if s.name == "shrink to budget")
    # r = √(32²·1536/(1800·2400)) = 0.6034; r' = 32·33/1800 = 0.58667, which the guide
    # prints truncated as 0.586 and calc rounds to 0.587
    assert "= 0.603;" in shrink.explanation and "= 0.587 →" in shrink.explanation
    assert shrink.size == (1056, 1408)
    assert (e.units, e.tokens) == (1452, 1452)  # 33 × 44, multiplier 1
    # the patch models fit to 2048 first (1536×2048) and land on the same size
    assert calc.estimate(1800, 2400, "gpt-5-mini", "high").grid.image == (1056, 1408)


# §4 profiles, model by model: the tokens at four probes. Hand arithmetic:
#  320×320 high: 10 × 10 = 100 patches → ⌈100 × m⌉.
#  2048×2048 high: budget 2500 → 1600² = 2500; budget 1536 → 1248² = 1521; budget 6144 → 4096.
#  1024×1024 low: "512 / none" → 512² = 256; "2048 / 6144" → 1024; "= high" → 1024.
#  4096×4096 low: "512 / none" → 256; "2048 / 6144" → 2048² = 4096; "= high" → 1521 (or 2500 …).
#  4096×4096 original: "65535 / none" → 128² = 16,384; "6000 / 10000" → 3200² = 10,000;
#  "—" → as high.
#  ⌈n × 1.2⌉: 100 → 120, 256 → 308, 1024 → 1229, 1521 → 1826, 2500 → 3000, 4096 → 4916,
#  10000 → 12000, 16384 → 19661. × 1.62: 100 → 162, 1024 → 1659, 1521 → 2465, 4096 → 6636.
#  × 1.5: 100 → 150, 1024 → 1536, 1521 → 2282. × 2.46: 100 → 246, 1024 → 2520, 1521 → 3742.
#  × 1.72: 100 → 172, 1024 → 1762, 1521 → 2617.
GPT6 = ["gpt-6-astra", "gpt-6-sol", "gpt-6-luna", "gpt-6.1-sol", "gpt-6.1-terra",
        "gpt-6.2-astra", "gpt-6.2-sol"]
GPT56 = ["gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna"]
GPT54 = ["gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano"]
PROFILES = (
    # model, 320² high, 2048² high, 1024² low, 4096² low, 4096² original, 4096² auto
    [(m, 120, 3000, 308, 308, 19661, 19661) for m in GPT6 + GPT56]
    + [("gpt-5.5", 120, 3000, 308, 308, 12000, 12000)]
    + [(m, 120, 3000, 1229, 4916, 12000, 3000) for m in GPT54]
    + [("gpt-5.2", 120, 4916, 1229, 4916, 4916, 4916)]
    + [("gpt-5-mini", 120, 1826, 1229, 1826, 1826, 1826),
       ("gpt-5-nano", 150, 2282, 1536, 2282, 2282, 2282),
       ("gpt-4.1-nano", 246, 3742, 2520, 3742, 3742, 3742),
       ("o4-mini", 172, 2617, 1762, 2617, 2617, 2617),
       ("gpt-4.1-mini", 162, 2465, 1659, 2465, 2465, 2465)]
)
PROFILES_DOCUMENTED = {  # §14: gpt-4.1-mini documented = 2048 / 6144 at every level
    "gpt-4.1-mini": (162, 6636, 1659, 6636, 6636, 6636),
}


@pytest.mark.parametrize("rules", BOTH)
@pytest.mark.parametrize(("model", "small", "big", "low", "big_low", "original", "auto"),
                         PROFILES)
def test_patch_profiles(model, small, big, low, big_low, original, auto, rules):
    if rules == "documented" and model in PROFILES_DOCUMENTED:
        small, big, low, big_low, original, auto = PROFILES_DOCUMENTED[model]
    got = (calc.tokens(320, 320, model, "high", rules=rules),
           calc.tokens(2048, 2048, model, "high", rules=rules),
           calc.tokens(1024, 1024, model, "low", rules=rules),
           calc.tokens(4096, 4096, model, "low", rules=rules),
           calc.tokens(4096, 4096, model, "original", rules=rules),
           calc.tokens(4096, 4096, model, "auto", rules=rules))
    assert got == (small, big, low, big_low, original, auto)


def test_gpt_5_4_low_can_cost_more_than_high():
    # §4: low is 2048 / 6144. 4096² → 2048² = 4096 patches → 4916; high: 2500 → 3000
    low = calc.tokens(4096, 4096, "gpt-5.4", "low")
    assert (low, calc.tokens(4096, 4096, "gpt-5.4", "high")) == (4916, 3000)


AUTO = [  # §6: auto = original on gpt-5.5, gpt-5.6-*, gpt-6-*; = high elsewhere
    *[(m, "original") for m in GPT6 + GPT56 + ["gpt-5.5"]],
    *[(m, "high") for m in GPT54 + ["gpt-5.2", "gpt-4.1-mini", "gpt-5-mini", "gpt-5-nano",
                                     "gpt-4.1-nano", "o4-mini"]],
    *[(m, "high") for m in ["gpt-5.1", "gpt-5", "gpt-4o", "gpt-4.1", "gpt-4o-mini", "o3",
                            "o1", "o1-pro", "gpt-5-chat-latest", "computer-use-preview",
                            "gpt-4.5-preview"]],
]


@pytest.mark.parametrize(("model", "effective"), AUTO)
def test_auto_means(model, effective):
    assert calc.estimate(100, 100, model).effective_detail == effective  # omitted = auto
    assert calc.estimate(100, 100, model, "auto").effective_detail == effective


LOW_IS_HIGH = ["gpt-5-mini", "gpt-5-nano", "gpt-4.1-nano", "o4-mini", "gpt-4.1-mini"]


@pytest.mark.parametrize("model", LOW_IS_HIGH)
@pytest.mark.parametrize(("w", "h"), [(128, 64), (1600, 1600), (4000, 1474)])
def test_low_is_high_on_the_1536_patch_models(model, w, h):
    # §4: "= high" — measured: detail low has no effect on the 1,536-patch models
    low = calc.estimate(w, h, model, "low")
    assert low.tokens == calc.tokens(w, h, model, "high")
    assert low.effective_detail == "high"


NO_ORIGINAL = ["gpt-5.2", "gpt-4.1-mini", "gpt-5-mini", "gpt-5-nano", "gpt-4.1-nano", "o4-mini"]


@pytest.mark.parametrize("model", NO_ORIGINAL)
def test_original_where_absent_is_high_with_a_note(model):
    e = calc.estimate(4096, 4096, model, "original")
    assert "original" not in calc.resolve_model(model).details
    assert e.effective_detail == "high"
    assert e.tokens == calc.tokens(4096, 4096, model, "high")
    assert any("original" in n.text and "high" in n.text for n in e.notes)


def test_gpt_5_2_says_documented_not_measured():
    e = calc.estimate(1024, 1024, "gpt-5.2", "high")
    assert any("documented, not measured" in n.text for n in e.notes)


@pytest.mark.parametrize("model", GPT6[1:])
def test_gpt_6_models_without_a_guide_row_say_inferred(model):
    # §4: the guide has no row for them; their profile is gpt-6-astra's, inferred
    assert any(n.kind == "inferred" for n in calc.estimate(2048, 2048, model, "high").notes)


def test_gpt_6_astra_profile_is_documented_not_inferred():
    assert not any(n.kind == "inferred" for n in calc.estimate(2048, 2048, "gpt-6-astra").notes)


# ---- §14: where the rule sets differ -------------------------------------------------------------

DIFFER = [  # gpt-4.1-mini: billing 1,536 patches, documented 6,144 (both with the 2048 fit)
    # 2400×1800: billing 1408×1056 = 1452 → 2353 (measured); documented fit → 2048×1536 =
    # 64 × 48 = 3072 ≤ 6144 → ⌈3072 × 1.62⌉ = ⌈4976.64⌉ = 4977 (the spec's figure)
    ("gpt-4.1-mini", 2400, 1800, "high", 2353, 4977),
    ("gpt-4.1-mini", 1800, 2400, "high", 2353, 4977),
    # 1600×1600: billing 1521 → 2465; documented 2500 ≤ 6144 → ⌈2500 × 1.62⌉ = 4050
    ("gpt-4.1-mini", 1600, 1600, "high", 2465, 4050),
    ("gpt-4.1-mini", 1600, 1600, "low", 2465, 4050),
    ("gpt-4.1-mini", 1600, 1600, "auto", 2465, 4050),
    # 1560×1040: billing 48 × 32 = 1536 → 2489 (§13); documented 49 × 33 = 1617 → 2620
    ("gpt-4.1-mini", 1560, 1040, "high", 2489, 2620),
]


@pytest.mark.parametrize(("model", "w", "h", "detail", "billing", "documented"), DIFFER)
def test_rule_sets_differ(model, w, h, detail, billing, documented):
    assert calc.tokens(w, h, model, detail, rules="billing") == billing
    assert calc.tokens(w, h, model, detail, rules="documented") == documented
    b = calc.estimate(w, h, model, detail, rules="billing")
    d = calc.estimate(w, h, model, detail, rules="documented")
    assert (b.tokens, d.tokens) == (billing, documented)
    assert any(n.kind == "differs" and f"{documented:,}" in n.text for n in b.notes)
    assert any(n.kind == "differs" and f"{billing:,}" in n.text for n in d.notes)
    assert any("re-measure" in n.text.lower() for n in b.notes if n.kind == "differs")


SAME = [  # documented = billing where nothing differs: no "differs" note
    ("gpt-4.1-mini", 4000, 1474, "high", 2489),  # 1536 patches under both (fit first)
    ("gpt-4.1-mini", 128, 64, "low", 13),
    ("gpt-5-mini", 512, 512, "high", 308),  # the 2025 guide's ×1.62 is history only (§15)
    ("gpt-5-nano", 1600, 1600, "high", 2282),
    ("gpt-5.2", 512, 512, "high", 308),
    ("gpt-5.4-mini", 1600, 1600, "high", 3000),  # the early-2026 guide's 1,536 is history
]


@pytest.mark.parametrize(("model", "w", "h", "detail", "expected"), SAME)
def test_rule_sets_agree(model, w, h, detail, expected):
    for rules in BOTH:
        e = calc.estimate(w, h, model, detail, rules=rules)
        assert e.tokens == expected
        assert not any(n.kind == "differs" for n in e.notes)


# ---- §5: the 30,000-patch rejection --------------------------------------------------------------

REJECTION = [  # model, detail, w, h, accepted, patches, tokens (None: rejected)
    # measured: 7952×5304 at auto → 249 × 166 = 41,334 patches
    *[(m, "auto", 7952, 5304, False, 41334, None) for m in GPT6 + GPT56],
    *[(m, "original", 7952, 5304, False, 41334, None) for m in ["gpt-6-sol", "gpt-5.6-sol"]],
    # the edge: 6400×4800 = 200 × 150 = 30,000 patches → accepted, ⌈30000 × 1.2⌉ = 36000
    ("gpt-6-sol", "auto", 6400, 4800, True, 30000, 36000),
    ("gpt-6-sol", "original", 6400, 4800, True, 30000, 36000),
    ("gpt-5.6-sol", "original", 4800, 6400, True, 30000, 36000),
    # 30,001 = 19 × 1579: 608×50528 → 19 × 1579 patches; 577×50497 → ⌈18.03⌉ × ⌈1578.03⌉ too
    ("gpt-6-sol", "original", 608, 50528, False, 30001, None),
    ("gpt-6-sol", "auto", 50528, 608, False, 30001, None),
    ("gpt-6-sol", "original", 577, 50497, False, 30001, None),
    ("gpt-5.6-sol", "original", 608, 50528, False, 30001, None),
    # one patch row fewer: 608×50496 = 19 × 1578 = 29,982 → ⌈35978.4⌉ = 35979
    ("gpt-6-sol", "original", 608, 50496, True, 29982, 35979),
    ("gpt-6-sol", "auto", 6401, 4800, False, 30150, None),  # 201 × 150
    ("gpt-5.6-sol", "auto", 6400, 4801, False, 30200, None),  # 200 × 151
    # the largest accepted size of 7952×5304 (measured accepted): 212 × 141 = 29,892 →
    # ⌈29892 × 1.2⌉ = ⌈35870.4⌉ = 35871
    ("gpt-6-sol", "auto", 6764, 4512, True, 29892, 35871),
    ("gpt-5.6-sol", "auto", 6764, 4512, True, 29892, 35871),
    # profiles with a budget never reach the limit
    ("gpt-5.5", "auto", 7952, 5304, True, 9882, 11859),
    ("gpt-5.4", "original", 7952, 5304, True, 9882, 11859),  # the same 6000 / 10000 profile
    ("gpt-6-sol", "high", 65535, 65535, True, 2500, 3000),
    ("gpt-5.6-sol", "high", 65535, 65535, True, 2500, 3000),
]


@pytest.mark.parametrize("rules", BOTH)
@pytest.mark.parametrize(("model", "detail", "w", "h", "accepted", "patches", "expected"),
                         REJECTION)
def test_rejection_edge(model, detail, w, h, accepted, patches, expected, rules):
    e = calc.estimate(w, h, model, detail, rules=rules)
    assert (e.accepted, e.units, e.tokens) == (accepted, patches, expected)
    if accepted:
        assert e.reason is None and e.largest_accepted is None and e.usd is not None
        assert calc.tokens(w, h, model, detail, rules=rules) == expected
    else:
        assert e.usd is None
        assert e.reason == f"rejected by the API: {patches:,} patches > 30,000"
        with pytest.raises(calc.ImageRejectedError) as info:
            calc.tokens(w, h, model, detail, rules=rules)
        assert (info.value.patches, info.value.limit) == (patches, 30000)
        assert isinstance(info.value, calc.CalcError)


@pytest.mark.parametrize("model", ["gpt-5.6-sol", "gpt-6-sol"])
def test_measured_rejection_and_its_ways_out(model):
    e = calc.estimate(7952, 5304, model, "auto")
    assert not e.accepted and e.tokens is None and e.usd is None
    assert e.units == 41334
    assert "41,334 patches > 30,000" in e.reason
    assert e.largest_accepted == (6764, 4512)  # §5: shrink(w×h, 30000), measured accepted
    with pytest.raises(calc.ImageRejectedError) as info:
        calc.tokens(7952, 5304, model)
    assert info.value.patches == 41334
    assert info.value.limit == 30000
    assert info.value.largest_accepted == (6764, 4512)
    assert "41,334" in str(info.value)
    # way out 1: the same image at high → 2400 patches → 2880 (worked above)
    assert calc.tokens(7952, 5304, model, "high") == 2880
    # way out 2: the largest accepted size, accepted at the same detail
    assert calc.estimate(6764, 4512, model, "auto").units == 29892


def test_largest_accepted_of_a_30001_patch_image():
    # shrink(608×50528, 30000): kw = isqrt(⌊30000·608/50528⌋ = 360) = 18,
    # kh = isqrt(2,493,157) = 1578 → r' = min(576/608, 50496/50528) = 576/608 →
    # 576 × ⌊50528·576/608⌋ = 576 × 47868 → 18 × 1496 = 26,928 patches
    e = calc.estimate(608, 50528, "gpt-6-sol", "original")
    assert e.largest_accepted == (576, 47868)
    assert calc.estimate(576, 47868, "gpt-6-sol", "original").units == 26928


@pytest.mark.parametrize(("model", "w", "h"), [
    ("gpt-4o", 65535, 65535), ("gpt-image-1", 30000, 30000), ("gpt-image-2", 30000, 30000),
    ("gpt-4.1-mini", 60000, 60000), ("gpt-5.2", 60000, 60000)])
def test_models_with_a_fit_and_budget_never_reject(model, w, h):
    assert calc.estimate(w, h, model).accepted


# ---- §13: knife edges ----------------------------------------------------------------------------

KNIFE = [  # model, w, h, detail, exact tokens, patches fewer in floats
    # gpt-5.4 1659×1659 high: 52 × 52 > 2500; B·w/h = 2500 = 50² → exact 50 × 50 = 2500 →
    # 3000; floats 49 × 49 = 2401 → ⌈2881.2⌉ = 2882: 99 patches fewer
    ("gpt-5.4", 1659, 1659, "high", 3000, 99),
    # gpt-4.1-mini 1560×1040: B·w/h = 2304 = 48², B·h/w = 1024 = 32² → exact 48 × 32 = 1536 →
    # 2489; floats 47 × 31 = 1457 → ⌈2360.34⌉ = 2361: 79 patches fewer
    ("gpt-4.1-mini", 1560, 1040, "high", 2489, 79),
]


@pytest.mark.parametrize(("model", "w", "h", "detail", "expected", "fewer"), KNIFE)
def test_knife_edge_sizes_carry_a_boundary_note(model, w, h, detail, expected, fewer):
    e = calc.estimate(w, h, model, detail)
    assert e.tokens == expected
    boundary = [n for n in e.notes if n.kind == "boundary"]
    assert [n.text for n in boundary] == [  # §13's wording
        f"on a patch boundary: a floating-point implementation counts {fewer} fewer patches; "
        "a Verify count settles it"]


def test_the_float_figures_of_the_knife_edges():
    # the figures a float implementation gets (§13): 2401 and 1457 patches
    assert r.float_patches(1659, 1659, 2500) == 2401
    assert r.float_patches(1560, 1040, 1536) == 1457


@pytest.mark.parametrize(("model", "w", "h"), [
    ("gpt-5-mini", 1800, 2400),  # B·w/h = 1152, B·h/w = 2048: neither a square
    ("gpt-5.4", 1601, 1600),  # 2501 and 2498
    ("gpt-5.4", 1024, 1024),  # within budget: no shrink at all
    ("gpt-4.1-mini", 1560, 1040),  # documented: 1617 ≤ 6144, no shrink (checked below)
])
def test_ordinary_sizes_have_no_boundary_note(model, w, h):
    rules = "documented" if model == "gpt-4.1-mini" else "billing"
    assert not any(n.kind == "boundary" for n in calc.estimate(w, h, model, "high",
                                                               rules=rules).notes)


# ---- §7: gpt-image models reading an image -------------------------------------------------------

IMAGE1 = [  # §7: model, w, h, fidelity, tokens
    ("gpt-image-1", 1024, 1025, "low", 194),  # measured
    ("gpt-image-1", 1023, 1024, "low", 194),  # measured
    ("gpt-image-1", 512, 513, "low", 323),  # measured
    ("gpt-image-1.5", 1024, 1025, "low", 194),  # reads inputs like gpt-image-1 (measured)
    ("gpt-image-1.5", 512, 513, "low", 323),
    ("gpt-image-1-mini", 512, 513, "low", 323),
    # 1536×1024: short 1024 → 512, long 768 → 2 × 1 tiles → 65 + 258 = 323
    ("gpt-image-1", 1536, 1024, "low", 323),
    # 4096×1025: fit → 2048×513 → short 513 → 512, long ⌊2048·512/513⌋ = 2044 → 4 tiles → 581
    ("gpt-image-1", 4096, 1025, "low", 581),
    # high fidelity: + 4160 square, + 6240 otherwise; square: (w/h)² strictly inside (2/3, 3/2),
    # w/h of the image as given (the spec's inputs: the pixels the model receives)
    ("gpt-image-1", 1024, 1024, "high", 194 + 4160),
    ("gpt-image-1", 1536, 1024, "high", 323 + 6240),  # 3:2 is not square
    ("gpt-image-1", 1024, 1536, "high", 323 + 6240),
    # 1224×1000: 1224² = 1,498,176 < 1.5 × 10⁶ → square; 626 × 512 → 2 tiles
    ("gpt-image-1", 1224, 1000, "high", 323 + 4160),
    ("gpt-image-1.5", 1000, 1224, "high", 323 + 4160),
    # 1225×1000: 1225² = 1,500,625 > 1.5 × 10⁶ → not square; 627 × 512 → 2 tiles
    ("gpt-image-1", 1225, 1000, "high", 323 + 6240),
    ("gpt-image-1.5", 1000, 1225, "high", 323 + 6240),
]


@pytest.mark.parametrize(("model", "w", "h", "fidelity", "expected"), IMAGE1)
def test_gpt_image_1_family_reads_inputs(model, w, h, fidelity, expected):
    for rules in BOTH:
        assert calc.tokens(w, h, model, "auto", fidelity, rules) == expected
        e = calc.estimate(w, h, model, "high", fidelity, rules)
        assert e.tokens == expected
        if fidelity == "high":
            assert any(n.kind == "inferred" and "square" in n.text for n in e.notes)


def test_gpt_image_1_mini_high_fidelity_is_an_error():
    for fn in (calc.estimate, calc.tokens):
        with pytest.raises(calc.UnsupportedFidelityError, match="low"):
            fn(1024, 1024, "gpt-image-1-mini", "auto", "high")


@pytest.mark.parametrize("model", ["gpt-image-1", "gpt-image-1.5", "gpt-image-2",
                                   "gpt-image-2.6-sunburst"])
def test_gpt_image_models_have_no_low_detail(model):
    # §6: low on gpt-image models is an error that says to use fidelity, or that it is fixed
    for fn in (calc.estimate, calc.tokens):
        with pytest.raises(calc.UnsupportedDetailError, match="fidelity"):
            fn(1024, 1024, model, "low")


IMAGE2 = [  # §7 (inferred): w, h, tokens (= patches), size counted
    # 512×512: long 512 < 1024 → min(1024, 1024) = 1024 → 1024² = 32 × 32
    (512, 512, 1024, (1024, 1024)),
    # 300×200: long → min(1024, 600) = 600, short 400 → ⌈600/32⌉ × ⌈400/32⌉ = 19 × 13
    (300, 200, 247, (600, 400)),
    (1024, 1024, 1024, (1024, 1024)),  # long side 1024: not enlarged
    # 999×500: → 1024 × 512.51 → 513 (half up; floor would be 512) → 32 × 17 = 544
    (999, 500, 544, (1024, 513)),
    (500, 999, 544, (513, 1024)),  # portrait, the same rounding
    # 2048×2048: no 2048 fit; 4096 > 1536 → shrink to 1248² = 39 × 39 = 1521
    (2048, 2048, 1521, (1248, 1248)),
    # 3000×500: aspect cap → 3000 × ⌈3000/3⌉ = 3000×1000 = 94 × 32 = 3008 > 1536 →
    # shrink: kw = isqrt(4608) = 67, kh = isqrt(512) = 22 → 2112×704 = 66 × 22 = 1452
    (3000, 500, 1452, (2112, 704)),
    # 400×100: enlarge → 800×200; 800 > 600 → 800 × 267 → 25 × 9 = 225
    (400, 100, 225, (800, 267)),
    (100, 400, 225, (267, 800)),
    # 3072×1024 is exactly 3:1: no cap → 96 × 32 = 3072 > 1536 → kw = isqrt(4608) = 67,
    # kh = isqrt(512) = 22 → r' = min(2144/3072, 704/1024) = 704/1024 → 2112×704 → 1452
    (3072, 1024, 1452, (2112, 704)),
]


@pytest.mark.parametrize("model", ["gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst",
                                   "gpt-image-2.6-flare", "gpt-image-2.6-sunburst"])
@pytest.mark.parametrize(("w", "h", "expected", "seen"), IMAGE2)
def test_gpt_image_2_family_reads_inputs(model, w, h, expected, seen):
    e = calc.estimate(w, h, model)
    assert (e.tokens, e.units, e.grid.image) == (expected, expected, seen)
    assert calc.tokens(w, h, model) == expected
    assert calc.tokens(w, h, model, fidelity="high") == expected  # fidelity is fixed: no extra
    assert any(n.kind == "inferred" for n in e.notes)
