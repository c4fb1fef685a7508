import re
from typing import NamedTuple

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property
from wagtail.models import Page

from documents.models import ProtocolDocument
from pages.models import LocalGuidancePage
from pages.privacy import visible_pages
from sitewide.blocks import LINKED_PAGE_FIELDS
from sitewide.page_cache import uses_query_parameters

from .models import PromotedResult

RESULTS_PER_PAGE = 10
# Each kind of result is read for this many pages at once (CombinedResults).
READ_AHEAD_PAGES = 3
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+")
# What a document's result shows: loading only these halves the cost of its query.
RESULT_FIELDS = (
    "id",
    "title",
    "file",
    "file_size",
    "summary",
    "document_type",
    "dated_event",
    "dated_event_on",
    "last_reviewed_on",
    "review_due",
    "status",
)


def search_terms(query):
    """The words of a query, without the punctuation that full-text engines read as
    syntax: a stray quote or bracket is a syntax error to SQLite's FTS5."""
    return " ".join(WORD.findall(query))


class SearchResult(NamedTuple):
    kind: str  # "document" or "page"
    item: object


class CombinedResults:
    """Several search result sets paginated as one list, each set in its own order.

    Paginator needs count() and one slice. Each set is read up to `read_ahead` results
    before anything else: most searches end within them, and then the set's count needs
    no query of its own (Wagtail's database backends build the whole full-text query
    again to count it, a few milliseconds of Python on every search), and the first
    pages need no other. Longer sets are counted, and later pages read, as asked."""

    def __init__(self, result_sets, read_ahead):
        self.result_sets = result_sets  # (kind, results) pairs
        self.read_ahead = read_ahead

    @cached_property
    def first_reads(self):
        return [list(results[: self.read_ahead]) for _, results in self.result_sets]

    @cached_property
    def counts(self):
        return [
            len(first_read) if len(first_read) < self.read_ahead else results.count()
            for (_, results), first_read in zip(self.result_sets, self.first_reads, strict=True)
        ]

    def count(self):
        return sum(self.counts)

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        items = []
        for (kind, results), first_read, count in zip(
            self.result_sets, self.first_reads, self.counts, strict=True
        ):
            if start < count and stop > 0:
                wanted = slice(max(start, 0), min(stop, count))
                read = first_read if wanted.stop <= len(first_read) else results
                items.extend(SearchResult(kind, item) for item in read[wanted])
            start, stop = start - count, stop - count
        return items


def search(request):
    """Site search for practitioners: editors' promoted results first, then documents in
    use (what people most often look for by name), then published public pages; ten a page."""
    uses_query_parameters(request, ("q", "page"))
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    results = library = None
    promoted = []
    if query:
        terms = search_terms(query)
        result_sets = (
            [
                (
                    "document",
                    ProtocolDocument.objects.visible_to(request)
                    .approved()
                    .in_use()
                    .only(*RESULT_FIELDS)
                    .search(terms),
                ),
                (
                    "page",
                    visible_pages(Page.objects.live(), request)
                    .only(*LINKED_PAGE_FIELDS, "search_description")
                    .search(terms),
                ),
            ]
            if terms
            else []
        )
        matches = CombinedResults(result_sets, RESULTS_PER_PAGE * READ_AHEAD_PAGES)
        results = Paginator(matches, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        if results.number == 1:
            promoted = PromotedResult.objects.for_query(query, request)
        if any(result.document_id for result in promoted) or any(
            result.kind == "document" for result in results
        ):
            library = LocalGuidancePage.find_for(request)
    return render(
        request,
        "search/search.html",
        {"query": query, "results": results, "promoted": promoted, "library": library},
    )
