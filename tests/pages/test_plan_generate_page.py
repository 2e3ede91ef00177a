"""Plan's Generate view under AppTest for gpt-image-2.5 / 2.6 (metering.md §8.3): no number of its
own; the typed tokens per image, prefilled from a matching third-party measurement (1536×1024
low → 664), priced at $30 per 1M image output (§9); 2.6's options; its missing Batch tier; the
settings in the link.

By hand: 664 × 30 / 1M = $0.01992 → "$0.0199"; 1,353 × 30 / 1M = $0.04059 → "$0.0406";
900 × 30 / 1M = $0.027 → "$0.0270"; a day of 100 requests of 664: $1.992 → "$1.99".
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.apptest import address, page, run, shown

PAGE = page("plan.py")
pytestmark = pytest.mark.today("2026-12-03")


def generate(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    run(at)
    at.segmented_control(key="plan_view").set_value("generate")
    return run(at)


def choose(at: AppTest, model: str, quality: str, size: str) -> AppTest:
    at.selectbox(key="gen_model").set_value(model)
    run(at)
    at.segmented_control(key="gen_quality").set_value(quality)
    at.selectbox(key="gen_size").set_value(size)
    return run(at)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def link(at: AppTest) -> dict[str, str]:
    return address(at)  # what the page wrote into the browser's address bar


def test_2_6_prefilled_from_the_measurement_and_priced():
    at = choose(generate(), "gpt-image-2.6-flare", "low", "1536x1024")
    assert at.number_input(key="gen_tokens_field").value == 664
    shown = metrics(at)
    assert shown["Per image"] == "$0.0199" and shown["Per day"] == "$1.99"  # 100 a day
    assert any("third-party measurement, not OpenAI's: 664 output tokens" in i.value
               for i in at.info)
    assert "664 tokens per image (yours)" in captions(at)
    assert link(at)["gtokens"] == "664"


def test_no_matching_measurement_leaves_the_field_empty_and_says_so():
    at = choose(generate(), "gpt-image-2.6-sunburst", "medium", "1024x1024")
    assert at.number_input(key="gen_tokens_field").value is None
    assert any("no measurement matches 1024×1024 medium" in w.value for w in at.warning)
    assert metrics(at)["Per image"] == "unpublished"
    assert "unpublished" in captions(at)
    at.number_input(key="gen_tokens_field").set_value(1353)
    run(at)
    assert metrics(at)["Per image"] == "$0.0406"
    assert link(at)["gtokens"] == "1353"


def test_a_typed_count_survives_a_change_of_size_and_a_prefill_follows_it():
    at = choose(generate(), "gpt-image-2.6-flare", "low", "1536x1024")
    at.selectbox(key="gen_size").set_value("1024x1024")
    run(at)  # the prefill was 664, nothing typed: no point at 1024×1024 → empty
    assert at.number_input(key="gen_tokens_field").value is None
    at.number_input(key="gen_tokens_field").set_value(900)
    run(at)
    at.selectbox(key="gen_size").set_value("1536x1024")
    run(at)  # the user's 900 stays
    assert at.number_input(key="gen_tokens_field").value == 900
    assert metrics(at)["Per image"] == "$0.0270"


def test_a_link_restores_the_typed_tokens_and_2_6s_options():
    at = generate(gmodel="gpt-image-2.6-flare", gquality="low", gsize="1536x1024",
                  gtokens="900", gcomplexity="medium", gformat="gif", gframes="5")
    assert at.number_input(key="gen_tokens_field").value == 900
    assert at.segmented_control(key="gen_complexity").value == "medium"
    assert at.selectbox(key="gen_format").value == "gif"
    assert at.number_input(key="gen_frames").value == 5
    assert metrics(at)["Per image"] == "$0.0270"
    text = captions(at)
    assert "complexity 'medium': its effect on output tokens is unpublished" in text
    assert "GIF output (5 frames): its effect on output tokens is unpublished" in text
    assert link(at)["gtokens"] == "900" and link(at)["gframes"] == "5"


def test_a_gif_over_the_pixel_total_is_a_clear_error():
    at = choose(generate(), "gpt-image-2.6-flare", "high", "3840x2160")
    at.selectbox(key="gen_format").set_value("gif")
    run(at)
    assert any("within 8,294,400 pixels" in shown(e.value) for e in at.error)


def test_2_6_has_no_batch_tier():
    at = choose(generate(), "gpt-image-2.6-sunburst", "high", "1536x1024")
    at.segmented_control(key="gen_tier").set_value("batch")
    run(at)
    assert any("does not offer the Batch tier" in e.value and "Standard" in e.value
               for e in at.error)


def test_gpt_image_2_has_no_typed_field_and_no_2_6_options():
    at = generate()
    assert metrics(at)["Per image"] == "$0.0527"  # medium 1024×1024: 1,756 × 30 / 1M
    keys = {n.key for n in at.number_input}
    assert "gen_tokens_field" not in keys and "gen_frames" not in keys
    assert all(s.key != "gen_complexity" for s in at.segmented_control)
    assert link(at)["gtokens"] == "0"  # nothing typed
