"""Which nodes a set of SHACL shapes could report on: a quick, conservative pass before pySHACL.

pySHACL checks every focus node against every constraint, and most of a plan's thousands of nodes
conform: on the 100-plan input that was most of a build's work. This pass reads the same shapes (the
part of SHACL Core they use) and answers, for each focus node, whether any constraint *could* give a
result (a Violation, a Warning or an Info); pySHACL, the reference, then validates only those nodes
(`validate.validate(..., screen=True)`).

Where it is certain of a result and the shape states it in its own words, the pass states it itself
(`Finding`): a failed sh:minCount, sh:maxCount or sh:hasValue of a property shape with one sh:message
is one result with that shape's severity, path and message and no value, whatever the engine; a node
whose every result is of that kind never goes to pySHACL (on a plan, the Info and Warning findings
most actions have). Every other result, and every result of a node pySHACL validates, is pySHACL's.

The pass may flag a node that conforms (pySHACL then finds nothing for it) but must never miss one:
where a constraint's outcome is not certain here (an uncommon datatype, values that do not compare),
the node is flagged; a node shape with a SPARQL constraint flags every focus node it has; and shapes
that use anything outside the subset below are not screened at all (`Screen.of` answers None, and
every node goes to pySHACL). tests/test_screening.py checks that the screened report is pySHACL's
whole report, on the built-in plans, the test documents and graphs damaged on purpose.

Supported: targets (sh:targetClass with rdfs:subClassOf, sh:targetNode, sh:targetSubjectsOf,
sh:targetObjectsOf); property shapes on a predicate or its sh:inversePath; sh:minCount, sh:maxCount,
sh:datatype, sh:class, sh:nodeKind, sh:pattern (with sh:flags), sh:minLength, sh:maxLength,
sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive, sh:in, sh:hasValue,
sh:lessThan, sh:lessThanOrEquals, sh:uniqueLang, sh:node and sh:sparql; and what does not constrain (messages,
severities, names, comments, prefixes).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

# What a shape may say that changes nothing about which nodes it reports on.
DESCRIPTIVE = {RDF.type, RDFS.comment, RDFS.label, SH.message, SH.severity, SH.name, SH.description,
               SH.order, SH.group, SH.prefixes, SH.declare, SH.defaultValue}
TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
VALUE_CHECKS = {SH.datatype, SH["class"], SH.nodeKind, SH.pattern, SH.flags, SH.minLength, SH.maxLength,
                SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH["in"], SH.node}
PROPERTY_ONLY = {SH.path, SH.minCount, SH.maxCount, SH.hasValue, SH.lessThan, SH.lessThanOrEquals, SH.uniqueLang}
NODE_ONLY = {SH.property, SH.sparql, SH.hasValue}
SPARQL_CONSTRAINT = {RDF.type, SH.select, SH.prefixes, SH.message, SH.severity}

# A datatype's values as rdflib gives them, the way pySHACL's sh:datatype tells a well-formed one.
PYTHON_TYPES = {XSD.string: (str,), XSD.integer: (int,), XSD.decimal: (Decimal,), XSD.float: (float,),
                XSD.double: (float,), XSD.boolean: (bool,), XSD.date: (datetime.date,),
                XSD.dateTime: (datetime.datetime,)}
NUMBERS = (int, float, Decimal)
NODE_KINDS = {SH.IRI: (URIRef,), SH.Literal: (Literal,), SH.BlankNode: (BNode,),
              SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
              SH.IRIOrLiteral: (URIRef, Literal)}


class Unsupported(Exception):
    """The shapes use something this pass does not know: every node goes to pySHACL."""


@dataclass(frozen=True)
class Finding:
    """A result the pass is certain of, as pySHACL reports it: the severity and message of the shape
    whose constraint failed, and its path (None for an inverse path); no value."""

    severity: URIRef
    path: URIRef | None
    message: str


class _Unsure:
    """In an outcome: the node could give a result this pass does not state (pySHACL decides)."""


UNSURE = _Unsure()
Outcome = tuple  # of Finding and UNSURE: empty when the node certainly conforms


@dataclass
class _Index:
    """The data graph's triples by subject and by object, read once."""

    out: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    into: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    @classmethod
    def of(cls, data: Graph) -> "_Index":
        index = cls()
        for s, p, o in data.triples((None, None, None)):
            index.out[s][p].append(o)
            index.into[o][p].append(s)
        return index

    def objects(self, s, p) -> list:
        found = self.out.get(s)
        return found.get(p, []) if found else []

    def subjects(self, p, o) -> list:
        found = self.into.get(o)
        return found.get(p, []) if found else []

    def subclasses(self, cls) -> set:
        """`cls` and every class below it by rdfs:subClassOf in the data (what sh:class follows)."""
        seen, todo = {cls}, [cls]
        while todo:
            for sub in self.subjects(RDFS.subClassOf, todo.pop()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return seen


Check = Callable[[_Index, object], Outcome]  # (data, focus node) -> the results it could give
Reach = Callable[[_Index, object], set]  # (data, focus node) -> the nodes its sh:node shapes are run on


@dataclass
class Screen:
    """The shapes compiled: for each node shape with targets, how to find its focus nodes, whether a
    focus node could give a result, and which other nodes pySHACL validates in validating it (the
    values checked against an sh:node shape: pySHACL's focus list limits those too, so they must be
    in it)."""

    shapes: list[tuple[list[tuple[URIRef, object]], Check, Reach]]

    @classmethod
    def of(cls, shapes: Graph) -> "Screen | None":
        """The screen of `shapes`, or None when they use anything outside the supported subset."""
        try:
            _targets_it_reads(shapes)
            compiled = []
            for shape in sorted({s for p in TARGETS for s in shapes.subjects(p, None)}, key=str):
                targets = [(p, o) for p in TARGETS for o in shapes.objects(shape, p)]
                compiled.append((targets, *_node_shape(shapes, shape, set())))
            return cls(compiled)
        except Unsupported:
            return None

    def screen(self, data: Graph) -> tuple[list[tuple[object, Finding]], list[URIRef] | None]:
        """The results it is certain of (focus node, finding), and the nodes pySHACL must validate,
        in a stable order: those that could give another result, and the nodes their sh:node shapes
        are run on. The second is None when one of those is not an IRI (pySHACL's focus list takes
        IRIs only: then every node goes to it, and it states every result)."""
        index = _Index.of(data)
        certain: list[tuple[object, Finding]] = []
        sent: set = set()
        for targets, check, reach in self.shapes:
            for node in _focus_nodes(index, targets):
                outcome = check(index, node)
                if not outcome:
                    continue
                if UNSURE in outcome:
                    sent.add(node)
                    sent |= reach(index, node)
                else:
                    certain.extend((node, finding) for finding in outcome)
        if not all(isinstance(node, URIRef) for node in sent):
            return [], None
        # A node pySHACL validates gets every result of its shapes from pySHACL.
        return [(node, f) for node, f in certain if node not in sent], sorted(sent, key=str)


def _focus_nodes(index: _Index, targets: list[tuple[URIRef, object]]) -> set:
    nodes: set = set()
    for kind, value in targets:
        if kind == SH.targetNode:
            nodes.add(value)
        elif kind == SH.targetClass:
            for cls in index.subclasses(value):
                nodes.update(index.subjects(RDF.type, cls))
        elif kind == SH.targetSubjectsOf:
            nodes.update(s for s, by in index.out.items() if value in by)
        else:  # sh:targetObjectsOf
            nodes.update(o for o, by in index.into.items() if value in by)
    return nodes


def _targets_it_reads(shapes: Graph) -> None:
    """Refuses shapes whose focus nodes come from elsewhere than the four target predicates: a shape
    that is also a class (its instances are its implicit targets, with or without a target of its
    own) and SHACL-AF's sh:target. Left out of the screen, their nodes would never be flagged."""
    if any(shapes.triples((None, SH.target, None))):
        raise Unsupported("a SHACL-AF target")
    for kind in (RDFS.Class, OWL.Class):
        for node in shapes.subjects(RDF.type, kind):
            if (node, RDF.type, SH.NodeShape) in shapes or (node, RDF.type, SH.PropertyShape) in shapes \
                    or any(str(p).startswith(str(SH)) for p in shapes.predicates(node, None)):
                raise Unsupported("an implicit class target")


def _known(shapes: Graph, node, allowed: set) -> None:
    for p in shapes.predicates(node, None):  # anything else (sh:deactivated among them): not screened
        if p not in allowed:
            raise Unsupported(f"{p} on {node}")


def _node_shape(shapes: Graph, shape, visiting: set) -> tuple[Check, Reach]:
    """A node shape (with or without targets): its value checks on the node itself, its property
    shapes, its SPARQL constraints."""
    if shape in visiting:
        raise Unsupported("a recursive shape")
    visiting = visiting | {shape}
    _known(shapes, shape, DESCRIPTIVE | TARGETS | VALUE_CHECKS | NODE_ONLY)
    own, own_reach = _value_checks(shapes, shape, visiting)
    properties = [_property_shape(shapes, p, visiting) for p in shapes.objects(shape, SH.property)]
    has_value = list(shapes.objects(shape, SH.hasValue))
    for constraint in shapes.objects(shape, SH.sparql):
        _known(shapes, constraint, SPARQL_CONSTRAINT)

    def reach(index: _Index, node) -> set:
        found = own_reach(index, [node])
        for _, property_reach in properties:
            found |= property_reach(index, node)
        return found

    if any(shapes.objects(shape, SH.sparql)):
        return (lambda index, node: (UNSURE,)), reach  # its query decides: pySHACL runs it

    def check(index: _Index, node) -> Outcome:
        if any(value != node for value in has_value) or own(index, [node]):
            return (UNSURE,)
        found: Outcome = ()
        for property_check, _ in properties:
            found += property_check(index, node)
        return found

    return check, reach


def _property_shape(shapes: Graph, shape, visiting: set) -> tuple[Check, Reach]:
    _known(shapes, shape, DESCRIPTIVE | VALUE_CHECKS | PROPERTY_ONLY)
    path = _path(shapes, shapes.value(shape, SH.path))
    least = _integer(_single(shapes, shape, SH.minCount))
    most = _integer(_single(shapes, shape, SH.maxCount))
    has_value = list(shapes.objects(shape, SH.hasValue))
    below = [(p, False) for p in shapes.objects(shape, SH.lessThan)] + \
            [(p, True) for p in shapes.objects(shape, SH.lessThanOrEquals)]
    unique_lang = any(flag == Literal(True) for flag in shapes.objects(shape, SH.uniqueLang))
    own, own_reach = _value_checks(shapes, shape, visiting)

    counted = _finding(shapes, shape)  # what a failed count or sh:hasValue gives

    def check(index: _Index, node) -> Outcome:
        values = path(index, node)
        count = len(set(values))
        found: Outcome = ()
        if least is not None and count < least:
            found += (counted,)
        if most is not None and count > most:
            found += (counted,)
        found += tuple(counted for value in has_value if value not in values)
        if unique_lang:
            tags = [v.language.lower() for v in set(values) if isinstance(v, Literal) and v.language]
            if len(tags) != len(set(tags)):
                return (UNSURE,)
        for other, equal in below:
            for v in values:
                for w in index.objects(node, other):
                    if not _ordered(v, w, equal):
                        return (UNSURE,)
        return (UNSURE,) if own(index, values) else found

    return check, (lambda index, node: own_reach(index, path(index, node)))


def _finding(shapes: Graph, shape) -> Finding | _Unsure:
    """The result a property shape's count or sh:hasValue constraint gives when it fails, where the
    shape states it in one message (pySHACL's own wording of a result is left to pySHACL)."""
    messages = list(shapes.objects(shape, SH.message))
    if len(messages) != 1 or not isinstance(messages[0], Literal):
        return UNSURE
    path = shapes.value(shape, SH.path)
    severity = _single(shapes, shape, SH.severity) or SH.Violation
    return Finding(severity, path if isinstance(path, URIRef) else None, str(messages[0]))


def _path(shapes: Graph, path) -> Callable[[_Index, object], list]:
    if isinstance(path, URIRef):
        return lambda index, node: index.objects(node, path)
    if isinstance(path, BNode):
        predicates = set(shapes.predicates(path, None))
        inverse = shapes.value(path, SH.inversePath)
        if predicates == {SH.inversePath} and isinstance(inverse, URIRef):
            return lambda index, node: index.subjects(inverse, node)
    raise Unsupported(f"the path {path}")


def _single(shapes: Graph, shape, predicate):
    """The one value of `predicate` on a shape, or None; several are not screened (pySHACL refuses
    several counts, and picks one of several severities as it pleases)."""
    values = list(shapes.objects(shape, predicate))
    if len(values) > 1:
        raise Unsupported(f"several {predicate} on {shape}")
    return values[0] if values else None


def _integer(value) -> int | None:
    """A count or length as pySHACL loads it: an xsd:integer literal (anything else it refuses)."""
    if value is None:
        return None
    if not isinstance(value, Literal) or value.datatype != XSD.integer or not isinstance(value.value, int) \
            or isinstance(value.value, bool):
        raise Unsupported(f"a count {value}")
    return value.value


def _value_checks(shapes: Graph, shape, visiting: set) -> tuple[Callable[[_Index, list], bool],
                                                                 Callable[[_Index, list], set]]:
    """The checks each value must pass, as one function answering whether any value could fail; and
    the nodes pySHACL runs the sh:node shapes on, for a list of values."""
    tests: list[Callable[[_Index, object], bool]] = []  # (data, value) -> could it fail?
    for datatype in shapes.objects(shape, SH.datatype):
        tests.append(lambda index, v, d=datatype: not _of_datatype(v, d))
    for cls in shapes.objects(shape, SH["class"]):
        tests.append(lambda index, v, c=cls: isinstance(v, Literal)
                     or not (set(index.objects(v, RDF.type)) & index.subclasses(c)))
    for kind in shapes.objects(shape, SH.nodeKind):
        if kind not in NODE_KINDS:
            raise Unsupported(f"the node kind {kind}")
        tests.append(lambda index, v, k=NODE_KINDS[kind]: not isinstance(v, k))
    flags = shapes.value(shape, SH.flags)
    for pattern in shapes.objects(shape, SH.pattern):
        compiled = re.compile(str(pattern), _flags(flags))
        tests.append(lambda index, v, r=compiled: isinstance(v, BNode) or not r.search(str(v)))
    for least in shapes.objects(shape, SH.minLength):
        n = _integer(least)
        tests.append(lambda index, v, n=n: isinstance(v, BNode) or len(str(v)) < n)
    for most in shapes.objects(shape, SH.maxLength):
        n = _integer(most)
        tests.append(lambda index, v, n=n: isinstance(v, BNode) or len(str(v)) > n)
    for predicate, equal, below in ((SH.minInclusive, True, False), (SH.minExclusive, False, False),
                                    (SH.maxInclusive, True, True), (SH.maxExclusive, False, True)):
        for bound in shapes.objects(shape, predicate):
            if not isinstance(bound, Literal) or not _number(bound):
                raise Unsupported(f"the bound {bound}")
            if below:
                tests.append(lambda index, v, b=bound, e=equal: not _ordered(v, b, e))
            else:
                tests.append(lambda index, v, b=bound, e=equal: not _ordered(b, v, e))
    for listed in shapes.objects(shape, SH["in"]):
        members = set(Collection(shapes, listed))
        tests.append(lambda index, v, m=members: v not in m)
    nested = [_node_shape(shapes, inner, visiting) for inner in shapes.objects(shape, SH.node)]
    for inner_check, _ in nested:
        tests.append(lambda index, v, inner=inner_check: inner(index, v))

    def any_fails(index: _Index, values: list) -> bool:
        return any(test(index, v) for v in values for test in tests)

    def reach(index: _Index, values: list) -> set:
        """The values an sh:node shape is run on, and what its own sh:node shapes are run on."""
        found: set = set()
        for _, inner_reach in nested:
            for v in values:
                found.add(v)
                found |= inner_reach(index, v)
        return found

    return any_fails, reach


def _flags(flags) -> int:
    found = 0
    for letter in str(flags or "").lower():
        if letter not in "imsx":
            raise Unsupported(f"the regular expression flag {letter}")
        found |= {"i": re.I, "m": re.M, "s": re.S, "x": re.X}[letter]
    return found


def _of_datatype(v, datatype) -> bool:
    """Certainly a well-formed literal of `datatype` (as pySHACL's sh:datatype decides it)."""
    if datatype == RDF.langString:  # a string with a language tag
        return (isinstance(v, Literal) and bool(v.language) and v.datatype in (None, RDF.langString)
                and getattr(v, "ill_typed", None) is not True and isinstance(v.value, str))
    if not isinstance(v, Literal) or datatype not in PYTHON_TYPES or getattr(v, "ill_typed", None) is True:
        return False
    if v.datatype != datatype and not (datatype == XSD.string and v.datatype is None and v.language is None):
        return False
    return isinstance(v.value, PYTHON_TYPES[datatype])


def _number(v) -> bool:
    return isinstance(v, Literal) and isinstance(v.value, NUMBERS) and not isinstance(v.value, bool)


def _ordered(low, high, equal: bool) -> bool:
    """Certainly low < high (or <= with `equal`): both numbers; anything else may fail."""
    if not (_number(low) and _number(high)):
        return False
    a, b = low.value, high.value
    if isinstance(a, float) != isinstance(b, float):
        a, b = float(a), float(b)
    return a <= b if equal else a < b
