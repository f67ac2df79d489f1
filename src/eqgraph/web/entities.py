"""Entity pages: every node minted under the graph's base is dereferenceable here.

`/id/<path>` shows the node whose IRI is `<base><path>`: an HTML page for people that starts with the
answer for its kind (an action's commitment, owner, status and the sentence that decided it; an
objective's actions in order; ... see eqgraph.web.thing_answers), with how it was read (source lines,
the evidence of each link, the SHACL findings) and all its recorded facts collapsed below; its JSON
twin; and for machines every RDF syntax of the formats table (Turtle, N-Triples, JSON-LD, RDF/XML,
N-Quads, TriG): by `Accept`, by `?format=` (`turtle`, `ttl`, `xml`, ...), or as a twin with the format's
extension (`/id/partner/network-rail.ttl`, `.json`, `.rdf`). A path that names a node itself is that
node, so an identifier with a dot in it (`action/2.6`) stays whole. The page's data is built by
eqgraph.web.things.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from .. import formats
from ..catalogue import bind_values, internal_query
from ..formats import HTML, ON_ENTITY, Format
from ..store import IRI
from . import things
from .render import chosen, render, state

bp = Blueprint("entities", __name__)


def _wanted(twin: Format | None) -> Format:
    """The format asked for: the `.ext` twin, else `?format=`, else Accept (the page by default)."""
    if twin is not None:
        return chosen(twin)
    token = request.args.get("format")
    if token:
        found = formats.resolve(token, ON_ENTITY)
        if found is None:
            abort(400, f"unknown format {token!r}; use {formats.tokens(ON_ENTITY)}")
        return chosen(found)
    return chosen(formats.negotiate(request.headers.get("Accept"), ON_ENTITY, HTML))


def _node(rest: str) -> tuple[IRI, dict] | None:
    """The node named `<base><rest>` and its page data, or None when nothing in the graph has that name."""
    try:
        node = IRI(state().settings.base + rest)
    except ValueError:
        return None
    data = things.page(node)
    return (node, data) if data is not None else None


@bp.route("/id/<path:rest>")
def entity(rest: str):
    found, twin = _node(rest), None
    stem, dot, extension = rest.rpartition(".")
    if found is None and dot and "/" not in extension:
        twin = formats.resolve(extension, ON_ENTITY)
        found = _node(stem) if twin is not None else None
    if found is None:
        abort(404, f"nothing in the graph is called {state().settings.base + rest}")
    node, data = found
    wanted = _wanted(twin)
    if wanted.kind == "graph":
        store = state().release.store
        triples = store.query(bind_values(internal_query("entity-graph"), {"entity": node}))
        body = store.serialize_triples(triples, wanted.writer, state().prefixes)
        return Response(body, content_type=wanted.content_type,
                        headers={"Vary": "Accept", "Access-Control-Allow-Origin": "*"})
    shown = {**data, "formats": _twins(node.value), "answer": _filtered(data["answer"])}
    return render(_template(data["kind"]), shown, wanted.name)


TEMPLATES = {"action": "entity/action.html", "objective": "entity/objective.html", "plan": "entity/plan.html",
             "strategy": "entity/actions_of.html", "partner": "entity/actions_of.html",
             "community": "entity/actions_of.html", "department": "entity/actions_of.html"}


def _template(kind: str) -> str:
    return TEMPLATES.get(kind, "entity.html")


PLANS_SHOWN = 4  # a list of actions by plan shows the newest few plans' actions; the others on asking


def _filtered(answer: dict) -> dict:
    """The answer as this request shows it: lists of actions cut to one status when `?status=` names one
    (the links of a status mix lead there); a list of actions by plan with the actions of the newest
    `PLANS_SHOWN` plans, or of the plan `?plan=` names, and only the count of the others, so that a page
    stays small at a hundred plans. Other values show the page as it is."""
    style = request.args.get("status")
    if style and style in {s["style"] for s in answer.get("mix", [])}:
        def only(actions):
            return [a for a in actions if a["status"] and a["status"]["style"] == style]

        answer = dict(answer, status_filter=style)
        if "groups" in answer:
            answer["groups"] = [dict(g, actions=only(g["actions"])) for g in answer["groups"]]
            answer["groups"] = [g for g in answer["groups"] if g["actions"]]
        if "plans" in answer:
            answer["plans"] = [dict(p, actions=only(p["actions"])) for p in answer["plans"]]
            answer["plans"] = [dict(p, count=len(p["actions"])) for p in answer["plans"] if p["actions"]]
    if "plans" in answer:
        wanted = request.args.get("plan")
        one = wanted if any(p["id"] == wanted for p in answer["plans"]) else None
        answer = dict(answer, plan_filter=one, plans=[
            dict(p, folded=True, actions=[]) if (p["id"] != one if one else n >= PLANS_SHOWN) else p
            for n, p in enumerate(answer["plans"])])
    return answer


def _twins(iri: str) -> dict[str, str]:
    """Links to the node in every other format: its `.ext` twins (label -> path)."""
    path = url_for("entities.entity", rest=iri[len(state().settings.base):])
    return {f.label: f"{path}.{f.extension}" for f in ON_ENTITY if f is not HTML}
