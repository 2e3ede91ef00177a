"""The Dask recipe (calc.views.manifest_dask) on a local cluster of two workers: the same totals
as the single process (`python -m calc plan`'s path) for the same Parquet partitions."""

from __future__ import annotations

import dask.dataframe as dd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

from calc.engine.errors import CalcError
from calc.views.manifest import plan_files
from calc.views.manifest_dask import totals_on_dask

MODELS = ["gpt-6-luna", "gpt-5.4-mini"]
# dask's own Parquet reader still calls reset_index(inplace=True), which pandas 3.1 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


def write_partitions(folder, parts: int = 4, rows: int = 5000) -> list:
    """A lake's worth in miniature: sizes of every kind (some rejected, some 200 MP), counts,
    details, rows naming a model, and bad rows (missing, fractional, unknown model)."""
    rng = np.random.default_rng(11)
    paths = []
    for i in range(parts):
        width = rng.integers(1, 30_000, rows).astype(float)
        width[rng.random(rows) < 0.01] = np.nan  # missing
        width[rng.random(rows) < 0.01] = 10.5  # not a whole number
        table = pa.table({
            "Width": width, "height": rng.integers(1, 12_000, rows),
            "count": rng.integers(1, 6, rows),
            "detail": rng.choice(["", "low", "high", "original"], rows),
            "model": rng.choice(["", "", "", "gpt-4o", "no-such-model"], rows),
        })
        path = folder / f"part-{i}.parquet"
        pq.write_table(table, path)
        paths.append(path)
    return paths


def test_a_dask_cluster_reaches_the_single_process_totals(tmp_path, client):
    paths = write_partitions(tmp_path)
    single = plan_files(paths, MODELS)
    on_dask = totals_on_dask(dd.read_parquet(str(tmp_path)), MODELS)
    assert client.run(lambda: 1) and len(client.scheduler_info()["workers"]) == 2
    assert on_dask.rows == single.rows == 20_000
    assert on_dask.bad_rows == single.bad_rows > 0
    assert on_dask.models == single.models
    assert [t.model for t in on_dask.models] == ["gpt-6-luna", "gpt-5.4-mini", "gpt-4o"]
    assert on_dask.models[0].rejected > 0  # gpt-6-luna rejects the big ones at auto


def test_a_model_that_cannot_read_images_is_refused_before_any_work(tmp_path, client):
    write_partitions(tmp_path, parts=1, rows=10)
    with pytest.raises(CalcError, match="makes images"):
        totals_on_dask(dd.read_parquet(str(tmp_path)), ["gpt-image-2"])
