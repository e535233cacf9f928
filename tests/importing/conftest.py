import io
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command


@dataclass
class Outcome:
    ok: bool
    out: str
    err: str


@pytest.fixture
def run_import():
    """Run ``import_articles`` as an operator would and return whether it succeeded and what it said."""

    def run(*args) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_articles", *map(str, args), "--no-progress", stdout=out, stderr=err)
        except CommandError as exc:
            return Outcome(False, out.getvalue(), err.getvalue() + str(exc))
        return Outcome(True, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def write_file(tmp_path):
    """Write ``text`` under the temporary folder in ``encoding`` and return its path."""

    def write(name: str, text: str, encoding: str = "utf-8", *, bom: bool = False, crlf: bool = False):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode(encoding)
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path

    return write
