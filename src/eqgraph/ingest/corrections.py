"""Curated corrections (data/corrections.yaml): facts the extracted text garbles or loses.

Each entry says what it changes and, in `source`, where in a document the evidence is, and says which
documents it applies to by what it fixes, not by file name:

  garbled   the text as extraction garbles it (an objective's title; the start of the cell a row
            garble leaves its text in): every document printing that garble gets the repair,
            whichever plan or update it is;
  strategy  every yearly update of that strategy's plan (its name and years, as `Plan.strategy_key`
            compares them) where the problem is found: a lost header is repaired where it is lost;
  plan      one plan (one edition of one document).

They are applied after parsing and recorded on the record they change (so the graph shows them). An
entry for one plan that no longer matches its document is an error rather than silently ignored; an
entry keyed by a garble or a strategy applies only where its garble or problem is present.

Kinds:
  objective-title  the title of an objective, reconstructed from fragments or marked not in source
  move-text        an item printed in the wrong row (text that overflowed into the next row's cell)
  merged-cell      one cell spanning several rows, printed piecewise: every row gets the whole text
  move-cells       cells printed in the wrong columns of one row
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..model import TITLE_NOT_IN_SOURCE, TITLE_RECONSTRUCTED, Plan

ITEM_FIELDS = ("statement", "key_activity", "measures", "update")
LINE_FIELDS = ("strategy_text", "owner_text")
KINDS = ("objective-title", "move-text", "merged-cell", "move-cells")
SELECTORS = ("garbled", "strategy", "plan")
REQUIRED = {"objective-title": ("objective",), "move-text": ("field", "from", "to", "text"),
            "merged-cell": ("field", "actions"), "move-cells": ("action", "moves")}


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _key(strategy: str) -> str:
    """A strategy as written in an entry, compared as plans compare theirs (name and years)."""
    from .identity import read_identity

    return read_identity(strategy).strategy_key or _spaced(strategy.lower())


class Corrections:
    def __init__(self, entries: list[dict[str, Any]], path: Path):
        self.entries = entries
        self.path = path
        for index, entry in enumerate(entries, start=1):
            self._check(index, entry)

    @classmethod
    def load(cls, path: str | Path) -> "Corrections":
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise InputError(path, f"cannot read the file: {exc.strerror or exc}")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x})",
                             exc.object.count(b"\n", 0, exc.start) + 1)
        except RecursionError:
            raise InputError(path, "invalid YAML: nested too deeply")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(path, f"invalid YAML: {getattr(exc, 'problem', exc)}",
                             mark.line + 1 if mark is not None else None)
        entries = data.get("corrections") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise InputError(path, "expected a top-level 'corrections:' list")
        return cls(entries, path)

    def _fail(self, index: int, problem: str):
        raise InputError(self.path, f"correction {index}: {problem}")

    def _check(self, index: int, entry: dict[str, Any]) -> None:
        if not isinstance(entry, dict):
            self._fail(index, "each correction is a mapping")
        for key in ("kind", "source"):
            if not entry.get(key):
                self._fail(index, f"missing '{key}'")
        selectors = [key for key in SELECTORS if entry.get(key)]
        if len(selectors) != 1:
            self._fail(index, f"say which documents it applies to with one of {', '.join(SELECTORS)}")
        if selectors[0] == "strategy" and entry["kind"] != "objective-title":
            self._fail(index, "'strategy' selects lost objective headers only; select rows by 'garbled' "
                              "(the text the garbled cell starts with) or 'plan'")
        if entry["kind"] not in KINDS:
            self._fail(index, f"unknown kind {entry['kind']!r} (known: {', '.join(KINDS)})")
        for key in REQUIRED[entry["kind"]]:
            if key not in entry:
                self._fail(index, f"a {entry['kind']} correction needs '{key}'")
        if entry["kind"] == "merged-cell" and (not isinstance(entry["actions"], list) or len(entry["actions"]) < 2):
            self._fail(index, "'actions' lists the two or more rows the cell spans")
        if entry["kind"] == "move-cells" and not entry.get("moves"):
            self._fail(index, "'moves' lists at least one {from: FIELD, to: FIELD}")
        moves = entry.get("moves", [])
        if not isinstance(moves, list) or not all(isinstance(m, dict) for m in moves):
            self._fail(index, "'moves' is a list of {from: FIELD, to: FIELD}")
        for key in ("objective",):
            if key in entry and not isinstance(entry[key], int):
                self._fail(index, f"'{key}' must be a number")
        for key in ("source", "text", "title", "garbled", "strategy", "plan"):
            if key in entry and not isinstance(entry[key], str):
                self._fail(index, f"'{key}' must be text")
        fields = [entry.get("field")] if "field" in entry else []
        fields += [m.get(k) for m in moves for k in ("from", "to")]
        for name in fields:
            if name not in ITEM_FIELDS + LINE_FIELDS:
                self._fail(index, f"unknown field {name!r}")

    def apply(self, plan: Plan) -> None:
        for index, entry in enumerate(self.entries, start=1):
            if entry.get("plan"):
                if entry["plan"] == plan.id:
                    getattr(self, "_" + entry["kind"].replace("-", "_"))(index, entry, plan)
            elif entry.get("strategy"):
                if plan.strategy_key and _key(entry["strategy"]) == plan.strategy_key:
                    self._where_present(index, entry, plan)
            else:
                self._where_present(index, entry, plan)

    def _where_present(self, index: int, entry: dict, plan: Plan) -> None:
        """An entry keyed by a garble or a strategy: applied where the document shows the problem."""
        if entry["kind"] != "objective-title":
            if self._row_garbled(entry, plan):
                getattr(self, "_" + entry["kind"].replace("-", "_"))(index, entry, plan)
            return
        objective = plan.objective(int(entry["objective"])) if "objective" in entry else None
        candidates = [objective] if objective else plan.objectives
        for found in candidates:
            printed = _spaced(" ".join(found.fragments))
            if entry.get("garbled") and printed == _spaced(entry["garbled"]):
                self._retitle(index, entry, found)
            elif not entry.get("garbled") and entry.get("status") == TITLE_NOT_IN_SOURCE and not printed:
                self._retitle(index, entry, found)

    @staticmethod
    def _row_garbled(entry: dict, plan: Plan) -> bool:
        """Whether the plan's rows show the garble the entry repairs: the cell it names starts with the
        `garbled` text (for move-text, the moved text; for merged-cell, every later row's piece)."""
        garbled = _spaced(entry["garbled"])

        def starts(ref, name) -> bool:
            action = plan.action(str(ref))
            value = getattr(action, name, None) if action else None
            first = value if isinstance(value, str) else (value[0] if value else "")
            return _spaced(first).startswith(garbled)

        if entry["kind"] == "move-text":
            return plan.action(str(entry["to"])) is not None and starts(entry["from"], entry["field"])
        if entry["kind"] == "merged-cell":
            refs = [str(r) for r in entry["actions"]]
            return all(plan.action(r) for r in refs) and starts(refs[1], entry["field"])
        return bool(entry.get("moves")) and starts(entry["action"], entry["moves"][0]["from"])

    # --- kinds --------------------------------------------------------------------------------------
    def _action(self, index: int, plan: Plan, ref: str):
        action = plan.action(str(ref))
        if action is None:
            # The document is what changed (cut short, or another edition), not the corrections file.
            last = plan.actions[-1] if plan.actions else None
            raise InputError(plan.document, f"has no action {ref}, which correction {index} of {self.path.name} "
                                            "expects: is the document truncated or a different edition?",
                             last.span.last_line if last else None)
        return action

    def _objective_title(self, index: int, entry: dict, plan: Plan) -> None:
        objective = plan.objective(int(entry["objective"]))
        if objective is None:
            raise InputError(plan.document, f"has no objective {entry['objective']}, which correction {index} of "
                                            f"{self.path.name} expects: is the document truncated?")
        self._retitle(index, entry, objective)

    def _retitle(self, index: int, entry: dict, objective) -> None:
        status = entry.get("status", TITLE_RECONSTRUCTED)
        if status not in (TITLE_RECONSTRUCTED, TITLE_NOT_IN_SOURCE):
            self._fail(index, f"status must be {TITLE_RECONSTRUCTED} or {TITLE_NOT_IN_SOURCE}")
        objective.title = entry.get("title") or f"Equality Objective {objective.number}"
        objective.title_status = status
        objective.notes.append(entry["source"].strip())

    def _move_text(self, index: int, entry: dict, plan: Plan) -> None:
        name, text = entry["field"], entry["text"]
        source, target = self._action(index, plan, entry["from"]), self._action(index, plan, entry["to"])
        items = getattr(source, name)
        if not items or not items[0].startswith(text):
            self._fail(index, f"{plan.id} {source.ref} {name} does not start with {text!r}")
        rest = items[0][len(text):].strip()
        setattr(source, name, ((rest,) if rest else ()) + items[1:])
        existing = getattr(target, name)
        setattr(target, name, existing[:-1] + (f"{existing[-1]} {text}",) if existing else (text,))
        for action in (source, target):
            action.notes.append(entry["source"].strip())

    def _merged_cell(self, index: int, entry: dict, plan: Plan) -> None:
        name = entry["field"]
        actions = [self._action(index, plan, ref) for ref in entry["actions"]]
        merged = tuple(item for action in actions for item in getattr(action, name))
        # The pieces were split where a page or row ended: the second starts mid-sentence.
        joined: list[str] = []
        for action in actions:
            for n, item in enumerate(getattr(action, name)):
                if joined and n == 0 and item[:1].islower():
                    joined[-1] = f"{joined[-1]} {item}"
                else:
                    joined.append(item)
        for action in actions:
            setattr(action, name, tuple(joined) if joined else merged)
            action.notes.append(entry["source"].strip())

    def _move_cells(self, index: int, entry: dict, plan: Plan) -> None:
        action = self._action(index, plan, entry["action"])
        for move in entry["moves"]:
            source, target = move["from"], move["to"]
            value = getattr(action, source)
            items = (value,) if isinstance(value, str) and value else tuple(value or ())
            current = getattr(action, target)
            if target in LINE_FIELDS:
                setattr(action, target, " ".join(((current,) if current else ()) + items))
            else:
                setattr(action, target, tuple(current) + items)
            setattr(action, source, "" if source in LINE_FIELDS else ())
        action.notes.append(entry["source"].strip())

