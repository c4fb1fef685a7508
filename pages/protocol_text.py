"""The text of HTML protocols (ProtocolPage): footnote references in their sections, and
the word-by-word comparison of two versions that practitioners read to see what changed."""

import difflib
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .blocks import text_by_line

FOOTNOTE_REFERENCE = re.compile(r"\[(\d{1,3})\]")


def with_footnote_links(html, footnote_count):
    """`html` (a section's rendered rich text) with each [N] for an existing footnote N
    made a link to it, with an id the footnote links back to. Only text is rewritten, so
    addresses and attributes are left alone."""
    soup = BeautifulSoup(str(html), "html.parser")
    seen = set()
    for text in list(soup.find_all(string=FOOTNOTE_REFERENCE)):
        if text.find_parent("a") is not None:
            continue
        pieces = []
        position = 0
        for match in FOOTNOTE_REFERENCE.finditer(text):
            number = int(match.group(1))
            if not 1 <= number <= footnote_count:
                continue
            pieces.append(escape(text[position : match.start()]))
            # A note cited twice is linked twice; only the first citation is returned to.
            reference_id = "" if number in seen else f' id="footnote-reference-{number}"'
            seen.add(number)
            pieces.append(
                f'<sup class="footnote-reference"><a href="#footnote-{number}"{reference_id}>'
                f'<span class="visually-hidden">Footnote </span>[{number}]</a></sup>'
            )
            position = match.end()
        if pieces:
            pieces.append(escape(text[position:]))
            text.replace_with(BeautifulSoup("".join(pieces), "html.parser"))
    # The rich text was rendered by Wagtail from the editor's stored value, and only its
    # text nodes were rewritten, each piece escaped.
    return mark_safe(str(soup))  # noqa: S308


@dataclass
class SectionComparison:
    number: int
    heading: str
    body: str
    changed: bool


def words(text):
    return re.findall(r"\S+|\n", text)


def compare_text(before, after):
    """`before` and `after` (plain text) word by word, as escaped HTML in which removed
    words are in <del> and added ones in <ins>, each run of them labelled in words."""
    old, new = words(before), words(after)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            parts.append(escape(join_words(new[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(
                format_html(
                    '<del class="diff-removed"><span class="diff-label">Removed:</span> {}</del>',
                    join_words(old[i1:i2]),
                )
            )
        if tag in ("insert", "replace"):
            parts.append(
                format_html(
                    '<ins class="diff-added"><span class="diff-label">Added:</span> {}</ins>',
                    join_words(new[j1:j2]),
                )
            )
    return mark_safe(" ".join(parts).replace("\n", "<br>"))  # noqa: S308


def join_words(run):
    return " ".join(run).replace(" \n ", "\n")


def section_texts(page):
    """(block id, heading, text) of each section of `page`, in order."""
    return [
        (block.id, block.value["heading"], text_by_line(block.value["body"]))
        for block in page.sections
    ]


def compare_sections(earlier, later):
    """Each section of two versions of a protocol, matched by the block it was written in
    (which stays the same through edits) and in the later version's order, sections only
    in the earlier one where they stood: headings and text compared word by word."""
    before = section_texts(earlier)
    after = section_texts(later)
    before_by_id = {block_id: (heading, text) for block_id, heading, text in before}
    after_ids = {block_id for block_id, _heading, _text in after}
    rows = []
    removed_before = {}
    pending = []
    for block_id, heading, text in before:
        if block_id in after_ids:
            removed_before[block_id] = pending
            pending = []
        else:
            pending.append((heading, text))
    for number, (block_id, heading, text) in enumerate(after, start=1):
        for old_heading, old_text in removed_before.get(block_id, []):
            rows.append(
                SectionComparison(
                    None, compare_text(old_heading, ""), compare_text(old_text, ""), True
                )
            )
        old_heading, old_text = before_by_id.get(block_id, ("", ""))
        rows.append(
            SectionComparison(
                number,
                compare_text(old_heading, heading),
                compare_text(old_text, text),
                (old_heading, old_text) != (heading, text),
            )
        )
    for old_heading, old_text in pending:
        rows.append(
            SectionComparison(None, compare_text(old_heading, ""), compare_text(old_text, ""), True)
        )
    return rows
