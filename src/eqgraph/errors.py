"""The few errors eqgraph raises. Library code raises them; only the CLI and web turn them into
messages and exit codes, so every stage stays usable as a library."""

from __future__ import annotations

import os
from pathlib import Path


def shown(path: str | Path | bytes) -> str:
    """A file name as it can be printed on one line: bytes that are not UTF-8 (kept by the OS as
    surrogate escapes, which no UTF-8 terminal can print) as `\\xff`, control characters escaped."""
    text = os.fsdecode(path) if isinstance(path, bytes) else str(path)
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def one_line(text: str) -> str:
    """A message on one line, whatever the text it quotes."""
    return " ".join(str(text).split())


class EqgraphError(Exception):
    """Base class: something the user can act on, with a message that says what."""

    exit_code = 2


class InputError(EqgraphError):
    """Bad input: names the file, the line (when there is one) and the problem, on one line."""

    exit_code = 2

    def __init__(self, path: str | Path, problem: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.problem = one_line(problem)
        where = f"{shown(path)}:{line}" if line else shown(path)
        super().__init__(f"{where}: {self.problem}")

    def __reduce__(self):  # raised in a build worker process, re-raised in the build's own
        return type(self), (self.path, self.problem, self.line)


class ValidationFailed(EqgraphError):
    """The built graph does not conform to the shapes; carries the report."""

    exit_code = 1

    def __init__(self, report):
        self.report = report
        super().__init__(f"SHACL validation failed with {len(report.violations)} violation(s)")


class StoreError(EqgraphError):
    """No graph has been built yet, or the store cannot be opened."""

    exit_code = 2


class DamageFound(EqgraphError):
    """`--strict`: a document shows damage (see eqgraph.ingest.damage); carries the evidence."""

    exit_code = 2

    def __init__(self, damage):
        self.damage = list(damage)
        first = self.damage[0]
        more = f" (and {len(self.damage) - 1} more)" if len(self.damage) > 1 else ""
        super().__init__(f"{first}{more}; strict mode makes damage an error")

    @property
    def summary(self) -> str:
        documents = sorted({str(d).split(":", 1)[0] for d in self.damage})
        return (f"{len(self.damage)} sign(s) of damage in {', '.join(documents)} (warnings above); "
                "--strict makes damage an error")


# --- queries: each with the HTTP status a web front end answers with -----------------------------

class QueryFailed(EqgraphError):
    """A query could not be answered; `status` is the HTTP status the web app answers with."""

    status = 400


class Busy(QueryFailed):
    status = 503


class QueryTimeout(QueryFailed):
    status = 503


class OutOfMemory(QueryFailed):
    status = 503


class WorkerCrashed(QueryFailed):
    status = 500
