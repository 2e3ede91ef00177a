"""inert.md through Streamlit's own Markdown renderer, in chromium: every sample shows as the
characters typed — no link, emphasis, code, heading, list, table, maths, colour, icon or emoji."""

from __future__ import annotations

import pytest

from calc.views import inert
from tests.fakes.app_server import running_app
from tests.fakes.markdown_samples import samples

pytestmark = pytest.mark.browser

# For each sample: the shown text of the plain paragraph and of the alert, and every element
# the rendering made (only the paragraph, and the alert's own bold, may be there).
READ = """() => [...document.querySelectorAll('[class*="st-key-sample_"]')].map(box => {
  const [plain, alert] = box.querySelectorAll('[data-testid="stMarkdownContainer"]');
  return {key: [...box.classList].find(c => c.startsWith('st-key-sample_')),
          plain: plain.innerText, alert: alert.innerText,
          tags: [...plain.querySelectorAll('*')].map(e => e.tagName),
          alertTags: [...alert.querySelectorAll('*')].map(e => e.tagName)};
})"""


def one_line(text: str) -> str:
    """What a browser shows of a paragraph: runs of blanks as one space (inert.JOINER, which
    breaks bare addresses, is invisible)."""
    return " ".join(text.replace(inert.JOINER, "").split())


def test_every_sample_renders_as_its_own_text(page):
    texts = samples()
    with running_app(script="tests/browser/inert_markdown_app.py") as url:
        page.goto(url)
        page.locator(f".st-key-sample_{len(texts) - 1} [data-testid=stAlert]").wait_for(
            timeout=60_000)
        page.wait_for_timeout(1_000)  # maths and emoji load their plugins after a first draw
        found = {row["key"]: row for row in page.evaluate(READ)}
    assert len(found) == len(texts)
    wrong = []
    for i, text in enumerate(texts):
        row = found[f"st-key-sample_{i}"]
        want = one_line(inert.plain(text))
        if (one_line(row["plain"]) != want or set(row["tags"]) - {"P"}
                or one_line(row["alert"]) != one_line(f"{want} said")
                or set(row["alertTags"]) - {"P", "STRONG"}):
            wrong.append((text, row))
    assert not wrong, "\n".join(f"{t!r}: {r}" for t, r in wrong)
