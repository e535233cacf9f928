"""Benchmark: how many realistic bugs the tests catch, per module where a bug costs most (mutmut).

For each module below, mutmut (configured in pyproject.toml's ``[tool.mutmut]``)
changes one thing at a time in a copy of the project — ``<`` for ``<=``,
``and`` for ``or``, a string, a number, a returned value — and runs the tests
that exercise the changed function. A mutant the tests fail on is killed; one
they pass on has survived and shows a bug no test would notice. The kill
ratio of each module and the survivors' diffs are kept in
``bench/mutation/results.json`` (the latest run of each module) and written
into the ``bench:mutation`` section of docs/mutation.md.

    .venv/bin/python bench/mutation/run.py                     # every module, 15 minutes each at most
    .venv/bin/python bench/mutation/run.py sanitize decoding   # some of them
    .venv/bin/python bench/mutation/run.py --budget 300 --rev HEAD

The project is copied (the work tree, or ``--rev``) into a scratch folder
first, so mutmut's ``mutants/`` folder never appears in the work tree. Not a
test and not run by CI: it takes minutes per module.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "mutation.md"
# The latest result of every module, so a run over some modules keeps the others' figures.
RESULTS = Path(__file__).with_name("results.json")
MUTMUT = Path(sys.executable).parent / "mutmut"

# name -> (the files mutated, the tests that judge them). Tests run on SQLite, without browser or slow tests.
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "sanitize": (
        ["articles/sanitize.py"],
        [
            "tests/security/test_rich_text.py",
            "tests/security/test_sanitizer_attributes.py",
            "tests/foundation/test_models.py",
        ],
    ),
    "publishing": (
        ["unionpaper/publishing.py", "articles/publishing.py"],
        [
            "tests/workflow/test_publishing.py",
            "tests/workflow/test_publication_rules.py",
            "tests/workflow/test_publication_state.py",
            "tests/workflow/test_publish_empty.py",
            "tests/workflow/test_publish_now.py",
            "tests/workflow/test_concurrent_edits.py",
            "tests/serving/test_render_ahead.py",
            "tests/newsroom/test_publish_review_states.py",
            "tests/reader/test_visibility.py",
            "tests/search/test_visibility.py",
            "tests/foundation/test_models.py",
        ],
    ),
    "bylines": (
        ["articles/bylines.py"],
        [
            "tests/foundation/test_bylines.py",
            "tests/foundation/test_byline_groups.py",
            "tests/importing/test_parser.py",
        ],
    ),
    "decoding": (
        ["articles/importing/decoding.py"],
        [
            "tests/importing/test_encodings.py",
            "tests/importing/test_byte_order_marks.py",
            "tests/importing/test_decoding_refusals.py",
        ],
    ),
    "services": (
        ["articles/services.py"],
        ["tests/workflow", "tests/newsroom/test_trash_read_only.py"],
    ),
    "search-text": (
        ["articles/search/text.py"],
        ["tests/search"],
    ),
    "search-query": (
        ["articles/search/query.py"],
        ["tests/search"],
    ),
    "cache": (
        ["unionpaper/cache.py"],
        ["tests/serving/test_page_cache.py"],
    ),
}
# What counts as caught: the tests failed, or ran into the time limit (an endless loop), or the process died.
CAUGHT = {"killed", "timeout", "segfault", "caught by type check"}
NOT_RUN = {"not checked", "skipped", "check was interrupted by user"}
# Left out of the scratch copy: environments, history, built data and what a run leaves behind.
SKIP_ANYWHERE = {".venv", ".git", "__pycache__", ".pytest_cache", "mutants"}
SKIP_AT = {ROOT: {"media", "test-artifacts", "staticfiles", "db.sqlite3"}, ROOT / "bench": {"data"}}


def _ignore(folder: str, names: list[str]) -> set[str]:
    skip = SKIP_ANYWHERE | SKIP_AT.get(Path(folder), set())
    return {n for n in names if n in skip or n.endswith((".sqlite3", ".sqlite3-journal"))}


@dataclass
class Outcome:
    name: str
    files: list[str]
    statuses: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    stopped: bool = False
    error: str = ""
    survivors: list[tuple[str, str]] = field(default_factory=list)

    def count(self, *states) -> int:
        return sum(1 for s in self.statuses.values() if s in states)

    @property
    def checked(self) -> int:
        return sum(1 for s in self.statuses.values() if s not in NOT_RUN)

    @property
    def ratio(self) -> float | None:
        return self.count(*CAUGHT) / self.checked if self.checked else None

    def record(self, *, command: str, budget: int) -> dict:
        """Return what the page shows of this run, as stored in results.json."""
        return {
            "files": self.files,
            "date": datetime.date.today().isoformat(),
            "command": command,
            "budget": budget,
            "mutmut": _version(),
            "mutants": len(self.statuses),
            "checked": self.checked,
            "caught": self.count(*CAUGHT),
            "killed": self.count("killed"),
            "survived": self.count("survived"),
            "timeout": self.count("timeout"),
            "no tests": self.count("no tests"),
            "untested": [k for k, s in self.statuses.items() if s == "no tests"],
            "seconds": round(self.seconds),
            "stopped": self.stopped,
            "error": self.error,
            "survivors": [list(pair) for pair in self.survivors],
        }


def copy_project(scratch: Path, rev: str | None) -> Path:
    """Copy the work tree (or the commit ``rev``) into ``scratch`` and return the copy's root."""
    target = scratch / "project"
    if rev:
        target.mkdir()
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    else:
        shutil.copytree(ROOT, target, ignore=_ignore, symlinks=True)
    return target


