"""Fuzzing the build: damaged documents and manifests never crash it nor touch the previous graph.

The built-in documents and their manifest are mutated as careless users and broken tools do (cut
short, bytes flipped, lines deleted, shuffled, duplicated or joined, markup and entities inside an
objective header, byte-order marks, other encodings, odd file types) and built with the CLI. Whatever
the input: the exit code is 0, 1 or 2; nothing prints a traceback or reaches the "internal error"
last resort; every line of a refusal is an "eqgraph:" message, the last one the error; and after a
failed build the previous graph is current and exports exactly as before.

Deterministic and bounded: Hypothesis with `derandomize=True`, a fixed number of examples, no example
database; a few cases also run the console script in a subprocess.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from eqgraph import resources
from eqgraph.cli import main
from eqgraph.store import current_release

DOCUMENTS = [path.read_bytes() for path in resources.builtin_documents()]
NAMES = [path.name for path in resources.builtin_documents()]
PLAN_IDS = ["merton-2013-14", "merton-2017-18"]
BOM = "\ufeff".encode()

FUZZ = settings(derandomize=True, database=None, deadline=None, print_blob=False,
                phases=(Phase.explicit, Phase.generate, Phase.shrink),
                suppress_health_check=list(HealthCheck))


# --- the graph a failed build must leave alone -----------------------------------------------------------

class Home:
    """A graph home with a built graph, and what it exported when last built."""

    def __init__(self, path: Path):
        self.path = path
        self.export_file = path.parent / "export.nt"
        self.release = None
        self.exported = b""
        self._remember()

    def _export(self) -> bytes:
        code, _, err = run(["export", "--out", str(self.path), "--format", "nt", "-o", str(self.export_file)])
        assert code == 0, err
        return self.export_file.read_bytes()

    def _remember(self) -> None:
        self.release = current_release(self.path)
        self.exported = self._export()

    def check(self, code: int) -> None:
        """After a build: a failure left the previous graph current and unchanged; a success is the new one."""
        if code == 0:
            self._remember()
            return
        assert current_release(self.path) == self.release
        assert self._export() == self.exported


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "home"
    code, _, err = run(["build", str(resources.builtin_documents()[1]), "--out", str(path), "--quiet"])
    assert code == 0, err
    return Home(path)


def run(argv: list[str]) -> tuple[int, str, str]:
    """eqgraph in-process, its output captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


def check_output(code: int, err: str) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err, err
    assert "internal error" not in err, err  # the last resort is for bugs; the fuzz must find none
    lines = [line for line in err.splitlines() if line.strip()]
    if code == 2:
        assert lines and all(line.startswith("eqgraph: ") for line in lines), err
        assert lines[-1].startswith("eqgraph: error: "), err
    elif code == 1:
        assert lines[-1].startswith("eqgraph: "), err
    for line in lines:
        if line.startswith("eqgraph: warning: "):
            assert len(line) < 2000, line


_folders = itertools.count()


def folder(home: Home) -> Path:
    """A fresh folder per example (Hypothesis runs many examples in one test call)."""
    path = home.path.parent / f"case-{next(_folders)}"
    path.mkdir()
    return path


# --- mutations of a document -----------------------------------------------------------------------------

HEADER_DAMAGE = ["<b>", "</b>", "&#32;", "&#58;", "&amp;", "\x01", "\x7f", "<p ", "<", "&", "\u200b", "\ufeff"]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutation(draw):
    kind = draw(st.sampled_from([
        "truncate", "flip", "delete", "swap", "shuffle", "duplicate", "join", "header", "insert", "bom",
        "encoding", "crlf", "garbage", "blank", "long-cell",
    ]))
    where = draw(st.floats(0, 1, allow_nan=False))
    other = draw(st.floats(0, 1, allow_nan=False))
    value = draw(st.integers(0, 255))
    token = draw(st.sampled_from(HEADER_DAMAGE))
    encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "utf-32"]))
    return kind, where, other, value, token, encoding


