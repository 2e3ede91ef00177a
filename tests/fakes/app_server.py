"""Start the real app with `streamlit run` on 127.0.0.1 for browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from calc.engine import clock

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Without these, chromium tries Google's hosts on this closed network at every start.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(env: dict[str, str] | None = None, timeout: float = 60.0, script: str = "app.py"):
    """Yield the base URL of `streamlit run <script>` (a path from the repo root), stopped after."""
    with running_server(env, timeout, script) as (url, _proc):
        yield url


@contextlib.contextmanager
def running_server(env: dict[str, str] | None = None, timeout: float = 60.0,
                   script: str = "app.py"):
    """As running_app, yielding (base URL, the streamlit process): benchmarks read its CPU time."""
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    child_env[clock.ENV] = clock.today().isoformat()  # the server's day is the test's
    child_env.update(env or {})
    # to a file, not a pipe: a long run's log would fill a pipe nobody reads and stall it
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    out = log.read().decode(errors="replace")
                    raise RuntimeError(f"streamlit did not start on {url}:\n{out[-3000:]}")
                time.sleep(0.3)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
