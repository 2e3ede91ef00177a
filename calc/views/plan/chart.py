"""Plan's "$ a month by model" as plain HTML: one bar per model, cheapest on top, each labelled
with the table's own amount.

A chart library would be loaded, fed its JSON and drawn again on every change of the volume; a
few bars of HTML are on screen with the page's text (as Explore's all-models bars are).
"""

from __future__ import annotations

from calc.views.inert import esc
from calc.views.plan.figures import MonthBar

BAR_COLOUR = "#4c78a8"
STYLE = (
    "<style>.pw-month{font-size:0.875rem;margin:0.25rem 0 0.75rem}"
    ".pw-month h5{font-size:0.875rem;font-weight:600;margin:0 0 0.35rem}"
    ".pw-month .pw-row{display:grid;grid-template-columns:minmax(6rem,11rem) 1fr;gap:0.5rem;"
    "align-items:center;margin:0.15rem 0}"
    ".pw-month .pw-model{overflow-wrap:anywhere}"
    ".pw-month .pw-track{display:flex;align-items:center;gap:0.4rem;min-width:0}"
    f".pw-month .pw-fill{{height:0.9rem;border-radius:2px;background:{BAR_COLOUR};"
    "flex:none;min-width:2px}"
    ".pw-month .pw-amount{white-space:nowrap}</style>")


def month_chart_html(bars: tuple[MonthBar, ...], title: str) -> str:
    """The bars in the order given (cheapest first), each as long as its share of the dearest
    (at least a sliver, so a tiny amount still shows); "" when there is nothing to draw."""
    if not bars:
        return ""
    top = max(b.usd for b in bars) or 1.0
    rows = "".join(
        f'<div class="pw-row"><span class="pw-model">{esc(b.model)}</span>'
        f'<span class="pw-track"><span class="pw-fill" style="width:'
        f'{max(b.usd / top * 80, 0.5):.2f}%"></span>'  # 80%: room for the amount beside it
        f'<span class="pw-amount">{esc(b.label)}</span></span></div>'
        for b in bars)
    return f'{STYLE}<div class="pw-month"><h5>{esc(title)}</h5>{rows}</div>'
