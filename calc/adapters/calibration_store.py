"""The calibration log: every measurement kept in a small SQLite file.

Several Streamlit sessions (threads) and several app processes may write at once, so the
database runs in WAL mode with a busy timeout, and each thread gets its own connection (sqlite3
connections must not be shared across threads). Each `add` is its own committed transaction:
a run killed half-way keeps every row written before the kill.

There is no column for an API key, and `add` refuses any text that looks like one. Numbers are
checked too: a token count must be one (calc.engine.counts), a size a whole number of pixels —
a row that is not a measurement is refused with a CalcError, never half-written or a crash.

Money is exact: a row's `cost_usd` is a Decimal, stored as its TEXT (e.g. '0.0000975') and
read back as the same Decimal; a value some older writer stored as a REAL is read through its
shortest repr, so 9.75e-05 comes back as Decimal('0.0000975').

Each row carries the random id of the browser session that made it (`session`): a hosted app
shows, exports and deletes a visitor's own rows only, unless the operator shares the log
(pass session=None). Every failure of the file itself is a `LogUnavailableError`.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from calc.adapters.key_scrub import looks_like_key
from calc.engine.counts import MAX_TOKENS, shown, token_count
from calc.engine.errors import CalcError

if TYPE_CHECKING:
    from calc.adapters.openai_usage import Measurement

ENV_VAR = "PATCHWORK_CALIBRATION_DB"
BUSY_TIMEOUT_MS = 10_000
SCHEMA_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calibration (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    endpoint_host TEXT NOT NULL,
    model_requested TEXT NOT NULL,
    model_returned TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    detail TEXT NOT NULL,
    fidelity TEXT NOT NULL,
    method TEXT NOT NULL,
    estimate INTEGER NOT NULL,
    reported INTEGER NOT NULL,
    baseline INTEGER NOT NULL,
    rules_version TEXT NOT NULL,
    session TEXT NOT NULL DEFAULT '',
    cost_usd TEXT
)
"""

class SecretInLogError(CalcError):
    """A field given to the calibration log looks like an API key; nothing was written."""


class BadRowError(CalcError):
    """A number given to the calibration log is not a count or a size; nothing was written."""


class LogUnavailableError(CalcError):
    """The log file cannot be opened, read or written (its path is in the operator's log only)."""


@contextmanager
def _file_errors(what: str) -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        # No path in the message: visitors see it; the operator finds the path in the log.
        raise LogUnavailableError(f"the calibration log could not be {what} "
                                  f"({type(exc).__name__})") from exc


