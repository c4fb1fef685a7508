import re

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property
from wagtail.models import Page

from documents.models import ProtocolDocument
from pages.models import LocalGuidancePage

from .models import PromotedResult

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+")


def search_terms(query):
    """The words of a query, without the punctuation that full-text engines read as
    syntax: a stray quote or bracket is a syntax error to SQLite's FTS5."""
    return " ".join(WORD.findall(query))


class CombinedResults:
    """Several search result sets paginated as one list, each set in its own order.

    Paginator only needs count() and slicing, so a page of results costs a count per set
    and a query only for the sets that page reaches."""

    def __init__(self, *result_sets):
        self.result_sets = result_sets

    @cached_property
    def counts(self):
        return [results.count() for results in self.result_sets]

    def count(self):
        return sum(self.counts)

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        items = []
        for results, count in zip(self.result_sets, self.counts, strict=True):
            if start < count and stop > 0:
                items.extend(results[max(start, 0) : min(stop, count)])
            start, stop = start - count, stop - count
        return items


def search(request):
    """Site search for practitioners: editors' promoted results first, then documents in
    use (what people most often look for by name), then published public pages; ten a page."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    results = library = None
    promoted = []
    if query:
        terms = search_terms(query)
        if terms:
            matches = CombinedResults(
                ProtocolDocument.objects.in_use().search(terms),
                Page.objects.live().public().search(terms),
            )
        else:
            matches = CombinedResults()
        results = Paginator(matches, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        if results.number == 1:
            promoted = PromotedResult.objects.for_query(query)
        if any(result.document_id for result in promoted) or any(
            isinstance(result, ProtocolDocument) for result in results
        ):
            library = LocalGuidancePage.find_for(request)
    return render(
        request,
        "search/search.html",
        {"query": query, "results": results, "promoted": promoted, "library": library},
    )