def configure(project: Path, files: list[str], tests: list[str]):
    """Point the copy's ``[tool.mutmut]`` at ``files`` and ``tests``; keep every other setting."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    if "mutmut" not in tomllib.loads(text).get("tool", {}):
        sys.exit("pyproject.toml has no [tool.mutmut] section")
    for key, value in (("only_mutate", files), ("pytest_add_cli_args_test_selection", tests)):
        line = f"{key} = {json.dumps(value)}"
        text, n = re.subn(rf"(?ms)^{key} = \[.*?\]$", lambda m, line=line: line, text)
        if n != 1:
            sys.exit(f"pyproject.toml's [tool.mutmut] must set {key} on its own lines")
    pyproject.write_text(text, encoding="utf-8")


def _env() -> dict[str, str]:
    # The development settings on an in-memory SQLite database, whatever the caller's environment says.
    return {**os.environ, "DEBUG": "true", "DATABASE_URL": "sqlite:///:memory:", "PYTHONDONTWRITEBYTECODE": "1"}


def mutmut(project: Path, *args, timeout=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(MUTMUT), *args], cwd=project, env=_env(), capture_output=True, text=True, timeout=timeout
    )


def run_module(project: Path, name: str, *, budget: int, children: int) -> Outcome:
    files, tests = MODULES[name]
    outcome = Outcome(name, files)
    shutil.rmtree(project / "mutants", ignore_errors=True)
    configure(project, files, tests)
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(MUTMUT), "run", "--max-children", str(children)],
        cwd=project,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
        outcome.stopped = True
    outcome.seconds = time.monotonic() - started
    results = mutmut(project, "results", "--all", "true", timeout=300)
    for line in results.stdout.splitlines():
        key, _, status = line.strip().rpartition(": ")
        if key:
            outcome.statuses[key] = status
    if not outcome.statuses:
        tail = "\n".join(line for line in (output or "").splitlines()[-15:] if "\r" not in line)
        outcome.error = f"mutmut produced no results (exit {proc.returncode}):\n{tail}"
    for key, status in sorted(outcome.statuses.items(), key=lambda kv: _natural(kv[0])):
        if status == "survived":
            outcome.survivors.append((key, _diff(mutmut(project, "show", key, timeout=60).stdout)))
    return outcome


def _natural(key: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key)]


def _diff(shown: str) -> str:
    """Return the changed lines of a mutant, as ``-old`` / ``+new``."""
    lines = [line for line in shown.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return "\n".join(line.rstrip() for line in lines)


def render(records: dict[str, dict]) -> str:
    """Return the results section: one row per module, then each module's survivors."""
    out = [
        "| module | files | mutants | checked | killed | survived | timeout | no tests | kill ratio | time | run |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ordered = [(name, records[name]) for name in [*MODULES, *sorted(set(records) - set(MODULES))] if name in records]
    for name, r in ordered:
        ratio = f"{r['caught'] / r['checked']:.0%}" if r["checked"] else "—"
        note = " (stopped at the time limit)" if r["stopped"] else ""
        out.append(
            f"| {name} | {', '.join(f'`{f}`' for f in r['files'])} | {r['mutants']} | {r['checked']} | "
            f"{r['killed']} | {r['survived']} | {r['timeout']} | {r['no tests']} | **{ratio}**{note} | "
            f"{r['seconds']} s | {r['date']}, mutmut {r['mutmut']}, `{r['command']}` |"
        )
    for name, r in ordered:
        if r["error"]:
            first, *rest = r["error"].splitlines()
            out += ["", f"**{name}**: {first}", "", "```", *rest, "```"]
        if r["survivors"]:
            out += ["", f"Survivors in **{name}** (`--keep`, then `mutmut show NAME` in the copy, gives the context):"]
            out += ["", "```diff"]
            for key, diff in r["survivors"]:
                out += [f"# {key}", diff]
            out.append("```")
        if r["untested"]:
            out += ["", f"No test reaches these in **{name}**: {', '.join(f'`{n}`' for n in r['untested'])}"]
    return "\n".join(out) + "\n"


def _version() -> str:
    try:
        return importlib.metadata.version("mutmut")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("mutmut is not installed: .venv/bin/pip install -r requirements.txt")


def write_section(text: str):
    content = DOC.read_text(encoding="utf-8")
    new, n = re.subn(
        r"(<!-- bench:mutation -->\n).*?(<!-- /bench:mutation -->)",
        lambda m: m.group(1) + text + m.group(2),
        content,
        flags=re.S,
    )
    if n != 1:
        sys.exit(f"{DOC} has no bench:mutation section")
    DOC.write_text(new, encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help="any of " + ", ".join(MODULES) + " (default all)")
    parser.add_argument("--budget", type=int, default=900, help="seconds per module at most (default 900)")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--rev", help="mutate this commit instead of the work tree")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy and print where it is")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    parser.add_argument("--render-only", action="store_true", help="rewrite the page from results.json, run nothing")
    args = parser.parse_args(argv)
    if args.render_only:
        write_section(render(json.loads(RESULTS.read_text(encoding="utf-8"))))
        return
    names = args.modules or list(MODULES)
    if unknown := [n for n in names if n not in MODULES]:
        parser.error(f"unknown module {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    scratch = Path(tempfile.mkdtemp(prefix="unionpaper-mutation-"))
    try:
        project = copy_project(scratch, args.rev)
        outcomes = []
        for name in names:
            outcome = run_module(project, name, budget=args.budget, children=args.children)
            ratio = "—" if outcome.ratio is None else f"{outcome.ratio:.0%}"
            print(f"{name}: {outcome.count(*CAUGHT)}/{outcome.checked} caught ({ratio}), {outcome.seconds:.0f} s")
            for key, diff in outcome.survivors:
                print(f"  survived {key}\n    " + diff.replace("\n", "\n    "))
            if outcome.error:
                print(outcome.error)
            outcomes.append(outcome)
    finally:
        if args.keep:
            print(f"scratch copy kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    command = " ".join(["bench/mutation/run.py", *(argv if argv is not None else sys.argv[1:])])
    records = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    records.update({o.name: o.record(command=command, budget=args.budget) for o in outcomes})
    if args.no_write:
        print(render(records))
    else:
        RESULTS.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_section(render(records))
        print(f"wrote {DOC.relative_to(ROOT)} and {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