def mutate(data: bytes, change) -> bytes:
    kind, where, other, value, token, encoding = change
    lines = _lines(data)
    at = int(where * len(data))
    line = min(int(where * len(lines)), len(lines) - 1)
    line2 = min(int(other * len(lines)), len(lines) - 1)
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        return data[:at] + bytes([value]) + data[at + 1:]
    if kind == "delete":
        return b"\n".join(lines[:line] + lines[line + 1:])
    if kind == "swap":
        lines[line], lines[line2] = lines[line2], lines[line]
        return b"\n".join(lines)
    if kind == "shuffle":
        start, end = sorted((line, line2))
        window = lines[start:end + 1]
        random.Random(value).shuffle(window)
        return b"\n".join(lines[:start] + window + lines[end + 1:])
    if kind == "duplicate":
        return b"\n".join(lines[:line + 1] + [lines[line]] + lines[line + 1:])
    if kind == "join":  # a lost line break: a row merged into its neighbour
        return b"\n".join(lines[:line] + [b"".join(lines[line:line + 2])] + lines[line + 2:])
    if kind == "header":  # markup, entities, control bytes inside an objective header
        text = data.decode("utf-8", errors="surrogateescape")
        marks = [i for i in range(len(text)) if text.startswith("Objective", i)]
        if not marks:
            return data
        i = marks[int(where * len(marks)) % len(marks)] + int(other * 12)
        return (text[:i] + token + text[i:]).encode("utf-8", errors="surrogateescape")
    if kind == "insert":
        return data[:at] + token.encode("utf-8") + data[at:]
    if kind == "bom":  # at the start, or at the start of any line (a copy made by joining files)
        return b"\n".join(lines[:line] + [BOM + lines[line]] + lines[line + 1:])
    if kind == "encoding":
        return data.decode("utf-8", errors="replace").encode(encoding, errors="replace")
    if kind == "crlf":
        return data.replace(b"\n", b"\r\n" if value % 2 else b"\r")
    if kind == "garbage":
        return data[:at] + random.Random(value).randbytes(int(other * 64) + 1) + data[at:]
    if kind == "blank":
        return b" \n\t\n" if value % 2 else b""
    if kind == "long-cell":  # 150 KB of unclosed tags at the end of a line (its last cell)
        return b"\n".join(lines[:line] + [lines[line] + b"<p " * 50_000] + lines[line + 1:])
    raise AssertionError(kind)


@settings(FUZZ, max_examples=40)
@given(document=st.sampled_from([0, 1]), changes=st.lists(mutation(), min_size=1, max_size=3),
       with_manifest=st.booleans(), strict=st.booleans())
def test_damaged_documents_never_crash_the_build_nor_touch_the_graph(home, document, changes, with_manifest,
                                                                     strict):
    data = DOCUMENTS[document]
    for change in changes:
        data = mutate(data, change)
    where = folder(home)
    path = where / NAMES[document]
    path.write_bytes(data)
    if with_manifest:  # as catalogued: a copy that differs is reported by its checksum
        (where / "plans.yaml").write_bytes(
            resources.data_dir().joinpath("plans.yaml").read_bytes().replace(b"documents/", b""))
    code, _, err = run(["build", str(path), "--out", str(home.path), "--quiet", *(["--strict"] if strict else [])])
    check_output(code, err)
    home.check(code)


# --- mutations of the manifest ---------------------------------------------------------------------------

MANIFEST = resources.data_dir().joinpath("plans.yaml").read_text(encoding="utf-8").replace("documents/", "")

MANIFEST_DAMAGE = [
    lambda m: "- a\n- b\n",  # a YAML list
    lambda m: m.encode("utf-8").replace("–".encode(), b"\x96").decode("latin-1"),  # cp1252 dash: not UTF-8
    lambda m: m.replace("plans:", "plans: 3\nx:"),
    lambda m: m.replace("plans:", "plans: {a: 1}\nx:"),
    lambda m: m.replace("id: merton-2017-18", "id: [merton, 2017]"),
    lambda m: m.replace("id: merton-2017-18", "id: 2017"),
    lambda m: m.replace("id: merton-2017-18", "id: \"merton-2017-18\\n\""),
    lambda m: m.replace("id: merton-2017-18", "id: Merton 2017"),
    lambda m: m.replace("file: 001", "file: [001]\n    x: 001"),
    lambda m: m.replace("file: 001_0627c223ffbd227d.txt", "file: null"),
    lambda m: m.replace("file: 001_0627c223ffbd227d.txt", "file: \"\""),
    lambda m: m.replace("file: 001_0627c223ffbd227d.txt", "file: \"a\\0b\""),
    lambda m: m.replace("sha256: f", "sha256: g"),
    lambda m: m.replace("sha256: f", "sha256: 0"),
    lambda m: m.replace("actions: 45", "actions: -3"),
    lambda m: m.replace("actions: 45", "actions: many"),
    lambda m: m.replace("actions: 45", "actions: true"),
    lambda m: m.replace("title: \"Equality and", "title: [a, b]\n    x: \"Equality and"),
    lambda m: m.replace("period: \"2017/18\"", "period: 2017-01-01"),
    lambda m: m.replace("publisher: London Borough of Merton\n", "publisher: {a: b}\n", 1),
    lambda m: m.replace("plans:", "plans:\n  - {id: x, file: ["),  # unbalanced
    lambda m: m.replace("  - id: merton-2017-18", "\t- id: merton-2017-18"),  # a tab
    lambda m: "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
              "plans:\n  - {id: *d, file: *d}\n",  # aliases: a huge list if ever printed
    lambda m: "plans: " + "[" * 5000 + "]" * 5000 + "\n",  # nested too deeply
    lambda m: "\ufeff" + m,
    lambda m: m + m,  # every plan listed twice
    lambda m: "",
    lambda m: "plans:\n",
    lambda m: m.replace("merton-2013-14", "merton-2017-18"),  # two plans, one id
]


