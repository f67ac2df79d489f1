"""eqgraph: Merton's equality action plans as a validated RDF knowledge graph.

Data flows one way: ingest (documents -> records) -> extract (entities, links) -> build (RDF) ->
validate (SHACL) -> store -> query -> CLI / web. Each stage is a module or package of its own.
"""

__version__ = "0.1.0"
