"""Cell text cleaning for PDF-extracted tables.

The documents carry HTML fragments (`<p>`, `<b>`, `&amp;`), stray characters from other scripts, cells
that hold only a mark (`_`, `•`, `-`) and cells wrapped over several lines or pages. These functions turn
raw cell fragments into clean text: either one line (for names such as the owner cell) or a tuple of
items (paragraphs, bullets and the lines of a cell) for the long fields.
"""

from __future__ import annotations

import html
import re

# A tag ends at the first `>` and never holds a `<`: `[^<>]*+` stops at the next `<`, so a cell of
# unclosed `<p <p <p ...` is read in one pass instead of rescanning the rest of the cell from every `<p`.
_PARAGRAPH_TAG = re.compile(r"</?p\b[^<>]*+>|<br\s*+/?>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?(?:b|i|u|em|strong|span|div|font)\b[^<>]*+>", re.IGNORECASE)
# Letters of right-to-left scripts, replacement and control characters never belong in these English
# documents: they are stray glyphs from the PDF (e.g. an Arabic alef inside "heal ا lth").
_STRAY = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\ufffd\x00-\x08\x0b-\x1f\x7f]")
_MARKS_ONLY = re.compile(r"^[\s_•·\-–—.,;:*]*$")
_WHITESPACE = re.compile(r"[ \t\u00a0\u2000-\u200b]+")
# A cell's own line breaks survive extraction as runs of two or more spaces.
_LINE_BREAK = re.compile(r" {2,}")
# "-Improve completion ... -Continue to roll out": a dash glued to a capital starts a list item.
_DASH_ITEM = re.compile(r"(?:^|(?<=\s))-(?=[A-Z])")
_SENTENCE_END = re.compile(r"[.!?:;]['\"’”)]*$")

BLOCK_MARKERS = ("<p", "-", "•")


def strip_markup(raw: str) -> str:
    """HTML tags out, entities decoded, stray glyphs removed; line-break spacing kept."""
    text = _PARAGRAPH_TAG.sub("  ", raw)
    text = _INLINE_TAG.sub("", text)
    text = html.unescape(text)
    text = _STRAY.sub("", text)
    return text.replace("\u00a0", " ")


def is_blank(raw: str) -> bool:
    """True for an empty cell or one that holds only stray marks such as `_` or `• •`."""
    return bool(_MARKS_ONLY.match(strip_markup(raw)))


def one_line(raw: str) -> str:
    """Clean text on one line, for names and labels."""
    return _WHITESPACE.sub(" ", strip_markup(raw)).strip()


def join_one_line(fragments: list[str]) -> str:
    return one_line(" ".join(f for f in fragments if not is_blank(f)))


def _items(raw: str) -> list[str]:
    """Split one fragment into its items: paragraphs, cell lines, bullets."""
    items: list[str] = []
    # Paragraph tags become double spaces in strip_markup, so one split covers both.
    for line in _LINE_BREAK.split(strip_markup(raw).replace("\t", " ")):
        # Split on the bullet itself (the pieces are stripped below): a pattern such as `\s*•` would
        # rescan a long run of spaces from every one of its positions.
        for bullet in line.split("•"):
            for piece in _DASH_ITEM.split(bullet):
                piece = _WHITESPACE.sub(" ", piece).strip()
                if piece and not _MARKS_ONLY.match(piece):
                    items.append(piece)
    return items


def join_items(fragments: list[str]) -> tuple[str, ...]:
    """Join the fragments of one field (one per physical row) into clean items.

    A fragment continues the previous item when it starts in lower case, or when it does not open a
    new block (`<p>`, a bullet) and the previous item does not end a sentence: a cell wrapped over a
    page break ("... BME" / "56% compared to ...") reads on as one item.
    """
    out: list[str] = []
    for raw in fragments:
        if is_blank(raw):
            continue
        pieces = _items(raw)
        if not pieces:
            continue
        stripped = raw.lstrip()
        opens_block = stripped.startswith(BLOCK_MARKERS)
        first = pieces[0]
        if out and (first[0].islower() or (not opens_block and not _SENTENCE_END.search(out[-1]))):
            out[-1] = f"{out[-1]} {first}"
            pieces = pieces[1:]
        out.extend(pieces)
    return tuple(out)
