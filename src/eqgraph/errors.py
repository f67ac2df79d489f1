"""The few errors eqgraph raises. Library code raises them; only the CLI and web turn them into
messages and exit codes, so every stage stays usable as a library."""

from __future__ import annotations

from pathlib import Path


class EqgraphError(Exception):
    """Base class: something the user can act on, with a message that says what."""

    exit_code = 2


class InputError(EqgraphError):
    """Bad input: names the file, the line (when there is one) and the problem, on one line."""

    exit_code = 2

    def __init__(self, path: str | Path, problem: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


class ValidationFailed(EqgraphError):
    """The built graph does not conform to the shapes; carries the report."""

    exit_code = 1

    def __init__(self, report):
        self.report = report
        super().__init__(f"SHACL validation failed with {len(report.violations)} violation(s)")


class StoreError(EqgraphError):
    """No graph has been built yet, or the store cannot be opened."""

    exit_code = 2
