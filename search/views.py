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

    Paginator needs count() and one slice. Each set is read up to the end of the first
    page before anything else: most searches end within it, and then the set's count
    needs no query of its own (a full-text query takes milliseconds just to build).
    Longer sets are counted, and later pages read, as asked."""

    def __init__(self, result_sets, first_page_size):
        self.result_sets = result_sets  # (kind, results) pairs
        self.first_page_size = first_page_size

    @cached_property
    def first_pages(self):
        return [list(results[: self.first_page_size]) for _, results in self.result_sets]

    @cached_property
    def counts(self):
        return [
            len(first_page) if len(first_page) < self.first_page_size else results.count()
            for (_, results), first_page in zip(self.result_sets, self.first_pages, strict=True)
        ]

    def count(self):
        return sum(self.counts)

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        items = []
        for (kind, results), first_page, count in zip(
            self.result_sets, self.first_pages, self.counts, strict=True
        ):
            if start < count and stop > 0:
                wanted = slice(max(start, 0), min(stop, count))
                read = first_page if wanted.stop <= len(first_page) else results
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
        matches = CombinedResults(result_sets, RESULTS_PER_PAGE)
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
