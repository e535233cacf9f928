"""A real varnishd on loopback in front of a test server (``scripts/varnish``), and requests to it."""

import http.client
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "varnish"
VARNISHD = os.environ.get("VARNISHD") or shutil.which("varnishd") or "/usr/sbin/varnishd"


def require_varnish():
    """Skip (a failure in CI) unless varnishd and its xkey module are installed."""
    if not os.path.exists(VARNISHD):
        pytest.skip(f"varnishd not found at {VARNISHD} (apt-get install varnish varnish-modules)")
    if not list(Path("/usr/lib").rglob("libvmod_xkey.so")):
        pytest.skip("the xkey module of Varnish is missing (apt-get install varnish-modules)")


@dataclass
class Answer:
    status: int
    headers: dict  # names in lower case
    body: bytes

    def __getitem__(self, name):
        return self.headers[name.lower()]

    def get(self, name, default=None):
        return self.headers.get(name.lower(), default)

    @property
    def from_cache(self) -> bool:
        """True when Varnish answered from a stored object (two transaction ids, and its own marker)."""
        return self.get("x-cache") == "hit" and len(self.get("x-varnish", "").split()) == 2


class Varnish:
    """varnishd on 127.0.0.1:<port> in front of ``backend`` (``host:port``)."""

    def __init__(self, backend: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        subprocess.run(
            [str(SCRIPT), "start", str(self.port), backend], check=True, capture_output=True, text=True, timeout=60
        )

    def stop(self):
        subprocess.run([str(SCRIPT), "stop", str(self.port)], check=True, capture_output=True, timeout=30)

    def request(self, method: str, path: str, headers=None, *, source: str | None = None) -> Answer:
        """Send one request; ``source`` picks the client address (another loopback address, say)."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(source, 0) if source else None
        )
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()

    def get(self, path: str, **headers) -> Answer:
        return self.request("GET", path, headers)
