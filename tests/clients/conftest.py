"""Spawns a real confab for the client-library tests.

The binary is taken from CONFAB_BIN (default: target/debug/confab, which `cargo test` builds).
Each test session gets a fresh data directory, its own port and three accounts.
"""

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "client-test-password"
USERS = ("alice", "bob", "carol")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _confab(data_dir: str, *args: str, stdin: str | None = None) -> None:
    binary = os.environ.get("CONFAB_BIN", str(ROOT / "target" / "debug" / "confab"))
    subprocess.run([binary, "--data-dir", data_dir, *args], input=stdin, text=True, check=True, capture_output=True)


@pytest.fixture(scope="session")
def server():
    """URL of a running confab with the accounts in USERS (password PASSWORD)."""
    binary = os.environ.get("CONFAB_BIN", str(ROOT / "target" / "debug" / "confab"))
    with tempfile.TemporaryDirectory() as data_dir:
        for user in USERS:
            _confab(data_dir, "user", "add", user, "--password", PASSWORD, "--display-name", user.title())
        port = _free_port()
        log = open(os.path.join(data_dir, "server.log"), "w")
        process = subprocess.Popen(
            [binary, "--data-dir", data_dir, "serve", "--listen", f"127.0.0.1:{port}"], stdout=log, stderr=log
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/status.php", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("confab did not start; see " + log.name)
                time.sleep(0.05)
        yield url
        process.terminate()
        assert process.wait(timeout=10) == 0, "confab did not shut down cleanly on SIGTERM"
        log.close()
