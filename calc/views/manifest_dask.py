"""The same per-batch pricing on a Dask cluster, for manifests already in a data lake.

Optional: `pip install -r requirements-dask.txt` (dask and distributed; `make test` installs
them). The single process (`python -m calc plan`) is enough for a file on one machine; Dask is for
billions of rows spread over Parquet partitions that already live in object storage. The recipe:

    import dask.dataframe as dd
    from calc.views.manifest import PRICED_META, price_batch, sum_priced

    models = ["gpt-6-luna", "gpt-5.4-mini"]
    parts = dd.read_parquet("s3://lake/manifests/")          # width, height[, count, detail, model]
    priced = parts.map_partitions(price_batch, models, meta=PRICED_META)  # one small frame each
    totals = sum_priced(priced.compute(), models)            # the sum, exact (Python integers)

Each partition is checked by the same rules, collapsed to its distinct sizes and priced by the
same function as the CLI's batches (calc.views.manifest.price_batch, a pure function of a pandas
batch), so the totals are the CLI's to the token. Only a few rows per partition come back to be
summed. Bad rows are counted, not listed (run the CLI on one partition to see them).
"""

from __future__ import annotations

from collections.abc import Sequence

from calc.views.manifest import PRICED_META, PlanTotals, compared_models, price_batch, sum_priced


def totals_on_dask(frame, models: Sequence[str], detail: str = "auto",
                   rules: str = "billing") -> PlanTotals:
    """The recipe above: `frame` a dask DataFrame of manifest rows (e.g. dd.read_parquet);
    computed on the current Dask client's cluster."""
    compared = list(compared_models(models))  # a bad model is said before any work is sent
    priced = frame.map_partitions(price_batch, compared, detail, rules, meta=PRICED_META)
    return sum_priced(priced.compute(), compared)