def default_path() -> Path:
    """$PATCHWORK_CALIBRATION_DB, else <user data dir>/patchwork/calibration.sqlite3."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("patchwork")) / "calibration.sqlite3"


@dataclass(frozen=True)
class LogRow:
    """One logged measurement. `reported` is the image tokens the API reported, i.e.
    (input tokens with the image) − `baseline`. `id` and `time` (UTC, ISO 8601) are set by
    `add`; leave them None when building a row."""

    endpoint_host: str
    model_requested: str
    model_returned: str
    width: int
    height: int
    detail: str
    fidelity: str
    method: str
    estimate: int
    reported: int
    baseline: int
    rules_version: str
    cost_usd: Decimal | None = None  # what the measurement was billed; None: not known
    id: int | None = None
    time: str | None = None


_COLUMNS = ("id", "time") + tuple(f.name for f in fields(LogRow) if f.name not in ("id", "time"))
_TEXT = tuple(f.name for f in fields(LogRow) if f.type == "str")
_MONEY = ("cost_usd",)  # exact dollars: TEXT in the file
_COUNTS = ("estimate", "reported", "baseline")  # tokens
_SIZES = ("width", "height")  # pixels
_MAX_INTEGER = 2**63 - 1  # SQLite's largest INTEGER


def row_from_measurement(m: Measurement, *, width: int, height: int, estimate: int,
                         fidelity: str = "low", rules_version: str | None = None) -> LogRow:
    """The log row for a measurement; rules_version defaults to calc.CATALOGUE_VERSION."""
    if rules_version is None:
        from calc.engine.catalogue import catalogue

        rules_version = catalogue().version
    return LogRow(
        endpoint_host=m.endpoint_host, model_requested=m.model_requested,
        model_returned=m.model_returned, width=width, height=height, detail=m.detail,
        fidelity=fidelity, method=m.method, estimate=estimate, reported=m.image_tokens,
        baseline=m.baseline, rules_version=rules_version, cost_usd=m.cost_usd,
    )


def _refuse_non_numbers(row: LogRow) -> None:
    for name in _COUNTS:
        if token_count(getattr(row, name)) is None:
            raise BadRowError(f"{name} must be a token count (a whole number from 0 to "
                              f"{MAX_TOKENS:,}), not {shown(getattr(row, name))} — nothing "
                              "was written")
    for name in _SIZES:
        value = getattr(row, name)
        if isinstance(value, bool) or not isinstance(value, int) \
                or not 1 <= value <= _MAX_INTEGER:
            raise BadRowError(f"{name} must be a whole number of pixels, not {shown(value)} — "
                              "nothing was written")
    for name in _MONEY:
        value = getattr(row, name)
        if value is not None and not (isinstance(value, Decimal) and value.is_finite()
                                      and value >= 0):
            raise BadRowError(f"{name} must be an exact amount of dollars (a Decimal, 0 or "
                              f"more) or None, not {shown(value)} — nothing was written")


def _refuse_secrets(row: LogRow) -> None:
    for name in _TEXT:
        value = getattr(row, name)
        if not isinstance(value, str):
            raise SecretInLogError(f"{name} must be text, not {type(value).__name__}")
        if looks_like_key(value):
            # Do not echo the value: it may be the key.
            raise SecretInLogError(
                f"{name} looks like an API key; the calibration log never stores keys — "
                "nothing was written"
            )


class CalibrationLog:
    """The log at `path` (default: `default_path()`).

    Safe to share between threads. Not across fork(): create it in each process.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._local = threading.local()
        with _file_errors("opened"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open_file()

    def _open_file(self) -> None:
        # Switching to WAL does not wait on the busy timeout: when two processes open a new
        # file at the same moment one gets "database is locked" at once, so retry for as long
        # as the busy timeout would have waited.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._init_file()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.005, 0.03))

    def _init_file(self) -> None:
        with self._connect() as conn:
            # WAL lets readers and one writer work at once; it is a property of the file, so
            # setting it once holds for every later connection.
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise CalcError(f"could not switch {self.path} to WAL mode (got {mode})")
            conn.execute(_SCHEMA)
            columns = {r[1] for r in conn.execute("PRAGMA table_info(calibration)")}
            if "session" not in columns:  # a version-1 file: its rows belong to no session
                conn.execute("ALTER TABLE calibration ADD COLUMN session TEXT NOT NULL "
                             "DEFAULT ''")
            if "cost_usd" not in columns:  # a version-2 file: its rows' costs are not known
                conn.execute("ALTER TABLE calibration ADD COLUMN cost_usd TEXT")
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, opened on first use and kept.

        sqlite3 connections must not cross threads, hence one per thread. They are kept
        rather than opened per call because closing the last connection to a WAL database
        checkpoints and removes the WAL file, which would cost a sync on every add.
        """
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # isolation_level=None: autocommit, each statement its own committed transaction.
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # In WAL mode NORMAL skips the fsync per commit, but a committed row is already in
            # the WAL file, so it survives the process being killed; only a power cut can lose
            # the last few rows (and never corrupts the file).
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        yield conn

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def journal_mode(self) -> str:
        with self._connect() as conn:
            return str(conn.execute("PRAGMA journal_mode").fetchone()[0])

    def add(self, row: LogRow, session: str = "") -> int:
        """Write one row for `session`, committed before returning; its new id."""
        _refuse_secrets(row)
        _refuse_non_numbers(row)
        stamped = replace(row, id=None,
                          time=datetime.now(UTC).isoformat(timespec="milliseconds"))
        values = dict(zip(_COLUMNS, _ordered(stamped), strict=True))
        del values["id"]
        values["session"] = str(session)
        values.update({name: _money_text(values[name]) for name in _MONEY})
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with _file_errors("written"), self._connect() as conn:
            cur = conn.execute(f"INSERT INTO calibration ({cols}) VALUES ({marks})",
                               tuple(values.values()))
            return int(cur.lastrowid)

    def rows(self, session: str | None = None) -> list[LogRow]:
        """The rows of `session` (every row when None), oldest first."""
        where, args = ("", ()) if session is None else (" WHERE session = ?", (str(session),))
        with _file_errors("read"), self._connect() as conn:
            found = conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM calibration{where} ORDER BY id", args
            ).fetchall()
        return [_row(dict(zip(_COLUMNS, r, strict=True))) for r in found]

    def delete(self, ids: Iterable[int], session: str | None = None) -> int:
        """Delete the rows with these ids (of `session` only, unless None); how many went."""
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        sql = f"DELETE FROM calibration WHERE id IN ({', '.join('?' for _ in ids)})"
        args: list = list(ids)
        if session is not None:
            sql += " AND session = ?"
            args.append(str(session))
        with _file_errors("changed"), self._connect() as conn:
            return conn.execute(sql, args).rowcount

    def to_csv(self, session: str | None = None, cell=lambda value: value) -> str:
        """The rows of `session` (every row when None) as CSV with a header line, oldest first;
        every value passes through `cell` (the app passes views.inert.cell)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(_COLUMNS)
        for row in self.rows(session):
            writer.writerow([cell(_money_text(v) if isinstance(v, Decimal) else v)
                             for v in _ordered(row)])
        return out.getvalue()


def _money_text(value: Decimal | None) -> str | None:
    """An exact amount as the file keeps it: plain digits, no exponent ('0.0000975')."""
    return None if value is None else format(value, "f")


def _money(value: object) -> Decimal | None:
    """An amount read back: TEXT exactly; a REAL an older writer stored, by its shortest repr;
    anything that is not an amount, None (the row is still shown)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(value if isinstance(value, str) else repr(value))
    except (InvalidOperation, TypeError):
        return None
    return amount if amount.is_finite() else None


def _row(values: dict) -> LogRow:
    for name in _MONEY:
        values[name] = _money(values[name])
    return LogRow(**values)


def _ordered(row: LogRow) -> tuple:
    """Row values in column order (id, time first, as in the table and the CSV)."""
    d = dict(zip((f.name for f in fields(LogRow)), astuple(row), strict=True))
    return tuple(d[c] for c in _COLUMNS)
