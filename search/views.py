import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from wagtail.models import Page

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+")


def search_terms(query):
    """The words of a query, without the punctuation that full-text engines read as
    syntax: a stray quote or bracket is a syntax error to SQLite's FTS5."""
    return " ".join(WORD.findall(query))


def search(request):
    """Site search for practitioners: published, public pages, ten a page."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        terms = search_terms(query)
        matches = Page.objects.live().public().search(terms) if terms else Page.objects.none()
        paginator = Paginator(matches, RESULTS_PER_PAGE)
        try:
            results = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            results = paginator.page(1)
        except EmptyPage:
            results = paginator.page(paginator.num_pages)
    return render(request, "search/search.html", {"query": query, "results": results})
