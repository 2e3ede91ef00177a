"""One path for a workload file, whatever its size — Plan's upload and `python -m calc plan`:

    read      calc.adapters.manifest_files  (CSV or Parquet, batch by batch; images and zips:
                                             calc.views.plan.workload.read_images)
    checked   calc.engine.manifest.check_batch     (the one set of rules; bad rows named)
    collapsed calc.engine.manifest.distinct_sizes  (the one collapse)
    priced    calc.views.plan.totals.price_workload → model_totals  (the one pricing)

Plan keeps each batch's distinct sizes (memory follows the distinct sizes, not the rows) and
prices them once, for its tables; the CLI prices batch by batch and sums (`price_rows`), so its
memory stays flat. Both read the same rows, flag the same bad rows with the same reasons, and
reach the same totals. `price_batch` is the per-batch step as a pure function of a pandas batch:
what a Dask cluster maps over a data lake's partitions (calc.views.manifest_dask).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from calc.adapters.manifest_files import (
    EmptyManifestError,
    Manifest,
    ManifestError,
    Source,
    clean_name,
    name_list,
    open_regular,
    path_text,
)
from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError
from calc.engine.manifest import CheckedBatch, check_batch, distinct_sizes, plannable
from calc.engine.pricing import cost_usd, usd
from calc.views.plan.totals import model_totals, price_workload
from calc.views.plan.workload import (
    Skipped,
    Workload,
    is_image_data,
    is_zip,
    nothing_to_plan,
    read_images,
    shown_bad_rows,
)

MAX_BAD_KEPT = 5_000  # bad rows tabled for the page (all are counted)
MERGE_EVERY = 8  # batches of distinct sizes kept before they are collapsed together
PRICED_COLUMNS = ("model", "rows", "bad_rows", "images", "image_tokens", "rejected")
BATCH = ""  # the `model` of price_batch's row that counts the batch's rows and bad rows
Progress = Callable[[float, str], None]  # (share done, what to say)


@dataclass(frozen=True)
class ModelTotal:
    model: str
    images: int  # the rejected ones included
    image_tokens: int
    rejected: int  # images the API would refuse (30,000 patches): never priced
    usd: Decimal | None  # standard tier today unless repriced; None where no price is known
    note: str = ""  # why there is no price (a tier the model does not offer)

    def to_dict(self) -> dict:
        out = {"model": self.model, "images": self.images, "image_tokens": self.image_tokens,
               "usd": None if self.usd is None else str(self.usd), "rejected": self.rejected}
        return out | ({"note": self.note} if self.note else {})

    def priced(self, tier: str, on: date | str | None) -> ModelTotal:
        """The same totals priced at a tier on a day (unpriced, with the reason, where the
        model does not offer the tier)."""
        try:
            return replace(self, usd=cost_usd(self.image_tokens, self.model, tier, on))
        except CalcError as error:
            return replace(self, usd=None, note=str(error))


@dataclass(frozen=True)
class PlanTotals:
    """What a workload costs per model (standard tier, exact), and the rows read and left out;
    `bad_examples`: (where, why) of the first bad rows."""

    rows: int
    bad_rows: int
    models: tuple[ModelTotal, ...]
    bad_examples: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        return {"rows": self.rows, "bad_rows": self.bad_rows,
                "models": [t.to_dict() for t in self.models],
                "bad_examples": [{"where": w, "reason": r} for w, r in self.bad_examples]}


# --- pricing, batch by batch ---------------------------------------------------------------------


def compared_models(models: Iterable[str]) -> tuple[str, ...]:
    """Catalogue names of the models rows that name none are costed on (CalcError if one
    cannot read images)."""
    return tuple(dict.fromkeys(plannable(m) for m in models))


def price_rows(good: pd.DataFrame, models: Sequence[str], detail: str = "auto",
               rules: str = "billing") -> pd.DataFrame:
    """Good rows (width, height, count, detail, model) priced: one row per model costed, with
    its images, image tokens and rejected images (PRICED_COLUMNS; rows and bad_rows 0)."""
    sizes, _ = distinct_sizes(good)
    totals = model_totals(price_workload(sizes, models, detail, rules))
    return pd.DataFrame(
        [(t.model, 0, 0, int(t.images), int(t.image_tokens), int(t.rejected_images))
         for t in totals], columns=list(PRICED_COLUMNS)).astype(_DTYPES)


def price_batch(batch: pd.DataFrame, models: Sequence[str], detail: str = "auto",
                rules: str = "billing") -> pd.DataFrame:
    """A pandas batch of manifest rows (width, height[, count, detail, model], as read) checked,
    collapsed and priced: PRICED_COLUMNS, one row per model costed and one (model BATCH) with the
    batch's rows and bad rows. Pure: the same batch always gives the same frame, so batches can
    be priced anywhere (a Dask worker) and summed with `sum_priced`."""
    checked = check_batch(batch.rename(columns=clean_name), keep=0, label_good=False)
    return pd.concat([_counts(len(batch), checked.bad_count),
                      price_rows(checked.good, models, detail, rules)], ignore_index=True)


def _counts(rows: int, bad: int) -> pd.DataFrame:
    return pd.DataFrame([(BATCH, rows, bad, 0, 0, 0)], columns=list(PRICED_COLUMNS)).astype(_DTYPES)


_DTYPES = {"model": object} | {c: np.int64 for c in PRICED_COLUMNS[1:]}
PRICED_META = pd.DataFrame({c: pd.Series(dtype=t) for c, t in _DTYPES.items()})


def sum_priced(priced: pd.DataFrame | Iterable[pd.DataFrame], models: Sequence[str],
               bad_examples: Sequence[tuple[str, str]] = ()) -> PlanTotals:
    """Priced batches added up exactly (Python integers): the compared models first, in the
    order given, then the models rows named themselves."""
    frames = [priced] if isinstance(priced, pd.DataFrame) else list(priced)
    sums: dict[str, list[int]] = {m: [0, 0, 0] for m in compared_models(models)}
    rows = bad = 0
    for frame in frames:
        for model, r, b, images, tokens, rejected in frame.itertuples(index=False, name=None):
            rows, bad = rows + int(r), bad + int(b)
            if model != BATCH:
                acc = sums.setdefault(model, [0, 0, 0])
                acc[0], acc[1], acc[2] = acc[0] + int(images), acc[1] + int(tokens), \
                    acc[2] + int(rejected)
    return PlanTotals(rows, bad, tuple(
        ModelTotal(m, i, t, r, usd(t, resolve_model(m).price_input))
        for m, (i, t, r) in sums.items()), tuple(bad_examples))


# --- reading: one file, batch by batch -----------------------------------------------------------


def _checked(m: Manifest, keep: int, on_progress: Progress | None) -> Iterator[CheckedBatch]:
    """The manifest's batches through the rules; the first `keep` bad rows tabled in all.
    A manifest without a single row is said to be empty."""
    rows = 0
    for batch in m.batches():
        checked = check_batch(batch.frame, batch.where, m.label, batch.too_wide, len(m.columns),
                              keep=keep, label_good=False)
        keep -= len(checked.bad)
        rows += len(batch.frame)
        if on_progress is not None:
            share = batch.done / m.size if m.size else 1.0
            on_progress(min(share, 1.0), f"Read {rows:,} rows ({share:.0%})")
        yield checked
    if rows == 0:
        raise EmptyManifestError(f"{m.name} has a header but no rows: nothing to plan" if
                                 m.kind == "csv" else f"{m.name} has no rows: nothing to plan")


def read_manifest(source: Source, name: str = "", on_progress: Progress | None = None
                  ) -> Workload:
    """A CSV or Parquet file as Plan's workload: its distinct sizes with summed counts, the first
    MAX_BAD_KEPT bad rows (all counted) and what to say about the file."""
    parts: list[pd.DataFrame] = []
    bad: list[pd.DataFrame] = []
    rows = bad_count = 0
    with Manifest(source, name) as m:
        for checked in _checked(m, MAX_BAD_KEPT, on_progress):
            rows += len(checked.ok)
            bad_count += checked.bad_count
            if len(checked.bad):
                bad.append(checked.bad)
            parts.append(distinct_sizes(checked.good)[0])
            if len(parts) > MERGE_EVERY:  # memory follows the distinct sizes, not the rows
                parts = [_merge(parts)]
        unused = m.unused
    sizes = _merge(parts)
    notices = [f"{rows:,} row{'s' if rows != 1 else ''} read: {len(sizes):,} distinct "
               f"size{'s' if len(sizes) != 1 else ''}."]
    if unused:
        notices.append(f"Columns not used: {name_list(unused)}.")
    table = shown_bad_rows(pd.concat(bad, ignore_index=True)) if bad else pd.DataFrame()
    return Workload(sizes, table, notices=tuple(notices), bad_total=bad_count)


def _merge(parts: list[pd.DataFrame]) -> pd.DataFrame:
    return distinct_sizes(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0])[0]


# --- the CLI: files of any kind, priced batch by batch -------------------------------------------


EXAMPLES = 5  # bad rows the CLI names


def plan_files(paths: Sequence[str | Path], models: Sequence[str], detail: str = "auto",
               rules: str = "billing") -> PlanTotals:
    """What the files cost (`python -m calc plan`): manifests (CSV, Parquet) streamed and priced
    batch by batch; images and zips of images read from their headers. Each path must be a
    regular file (a pipe, a device or a directory is refused at once)."""
    compared = compared_models(models)
    priced: list[pd.DataFrame] = []
    examples: list[tuple[str, str]] = []
    left_out: list[Skipped] = []  # image files left out, for the message when none is read
    manifests = images = 0
    for path in paths:
        name = path_text(path)
        prefix = f"{name}: " if len(paths) > 1 else ""
        with open_regular(path) as f:
            head = f.read(4096)
            f.seek(0)
            if head[:4] == b"PAR1" or not (is_zip(name, head) or is_image_data(head)):
                manifests += 1
                with Manifest(f, name) as m:
                    for checked in _checked(m, max(0, EXAMPLES - len(examples)), None):
                        examples += [(f"{prefix}{m.label} {where:,}", why) for where, why in
                                     zip(checked.bad[m.label], checked.bad["reason"],
                                         strict=True)]
                        priced.append(_counts(len(checked.ok), checked.bad_count))
                        priced.append(price_rows(checked.good, compared, detail, rules))
                continue
            read = read_images([(name, f)])
        left = [*read.refused, *read.skipped]
        left_out += left
        bad = [(f"{prefix}{s.name}", s.reason) for s in left] + [
            (f"{prefix}{where}", why) for where, why in
            zip(read.bad_rows.get("name", ()), read.bad_rows.get("reason", ()), strict=True)]
        examples += bad[: max(0, EXAMPLES - len(examples))]
        images += len(read.rows) + read.bad_count
        priced.append(_counts(len(read.rows) + len(bad), len(bad)))
        priced.append(price_rows(read.rows, compared, detail, rules))
    if not manifests and not images:
        raise ManifestError(nothing_to_plan(Workload(pd.DataFrame(), skipped=tuple(left_out))))
    return sum_priced(priced, compared, examples[:EXAMPLES])