@settings(FUZZ, max_examples=20)
@given(damage=st.sampled_from(range(len(MANIFEST_DAMAGE))), cut=st.floats(0, 1, allow_nan=False),
       flip=st.integers(0, 255), how=st.sampled_from(["as-listed", "cut", "flip"]))
def test_damaged_manifests_never_crash_the_build_nor_touch_the_graph(home, damage, cut, flip, how):
    manifest = MANIFEST_DAMAGE[damage](MANIFEST).encode("utf-8", errors="surrogateescape")
    if how == "cut":
        manifest = manifest[:int(cut * len(manifest))]
    elif how == "flip" and manifest:
        at = int(cut * (len(manifest) - 1))
        manifest = manifest[:at] + bytes([flip]) + manifest[at + 1:]
    where = folder(home)
    for name, data in zip(NAMES, DOCUMENTS):
        (where / name).write_bytes(data)
    (where / "plans.yaml").write_bytes(manifest)
    code, _, err = run(["build", str(where / NAMES[1]), "--out", str(home.path), "--quiet"])
    check_output(code, err)
    home.check(code)


# --- odd files -------------------------------------------------------------------------------------------

def _odd(where: Path, kind: str) -> Path:
    path = where / "plan.txt"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink-loop":
        path.symlink_to(path.name)
    elif kind == "dangling-symlink":
        path.symlink_to("gone.txt")
    elif kind == "missing":
        pass
    elif kind == "non-utf8-name":
        path = Path(os.fsdecode(os.fsencode(where) + b"/plan\xff.txt"))
        path.write_bytes(DOCUMENTS[1])
    elif kind == "device":
        path = Path("/dev/null")
    elif kind == "manifest-directory":
        path.write_bytes(DOCUMENTS[1])
        (where / "plans.yaml").mkdir()
    elif kind == "manifest-loop":
        path.write_bytes(DOCUMENTS[1])
        (where / "plans.yaml").symlink_to("plans.yaml")
    return path


ODD = ["directory", "fifo", "symlink-loop", "dangling-symlink", "missing", "non-utf8-name", "device",
       "manifest-directory", "manifest-loop"]


@settings(FUZZ, max_examples=20)
@given(kind=st.sampled_from(ODD), command=st.sampled_from(["build", "validate", "names"]))
def test_odd_files_are_refused_in_one_line(home, kind, command):
    path = _odd(folder(home), kind)
    argv = [command, str(path)] + (["--out", str(home.path)] if command == "build" else [])
    code, _, err = run(argv + (["--quiet"] if command != "names" else []))
    check_output(code, err)
    assert code == 2, err
    if kind not in ("missing", "dangling-symlink"):
        assert "no such file" not in err, err
    home.check(code)


# --- the console script ----------------------------------------------------------------------------------

EXE = Path(sys.executable).with_name("eqgraph")


@pytest.mark.parametrize("case", ["header-tag", "fifo", "non-utf8-name", "cut", "manifest-list"])
def test_the_console_script_prints_no_traceback(tmp_path, case):
    home = tmp_path / "home"
    source = DOCUMENTS[1]
    path = tmp_path / "plan.txt"
    if case == "header-tag":
        path.write_bytes(source.replace(b"Equality Objective 5:", b"Equality Objective<b> 5\x01:"))
    elif case == "fifo":
        os.mkfifo(path)
    elif case == "non-utf8-name":
        path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/plan\xe9.txt"))
        path.write_bytes(source)
    elif case == "cut":
        path.write_bytes(DOCUMENTS[0][:len(DOCUMENTS[0]) // 2])
    elif case == "manifest-list":
        path.write_bytes(source)
        (tmp_path / "plans.yaml").write_text("- plan.txt\n")
    done = subprocess.run([str(EXE), "build", os.fsencode(path), "--out", str(home), "--quiet"],
                          capture_output=True, timeout=120)
    err = done.stderr.decode("utf-8")
    check_output(done.returncode, err)
    if case == "header-tag":
        assert done.returncode == 0, err
    else:
        assert done.returncode == 2 and not home.exists(), err
