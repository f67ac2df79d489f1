"""Extract: records -> entities and links (which units deliver an action, ...).

Each extractor reads a curated vocabulary (Turtle under data/vocab) and plain records from ingest, and
returns links with the evidence they were derived from, so a reader can check every link.
"""
