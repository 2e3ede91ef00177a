"""calc.adapters.calibration_store: the SQLite log under concurrent writers and crashes."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import calc
from calc.adapters.calibration_store import (
    BadRowError,
    CalibrationLog,
    LogRow,
    SecretInLogError,
    default_path,
    row_from_measurement,
)

REPO = Path(calc.__file__).resolve().parents[1]


def _row(i: int = 0, tag: str = "gpt-5-mini") -> LogRow:
    return LogRow(
        endpoint_host="127.0.0.1:8765", model_requested=tag,
        model_returned="gpt-5-mini-2025-08-07", width=64 + i, height=64, detail="high",
        fidelity="low", method="count", estimate=5, reported=5, baseline=14,
        rules_version="2026-02-07.1",
    )


@pytest.fixture
def log(tmp_path):
    return CalibrationLog(tmp_path / "sub" / "calibration.sqlite3")


def test_add_and_read_back(log):
    first = log.add(_row(0))
    second = log.add(_row(1))
    assert second > first
    rows = log.rows()
    assert [r.id for r in rows] == [first, second]
    assert rows[0] == LogRow(**{**_row(0).__dict__, "id": first, "time": rows[0].time})
    when = datetime.fromisoformat(rows[0].time)
    assert when.tzinfo is not None and when.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - when).total_seconds()) < 60


def test_wal_mode_is_on(log):
    assert log.journal_mode() == "wal"
    conn = sqlite3.connect(log.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_no_column_can_hold_a_key(log):
    conn = sqlite3.connect(log.path)
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(calibration)")]
    finally:
        conn.close()
    assert columns == ["id", "time", "endpoint_host", "model_requested", "model_returned",
                       "width", "height", "detail", "fidelity", "method", "estimate",
                       "reported", "baseline", "rules_version", "session", "cost_usd"]


@pytest.mark.parametrize("field", ["endpoint_host", "model_requested", "model_returned",
                                   "detail", "method", "rules_version", "fidelity"])
@pytest.mark.parametrize("secret", [
    "sk-proj-Abc123Def456Ghi789",
    "sk-abcdefgh12345678",
    "Bearer something",
    "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0",  # 40 mixed characters, no prefix
])
def test_add_refuses_anything_that_looks_like_a_key(log, field, secret):
    row = LogRow(**{**_row().__dict__, field: f"x {secret}"})
    with pytest.raises(SecretInLogError) as info:
        log.add(row)
    assert secret not in str(info.value)
    assert log.rows() == []


def test_ordinary_values_are_not_mistaken_for_keys(log):
    row = LogRow(**{**_row().__dict__, "endpoint_host": "my-desk-server.local:8443",
                    "model_returned": "ft:gpt-4o-mini-2024-07-18:my-org:task-specific:9abc"})
    log.add(row)
    assert len(log.rows()) == 1


# --- money is exact -------------------------------------------------------------------------


@pytest.mark.parametrize(("cost", "stored"), [
    (Decimal("0.0000965"), "0.0000965"),  # a Run: (322 × $0.25 + 8 × $2.00) / 1M
    (Decimal("0.0023825"), "0.0023825"),
    (Decimal("1E-7"), "0.0000001"),  # kept as plain digits, never an exponent
    (Decimal("0.1") + Decimal("0.2"), "0.3"),  # 0.30000000000000004 as floats
    (Decimal(0), "0"),  # the free count
    (None, None),  # not known
])
def test_a_cost_is_stored_as_the_text_of_its_decimal_and_read_back_exactly(log, cost, stored):
    log.add(LogRow(**{**_row().__dict__, "cost_usd": cost}))
    [row] = log.rows()
    assert row.cost_usd == cost and (cost is None or str(row.cost_usd) == str(cost))
    conn = sqlite3.connect(log.path)
    try:
        raw = conn.execute("SELECT cost_usd, typeof(cost_usd) FROM calibration").fetchone()
    finally:
        conn.close()
    assert raw == ((stored, "text") if stored is not None else (None, "null"))
    [line] = list(csv.DictReader(io.StringIO(log.to_csv())))
    assert line["cost_usd"] == (stored or "")


@pytest.mark.parametrize(("sql_type", "value", "read"), [
    ("REAL", 0.0000965, Decimal("0.0000965")),  # an older writer's float: its shortest repr
    ("REAL", 0.1 + 0.2, Decimal("0.30000000000000004")),  # exactly what the float was
    ("", 2.5e-05, Decimal("0.000025")),  # no declared type: the float as stored
    ("TEXT", 9.75e-05, Decimal("0.0000975")),  # TEXT turned the float into '9.75e-05'
    ("TEXT", "twelve", None),  # not an amount: the row is still read
])
def test_older_float_costs_are_still_read(tmp_path, sql_type, value, read):
    path = tmp_path / "older.sqlite3"
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"""CREATE TABLE calibration (id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL, endpoint_host TEXT NOT NULL, model_requested TEXT NOT NULL,
            model_returned TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
            detail TEXT NOT NULL, fidelity TEXT NOT NULL, method TEXT NOT NULL,
            estimate INTEGER NOT NULL, reported INTEGER NOT NULL, baseline INTEGER NOT NULL,
            rules_version TEXT NOT NULL, session TEXT NOT NULL DEFAULT '',
            cost_usd {sql_type})""")
        conn.execute("INSERT INTO calibration VALUES (NULL, '2026-12-01T10:00:00.000+00:00', "
                     "'api.openai.com', 'gpt-5-mini', 'gpt-5-mini', 512, 512, 'high', 'low', "
                     "'run', 308, 308, 14, 'v', '', ?)", (value,))
        conn.commit()
    finally:
        conn.close()
    [row] = CalibrationLog(path).rows()
    assert row.cost_usd == read and (row.reported, row.method) == (308, "run")


def test_a_version_2_file_gains_the_cost_column_and_keeps_its_rows(tmp_path):
    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path)
    try:
        conn.execute("""CREATE TABLE calibration (id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL, endpoint_host TEXT NOT NULL, model_requested TEXT NOT NULL,
            model_returned TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
            detail TEXT NOT NULL, fidelity TEXT NOT NULL, method TEXT NOT NULL,
            estimate INTEGER NOT NULL, reported INTEGER NOT NULL, baseline INTEGER NOT NULL,
            rules_version TEXT NOT NULL, session TEXT NOT NULL DEFAULT '')""")
        conn.execute("INSERT INTO calibration VALUES (NULL, '2026-12-01T10:00:00.000+00:00', "
                     "'api.openai.com', 'gpt-4o', 'gpt-4o', 1, 1, 'high', 'low', 'count', 255, "
                     "255, 14, 'v', 's')")
        conn.commit()
    finally:
        conn.close()
    log = CalibrationLog(path)
    log.add(LogRow(**{**_row().__dict__, "cost_usd": Decimal("0.0000965")}), session="s")
    assert [(r.reported, r.cost_usd) for r in log.rows("s")] == [
        (255, None), (5, Decimal("0.0000965"))]


@pytest.mark.parametrize("cost", [0.0000965, Decimal("-0.01"), Decimal("NaN"),
                                  Decimal("Infinity"), "0.01", 1])
def test_a_cost_that_is_not_an_exact_amount_is_refused(log, cost):
    with pytest.raises(BadRowError, match="cost_usd must be an exact amount of dollars"):
        log.add(LogRow(**{**_row().__dict__, "cost_usd": cost}))
    assert log.rows() == []


def test_delete(log):
    ids = [log.add(_row(i)) for i in range(5)]
    assert log.delete([ids[1], ids[3], 9999]) == 2
    assert [r.id for r in log.rows()] == [ids[0], ids[2], ids[4]]
    assert log.delete([]) == 0


def test_csv_export(log):
    log.add(_row(0))
    log.add(_row(1, tag="gpt-4o"))
    parsed = list(csv.DictReader(io.StringIO(log.to_csv())))
    assert [p["model_requested"] for p in parsed] == ["gpt-5-mini", "gpt-4o"]
    assert parsed[1]["width"] == "65" and parsed[1]["reported"] == "5"
    assert list(parsed[0]) == ["id", "time", "endpoint_host", "model_requested",
                               "model_returned", "width", "height", "detail", "fidelity",
                               "method", "estimate", "reported", "baseline", "rules_version",
                               "cost_usd"]


def test_csv_of_an_empty_log_is_just_the_header(log):
    assert log.to_csv().strip().split(",")[0] == "id"
    assert log.to_csv().count("\n") == 1


def test_row_from_measurement():
    from calc.adapters.openai_usage import (
        Measurement,  # imported here: spawned writers need not load openai
    )

    m = Measurement("run", "gpt-5-mini", "gpt-5-mini-2025-08-07", "high", with_image=322,
                    baseline=14, endpoint_host="api.openai.com")
    row = row_from_measurement(m, width=512, height=512, estimate=308)
    assert (row.reported, row.baseline, row.estimate) == (308, 14, 308)
    assert row.cost_usd is None  # the measurement named no cost
    assert row.rules_version == calc.CATALOGUE_VERSION
    assert row.model_returned == "gpt-5-mini-2025-08-07" and row.method == "run"


def test_default_path_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv("PATCHWORK_CALIBRATION_DB", str(tmp_path / "x.sqlite3"))
    assert default_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv("PATCHWORK_CALIBRATION_DB")
    p = default_path()
    assert p.name == "calibration.sqlite3" and "patchwork" in p.parent.name.lower()


def test_default_log_uses_the_env_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATCHWORK_CALIBRATION_DB", str(tmp_path / "env.sqlite3"))
    CalibrationLog().add(_row())
    assert len(CalibrationLog(tmp_path / "env.sqlite3").rows()) == 1


# --- concurrency and crashes --------------------------------------------------------------

N = 60


def test_two_threads_writing_at_once(log):
    start = threading.Barrier(2)
    errors = []

    def write(tag):
        try:
            start.wait()
            for i in range(N):
                log.add(_row(i, tag))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(t,)) for t in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = log.rows()
    assert len(rows) == 2 * N and len({r.id for r in rows}) == 2 * N
    assert sorted(r.model_requested for r in rows) == ["a"] * N + ["b"] * N


def _process_writer(path: str, tag: str, n: int, go) -> None:
    go.wait()  # a barrier: both processes start writing together
    log = CalibrationLog(path)  # both processes also create/open the file at the same moment
    for i in range(n):
        log.add(_row(i, tag))


def test_two_processes_writing_at_once(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    ctx = multiprocessing.get_context("spawn")
    go = ctx.Barrier(2)
    procs = [ctx.Process(target=_process_writer, args=(path, t, N, go)) for t in ("p1", "p2")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0]
    rows = CalibrationLog(path).rows()
    assert sorted(r.model_requested for r in rows) == ["p1"] * N + ["p2"] * N
    assert sorted(r.width for r in rows if r.model_requested == "p1") == [64 + i for i in range(N)]


_KILLED_WRITER = """
import sys
from calc.adapters.calibration_store import CalibrationLog, LogRow
log = CalibrationLog(sys.argv[1])
i = 0
while True:
    row_id = log.add(LogRow("127.0.0.1", "gpt-5-mini", "gpt-5-mini", 64 + i, 64, "high",
                            "low", "count", 5, 5, 14, "v"))
    print(row_id, flush=True)  # printed only once the row is committed
    i += 1
"""


def test_a_process_killed_mid_run_keeps_every_committed_row(tmp_path):
    path = tmp_path / "killed.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(path)],
                            stdout=subprocess.PIPE, env=env, text=True)
    seen = []
    deadline = time.monotonic() + 30
    while len(seen) < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)  # mid-run: it is still adding rows
    proc.wait(timeout=10)
    # read() through the same buffered reader: communicate() would skip what readline buffered.
    seen += [int(x) for x in proc.stdout.read().split()]
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert len(seen) >= 40

    ids = [r.id for r in CalibrationLog(path).rows()]
    assert set(seen) <= set(ids)  # every row reported committed survived the kill
    assert len(ids) - len(seen) <= 1  # at most the row committed just as it died
    assert ids == list(range(1, len(ids) + 1))
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_a_long_host_name_is_not_mistaken_for_a_key(log):
    host = "my-company-openai-proxy-eastus2-production01.example.com"
    log.add(LogRow(**{**_row().__dict__, "endpoint_host": host}))
    assert log.rows()[-1].endpoint_host == host
