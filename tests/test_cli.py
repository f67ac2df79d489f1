"""The eqgraph command as a user meets it: output, exit codes, and what is (not) written."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eqgraph import resources
from eqgraph.cli import main
from eqgraph.store import current_release


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-home")
    assert main(["build", "--out", str(home), "--quiet"]) == 0
    return home


def test_build_prints_progress_and_a_summary(capsys, tmp_path):
    code, out, err = run(capsys, "build", "--out", str(tmp_path))
    assert code == 0
    assert "merton-2013-14: 5 objectives, 29 priority areas, 87 actions" in out
    assert "merton-2017-18: 6 objectives, 45 actions" in out
    assert "eqgraph: plans:" in err and "eqgraph: validate" not in out
    assert "0 violation(s)" in err


def test_plans_lists_what_was_built(capsys, home):
    code, out, _ = run(capsys, "plans", "--out", str(home))
    assert code == 0
    assert "merton-2013-14 (2013/14)" in out and "5 objectives, 29 priority areas, 87 actions" in out
    assert "merton-2017-18 (2017/18)" in out and "6 objectives, 45 actions" in out


def test_validate_writes_nothing_and_reports_warnings(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "validate", "--all", "--quiet")
    assert code == 0 and "conforms: 0 violations, 6 warning(s)" in out
    assert "No performance measure" in err and "No measurable target" in err
    assert list(tmp_path.iterdir()) == []


def test_export_formats(capsys, home, tmp_path):
    for fmt, marker in [("turtle", b"@prefix eqg:"), ("nt", b"<https://w3id.org/eqgraph/id/"),
                        ("jsonld", b'"@id"'), ("xml", b"<rdf:RDF"), ("rdfxml", b"<rdf:RDF"), ("ttl", b"@prefix eqg:")]:
        target = tmp_path / f"graph.{fmt}"
        code, _, err = run(capsys, "export", "--out", str(home), "--format", fmt, "-o", str(target))
        assert code == 0, err
        assert marker in target.read_bytes()[:4000]


@pytest.mark.skipif(not shutil.which("rapper") and not os.environ.get("CI"),
                    reason="rapper (raptor2-utils) not installed; `make test` installs it")
def test_exported_turtle_parses_with_an_independent_parser(capsys, home, tmp_path):
    from rdflib import Graph

    target = tmp_path / "graph.ttl"
    assert run(capsys, "export", "--out", str(home), "-o", str(target))[0] == 0
    done = subprocess.run(["rapper", "-i", "turtle", "-c", str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    triples = len(Graph().parse(target))
    assert f"returned {triples} triples" in done.stderr


def test_bad_input_fails_with_one_line_and_leaves_the_previous_graph(capsys, tmp_path):
    assert main(["build", "--out", str(tmp_path), "--quiet"]) == 0
    before = current_release(tmp_path)
    source = resources.builtin_documents()[0].read_text(encoding="utf-8")
    cases = {
        "empty.txt": b"",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00",
        "letter.txt": b"Dear resident,\nthe bins will be collected on Tuesday.\n",
        "cut.txt": source[: source.index("Mini survey issued to the")].encode(),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        code, out, err = run(capsys, "build", str(path), "--out", str(tmp_path))
        assert code == 2, (name, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"eqgraph: error: {path}"), (name, err)
        assert current_release(tmp_path) == before
    assert len(list((tmp_path / "releases").iterdir())) == 1


def test_validation_failure_exits_1_and_writes_nothing(capsys, tmp_path, monkeypatch):
    # An owner cell that names no unit at all ("TBC": a unit the council's vocabulary does not know would
    # be added for review): the document parses, but the graph violates the shapes.
    source = resources.builtin_documents()[1].read_text(encoding="utf-8")
    path = tmp_path / "unowned.txt"
    path.write_text(source.replace("\tCS Lead\t", "\tTBC\t"), encoding="utf-8")
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "home"))
    assert code == 1
    assert "Violation: https://w3id.org/eqgraph/id/plan/unowned/action/5.2 [unowned.txt, line 96]" in err
    assert err.strip().splitlines()[-1].startswith("eqgraph: ") and "nothing was written" in err
    assert not (tmp_path / "home" / "current").exists()
    code, _, err = run(capsys, "validate", str(path), "--quiet")
    assert code == 1 and err.strip().splitlines()[-1] == "eqgraph: does not conform: 1 violation(s)"


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["export", "--format", "pdf"])
    assert caught.value.code == 2


def test_console_script_help_explains_itself():
    exe = Path(sys.executable).with_name("eqgraph")
    done = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for word in ("build", "validate", "plans", "export", "exit codes"):
        assert word in done.stdout
    done = subprocess.run([str(exe), "plans", "--out", "/nonexistent/eqgraph-home"], capture_output=True, text=True)
    assert done.returncode == 2 and "run `eqgraph build` first" in done.stderr


def test_query_list_and_json_output(capsys, home):
    import json

    code, out, _ = run(capsys, "query", "--list")
    assert code == 0 and "strategies-feeding-objective" in out and "plan:plan, objective:integer" in out
    code, out, _ = run(capsys, "query", "strategies-feeding-objective", "--param", "plan=merton-2017-18",
                       "--param", "objective=1", "--format", "json", "--out", str(home))
    assert code == 0
    rows = json.loads(out)
    assert {"strategy", "label", "actions"} == set(rows[0])
    assert rows[0]["strategy"].startswith("https://w3id.org/eqgraph/id/strategy/")
    assert {"label": "Health and Wellbeing Strategy", "actions": "3"}.items() <= \
        next(r for r in rows if r["label"] == "Health and Wellbeing Strategy").items()


def test_query_csv_tsv_and_truncation(capsys, home):
    code, out, err = run(capsys, "query", "actions", "--format", "csv", "--limit", "3", "--out", str(home))
    assert code == 0 and out.splitlines()[0] == "action,plan,ref,title,objective,objectiveTitle"
    assert len(out.splitlines()) == 4 and "truncated" in err
    assert out.endswith("\r\n")  # SPARQL 1.1 CSV: CRLF line ends
    code, out, _ = run(capsys, "query", "plans", "--format", "tsv", "--out", str(home))
    assert out.splitlines()[0].split("\t")[:2] == ["?planNode", "?plan"]  # SPARQL 1.1 TSV: ?var, RDF terms
    assert out.splitlines()[1].startswith("<https://w3id.org/eqgraph/id/plan/")


def test_query_writes_sparql_results_formats_from_the_formats_table(capsys, home):
    import json

    code, out, _ = run(capsys, "query", "plans", "--format", "srj", "--out", str(home))
    data = json.loads(out)
    assert code == 0 and data["head"]["vars"][:2] == ["planNode", "plan"] and data["results"]["bindings"]
    code, out, _ = run(capsys, "query", "plans", "--format", "xml", "--out", str(home))
    assert code == 0 and "<sparql xmlns=" in out
    code, _, err = run_usage(capsys, "query", "plans", "--format", "turtle")
    assert code == 2 and "unknown format 'turtle'" in err and "srj" in err


def run_usage(capsys, *args):
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    captured = capsys.readouterr()
    return caught.value.code, captured.out, captured.err


def test_query_says_what_a_loosely_typed_name_was_taken_to_mean(capsys, home):
    code, out, err = run(capsys, "query", "actions-for-partner", "--param", "partner=Latimer", "--format", "csv",
                         "--out", str(home))
    assert code == 0 and "partner 'Latimer' is Clarion Housing Group" in err
    code, _, err = run(capsys, "query", "actions-for-partner", "--param", "partner=Network Rail", "--out", str(home))
    assert code == 0 and "is Network Rail" not in err  # an exact name needs no note
    code, _, err = run(capsys, "query", "actions", "--param", "plan=merton-2013-14", "--out", str(home))
    assert code == 0 and "plan 'merton-2013-14' is" not in err  # nor does an identifier
    # KEY=VALUE straight after the name, as people write it; a description reads as the group it names.
    code, out, err = run(capsys, "query", "actions-for-community", "community=BME groups", "--format", "csv",
                         "--out", str(home))
    assert code == 0 and "community 'BME groups' is Ethnic minorities" in err and len(out.splitlines()) > 5
    # Values may follow options too; a key given twice with two values is refused, not silently chosen.
    code, out, _ = run(capsys, "query", "actions-for-partner", "--format", "csv", "partner=TfL", "--out", str(home))
    assert code == 0 and "TfL" in out
    code, _, err = run(capsys, "query", "actions-for-partner", "partner=TfL", "--param", "partner=MVSC",
                       "--out", str(home))
    assert code == 2 and "given twice" in err


@pytest.mark.parametrize("args, message", [
    (["query", "no-such-query"], "no saved query named 'no-such-query'"),
    (["query", "actions-for-community"], "needs parameter 'community'"),
    (["query", "actions", "--param", "objective=first"], "must be a whole number"),
    (["query", "actions-for-partner", "--param", "partner=Transport for Londn"], "did you mean"),
    (["query", "actions", "--param", "objective"], "a parameter is KEY=VALUE"),
])
def test_query_errors_exit_2_with_a_clear_message(capsys, home, args, message):
    code, _, err = run(capsys, *args, "--out", str(home))
    assert code == 2 and message in err and err.count("\n") == 1


def test_export_errors_are_one_line_and_files_are_readable(capsys, home, tmp_path):
    import stat

    code, _, err = run(capsys, "export", "--out", str(home), "-o", str(tmp_path))
    assert code == 2 and err.strip().splitlines() == [f"eqgraph: error: {tmp_path} is a directory; give a file name"]
    blocker = tmp_path / "file.nt"
    blocker.write_text("x")
    code, _, err = run(capsys, "export", "--out", str(home), "-o", str(blocker / "inner.ttl"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    target = tmp_path / "graph.ttl"
    assert run(capsys, "export", "--out", str(home), "-o", str(target))[0] == 0
    assert target.stat().st_mode & stat.S_IROTH  # readable by others, like any file the user writes


def test_documents_with_the_same_file_name_are_refused(capsys, tmp_path):
    source = resources.builtin_documents()[1].read_bytes()
    for folder, plan in (("a", "plan-a"), ("b", "plan-b")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "plan.txt").write_bytes(source)
        (tmp_path / folder / "plans.yaml").write_text(f"plans:\n  - {{id: {plan}, file: plan.txt}}\n")
    code, _, err = run(capsys, "build", str(tmp_path / "a" / "plan.txt"), str(tmp_path / "b" / "plan.txt"),
                       "--out", str(tmp_path / "home"))
    assert code == 2 and "same file name" in err


def test_a_built_in_document_cut_at_a_row_boundary_is_blamed_not_the_corrections(capsys, tmp_path):
    source = resources.builtin_documents()[0].read_text(encoding="utf-8")
    cut = tmp_path / "000_40e3021ba5099370.txt"
    cut.write_text(source[: source.index("<p>3.1.4 Increase take up")], encoding="utf-8")
    (tmp_path / "plans.yaml").write_text("plans:\n  - {id: merton-2013-14, file: 000_40e3021ba5099370.txt}\n")
    # The corrections are keyed by the garbles they repair, so the rows it lacks are not theirs to miss:
    # the document itself is reported, with the line where it stops, and --strict refuses it.
    code, _, err = run(capsys, "build", str(cut), "--out", str(tmp_path / "home"))
    assert code == 0
    assert f"eqgraph: warning: {cut}:126: the file ends with a table header and no row under it" in err
    assert "corrections" not in err
    code, _, err = run(capsys, "build", str(cut), "--out", str(tmp_path / "strict"), "--strict")
    assert code == 2 and "000_40e3021ba5099370.txt:126" in err and "cut off" in err


# --- no traceback, ever: every refusal is one line naming the file (and line) ----------------------------

def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("eqgraph: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_the_built_in_documents_build_with_no_damage_warning(capsys, tmp_path):
    code, _, err = run(capsys, "build", "--out", str(tmp_path), "--strict")
    assert code == 0 and "eqgraph: warning" not in err and "damage" not in err


@pytest.mark.parametrize("header", ["Equality Objective<b> 5:", "Equality Objective&#32;5:",
                                    "Equality Objective 5\x01:", "Equality <b>Objective</b> 5:"])
def test_markup_inside_an_objective_header_builds(capsys, tmp_path, header):
    # These recursed without end (RecursionError) before.
    path = tmp_path / "plan.txt"
    path.write_bytes(resources.builtin_documents()[1].read_bytes().replace(b"Equality Objective 5:", header.encode()))
    code, out, err = run(capsys, "build", str(path), "--out", str(tmp_path / "home"), "--quiet")
    assert code == 0 and "Traceback" not in err


def test_odd_paths_are_named_for_what_they_are(capsys, tmp_path):
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "dangling").symlink_to("gone.txt")
    for name, message in [("folder", "is a directory, not a document"),
                          ("pipe", "is a named pipe (FIFO), not a document file"),
                          ("loop", "symbolic link loop"),
                          ("dangling", "no such file (a symbolic link to a missing file)"),
                          ("missing.txt", "no such file")]:
        code, _, err = run(capsys, "build", str(tmp_path / name), "--out", str(tmp_path / "home"))
        assert code == 2
        assert one_error_line(err).startswith(f"eqgraph: error: {tmp_path / name}: {message}"), err
        assert not (tmp_path / "home").exists()


def test_a_file_name_that_is_not_utf8_is_refused_in_one_printable_line(capsys, tmp_path):
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/plan\xff.txt"))
    path.write_bytes(resources.builtin_documents()[1].read_bytes())
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "home"))
    assert code == 2
    line = one_error_line(err)
    assert "plan\\xff.txt: the file name is not UTF-8 (byte 0xff)" in line
    line.encode("utf-8")  # printable on any UTF-8 terminal


def test_an_unreadable_document_is_refused_in_one_line(capsys, tmp_path, monkeypatch):
    path = tmp_path / "plan.txt"
    path.write_bytes(resources.builtin_documents()[1].read_bytes())
    if os.geteuid() == 0:  # root reads through chmod 000: make the read fail as it would for a user
        original = Path.read_bytes

        def read_bytes(self):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return original(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    else:
        path.chmod(0)
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "home"))
    assert code == 2
    assert one_error_line(err) == f"eqgraph: error: {path}: cannot read the file: permission denied"


@pytest.mark.parametrize("manifest, message", [
    (b"- plan.txt\n", "plans.yaml:1: expected a mapping with a 'plans:' list, not a YAML list"),
    (b"plans:\n  - {id: x, file: plan.txt, title: caf\xe9}\n", "plans.yaml:2: not UTF-8 text (byte 0xe9)"),
])
def test_a_bad_manifest_is_refused_in_one_line(capsys, tmp_path, manifest, message):
    (tmp_path / "plan.txt").write_bytes(resources.builtin_documents()[1].read_bytes())
    (tmp_path / "plans.yaml").write_bytes(manifest)
    code, _, err = run(capsys, "build", str(tmp_path / "plan.txt"), "--out", str(tmp_path / "home"))
    assert code == 2 and one_error_line(err).endswith(message)


def test_an_unforeseen_exception_is_one_line_saying_it_is_a_bug(capsys, tmp_path, monkeypatch):
    import eqgraph.pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(eqgraph.pipeline, "build", broken)
    code, _, err = run(capsys, "build", "--out", str(tmp_path))
    assert code == 2
    line = one_error_line(err)
    assert "internal error at eqgraph/" in line and "ZeroDivisionError: division by zero" in line
    assert "this is a bug in eqgraph" in line and "nothing was written" in line
    monkeypatch.setenv("EQGRAPH_TRACEBACK", "1")
    with pytest.raises(ZeroDivisionError):
        main(["build", "--out", str(tmp_path)])


def test_a_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["build", "--no-such-option"])
    assert caught.value.code == 2
    line = one_error_line(capsys.readouterr().err)
    assert "unrecognized arguments: --no-such-option" in line


# --- damage: warned, or refused with --strict ------------------------------------------------------------

def _with_line_deleted(tmp_path, prefix: str) -> Path:
    lines = resources.builtin_documents()[0].read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith(prefix))
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(lines[:at] + lines[at + 1:]), encoding="utf-8")
    return path


def test_damage_is_warned_even_when_quiet_and_kept_with_the_build(capsys, tmp_path):
    import json

    path = _with_line_deleted(tmp_path, "1.2.11")
    code, out, err = run(capsys, "build", str(path), "--out", str(tmp_path / "home"), "--quiet")
    assert code == 0 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == (f"eqgraph: warning: {path}:37: action 1.2.11 is missing: the numbering goes from 1.2.10 "
                        "(line 31) to 1.2.12; the line that opened it may be lost and its rows read into action 1.2.10")
    assert lines[-1].startswith("eqgraph: 1 sign(s) of damage (warnings above)")
    info = json.loads((current_release(tmp_path / "home") / "build.json").read_text(encoding="utf-8"))
    assert info["damage"] == [{"document": "plan.txt", "line": 37, "problem": lines[0].split(":37: ", 1)[1]}]


def test_strict_makes_damage_an_error_and_writes_nothing(capsys, tmp_path):
    assert main(["build", "--out", str(tmp_path / "home"), "--quiet"]) == 0
    before = current_release(tmp_path / "home")
    capsys.readouterr()
    path = _with_line_deleted(tmp_path, "1.2.11")
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "home"), "--strict")
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"eqgraph: warning: {path}:37: action 1.2.11 is missing")
    assert lines[-1] == (f"eqgraph: error: 1 sign(s) of damage in {path} (warnings above); --strict makes damage "
                         "an error; nothing was written")
    assert not any("ingest:" in line for line in lines[1:-1])  # stopped before building anything
    assert current_release(tmp_path / "home") == before
    code, _, err = run(capsys, "validate", str(path), "--strict", "--quiet")
    assert code == 2 and "--strict makes damage an error" in err


def test_a_plan_cut_mid_row_fails_and_one_cut_inside_its_last_cell_warns(capsys, tmp_path):
    source = resources.builtin_documents()[0].read_text(encoding="utf-8")
    path = tmp_path / "plan.txt"
    path.write_text(source[: source.index("Mini survey issued to the")], encoding="utf-8")
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "home"))
    assert code == 2 and "the file ends inside this row (\"5.1.1" in one_error_line(err) and "truncated" in err
    path.write_text(source[: source.index("Extensive events programme") + 40], encoding="utf-8")
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "home"), "--quiet")
    assert code == 0 and "the file ends inside a line, mid-sentence" in err and "action 4.1.4's Update" in err


def test_a_copy_with_a_byte_order_mark_builds_the_same_87_actions(capsys, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(b"\xef\xbb\xbf" + resources.builtin_documents()[0].read_bytes())
    code, out, err = run(capsys, "build", str(path), "--out", str(tmp_path / "home"), "--strict")
    assert code == 0, err
    assert "plan: 5 objectives, 29 priority areas, 87 actions" in out


@pytest.mark.parametrize("args, message", [
    (["build", "--out", "{file}"], "cannot build into {file}: {file} is a file, not a folder"),
    (["build", "--out", "{file}/home"], "cannot build into {file}/home: {file} is a file, not a folder"),
    (["build", "--base", "not an iri", "--out", "{dir}"], "the base IRI 'not an iri' is not an absolute IRI"),
    (["validate", "--base", "urn:x:"], "the base IRI 'urn:x:' is not an absolute IRI"),
    (["query", "actions", "--limit", "-1", "--out", "{dir}"], "argument --limit: -1 is not a positive number"),
])
def test_settings_that_cannot_work_are_refused_before_any_work(capsys, tmp_path, args, message):
    afile = tmp_path / "afile"
    afile.write_text("x")
    fill = {"file": str(afile), "dir": str(tmp_path / "home")}
    try:
        code, _, err = run(capsys, *[a.format(**fill) for a in args])
    except SystemExit as exit_:
        code, err = exit_.code, capsys.readouterr().err
    assert code == 2 and message.format(**fill) in one_error_line(err)


def test_the_command_exits_at_once_with_everything_written(tmp_path):
    """`eqgraph` leaves without freeing its heap object by object (cli.exit_now): what it printed
    and the release it built are all there, and the store opens with every triple."""
    import json

    from eqgraph.store import open_current

    exe = Path(sys.executable).with_name("eqgraph")
    done = subprocess.run([str(exe), "build", "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "built" in done.stdout and done.stdout.endswith("\n")
    info = json.loads((tmp_path / "current" / "build.json").read_text(encoding="utf-8"))
    assert open_current(tmp_path).triple_count() == info["triples"]
    refused = subprocess.run([str(exe), "build", "/nonexistent/plan.txt", "--out", str(tmp_path)],
                             capture_output=True, text=True)
    assert refused.returncode != 0 and "eqgraph: error" in refused.stderr


def test_only_the_command_itself_keeps_the_collector_off_after_a_build(home, monkeypatch):
    """`eqgraph build` leaves right after the build: its cyclic collector stays off (its first
    collection would walk everything the build made). From Python, `main` leaves it as it was."""
    import gc

    from eqgraph import cli

    assert gc.isenabled()
    assert main(["build", "--out", str(home), "--quiet"]) == 0
    assert gc.isenabled()
    monkeypatch.setattr(cli, "_LEAVING", True)
    try:
        cli._short_lived()
        assert not gc.isenabled()
    finally:
        gc.enable()
