"""The manifest (plans.yaml) is input like the documents: whatever it holds is refused in one line."""

import pytest

from eqgraph import resources
from eqgraph.errors import InputError
from eqgraph.ingest.manifest import entry_for, read_manifest

DOCUMENT = resources.builtin_documents()[1].read_bytes()


def manifest_with(tmp_path, content: bytes | str):
    (tmp_path / "plan.txt").write_bytes(DOCUMENT)
    path = tmp_path / "plans.yaml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_the_built_in_manifest_records_checksums_and_action_counts():
    entries = dict(read_manifest(resources.data_dir() / "plans.yaml"))
    assert [e.id for e in entries.values()] == ["merton-2013-14", "merton-2017-18"]
    assert [e.actions for e in entries.values()] == [87, 45]
    assert all(len(e.sha256) == 64 for e in entries.values())
    assert [e.line for e in entries.values()] == [6, 13]


@pytest.mark.parametrize("content, problem, line", [
    ("- plan.txt\n", "expected a mapping with a 'plans:' list, not a YAML list", 1),
    (b"plans:\n  - {id: x, file: plan.txt, title: caf\xe9}\n", "not UTF-8 text (byte 0xe9)", 2),
    ("plans: [\n", "invalid YAML", 2),
    ("plans: 3\n", "'plans' must be a list of entries, not a YAML int", None),
    ("plans:\n  - plan.txt\n", "plans entry 1: needs 'file' and 'id'", 2),
    ("plans:\n  - {id: [a], file: plan.txt}\n", "plan id a YAML list must be lower-case", 2),
    ("plans:\n  - {id: \"a\\n\", file: plan.txt}\n", "plan id 'a\\n' must be lower-case", 2),
    ("plans:\n  - {id: a, file: 3}\n", "'file' must be a file name, not 3", 2),
    ("plans:\n  - {id: a, file: plan.txt, title: {x: 1}}\n", "'title' must be text, not a YAML mapping", 2),
    ("plans:\n  - {id: a, file: plan.txt, sha256: abc}\n", "'sha256' must be 64 lower-case hexadecimal digits", 2),
    ("plans:\n  - {id: a, file: plan.txt, actions: yes}\n", "'actions' must be a whole number", 2),
    ("plans: " + "[" * 3000 + "]" * 3000 + "\n", "invalid YAML", None),
])
def test_a_bad_manifest_is_refused_with_its_line(tmp_path, content, problem, line):
    manifest = manifest_with(tmp_path, content)
    with pytest.raises(InputError) as caught:
        entry_for(tmp_path / "plan.txt")
    assert caught.value.path == str(manifest)
    assert problem in caught.value.problem
    if line is not None:
        assert caught.value.line == line
    assert "\n" not in str(caught.value)


def test_aliases_that_make_a_huge_value_are_never_printed_whole(tmp_path):
    rows = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for name, previous in zip("bcdefg", "abcdef"):
        rows.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    manifest_with(tmp_path, "\n".join(rows) + "\nplans:\n  - {id: *g, file: plan.txt}\n")
    with pytest.raises(InputError) as caught:
        entry_for(tmp_path / "plan.txt")
    assert "plan id a YAML list" in caught.value.problem and len(str(caught.value)) < 300


@pytest.mark.parametrize("kind, problem", [
    ("directory", "is a directory, not a manifest"),
    ("fifo", "is a named pipe (FIFO), not a manifest file"),
    ("loop", "symbolic link loop"),
    ("dangling", "no such file (a symbolic link to a missing file)"),
])
def test_a_manifest_that_is_not_a_file_is_refused_not_ignored(tmp_path, kind, problem):
    import os

    (tmp_path / "plan.txt").write_bytes(DOCUMENT)
    manifest = tmp_path / "plans.yaml"
    {"directory": manifest.mkdir, "fifo": lambda: os.mkfifo(manifest),
     "loop": lambda: manifest.symlink_to("plans.yaml"), "dangling": lambda: manifest.symlink_to("gone.yaml")}[kind]()
    with pytest.raises(InputError) as caught:
        entry_for(tmp_path / "plan.txt")
    assert problem in caught.value.problem


def test_a_byte_order_mark_and_an_empty_manifest_are_fine(tmp_path):
    manifest_with(tmp_path, "\ufeffplans:\n  - {id: my-plan, file: plan.txt}\n")
    assert entry_for(tmp_path / "plan.txt").id == "my-plan"
    manifest_with(tmp_path, "")
    assert entry_for(tmp_path / "plan.txt").id == "plan"
