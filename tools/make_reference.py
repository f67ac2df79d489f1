"""Remake the reference files (data/reference/) from the open data they are cut from.

    python tools/make_reference.py OPENDATA_DIR [--check]

For each file data/reference/sources.yaml lists, reads the source file of the same name in OPENDATA_DIR,
checks its sha256 against the manifest's, and writes the header and the rows `keep` selects, each line
exactly as it is in the source. It then prints the sha256 of each file written, to record in the
manifest. With --check it writes nothing and exits 1 if a shipped file differs from what it would write.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from eqgraph.links.reference import load_sources  # noqa: E402


def cut(source: Path, keep: dict[str, list[str]]) -> bytes:
    """The header and the kept lines of a CSV file, verbatim (a record may not span lines)."""
    lines = source.read_bytes().splitlines(keepends=True)
    header = next(csv.reader([lines[0].decode("utf-8-sig")]))
    columns = {name: header.index(name) for name in keep}
    out = [lines[0]]
    for number, line in enumerate(lines[1:], start=2):
        (row,) = list(csv.reader([line.decode("utf-8")]))
        if len(row) != len(header):
            raise SystemExit(f"{source}:{number}: {len(row)} fields where the header has {len(header)}")
        if all(row[index] in keep[name] for name, index in columns.items()):
            out.append(line)
    return b"".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("opendata", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    manifest = load_sources()
    differs = 0
    for source in manifest.files:
        original = args.opendata / Path(source.file).name  # the shared copy keeps the cut's file name
        digest = hashlib.sha256(original.read_bytes()).hexdigest()
        if digest != source.source_sha256:
            raise SystemExit(f"{original}: sha256 {digest}, not the {source.source_sha256} its provenance gives")
        data = cut(original, source.keep)
        if args.check:
            if not source.path.is_file() or source.path.read_bytes() != data:
                print(f"differs: {source.file}")
                differs += 1
            continue
        source.path.parent.mkdir(parents=True, exist_ok=True)
        source.path.write_bytes(data)
        rows = len(data.splitlines()) - 1
        print(f"{hashlib.sha256(data).hexdigest()}  {source.file} ({rows} rows)")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
