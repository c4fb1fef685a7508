"""Wagtail hooks on serving public pages and documents: the query parameters a page's cached
copy is keyed on, and the requests that no page or download answers."""

from django.http import HttpResponseNotAllowed
from wagtail import hooks

from .page_cache import uses_query_parameters

# Pages and downloads are only read. Anything else (TRACE, which would echo a request's
# headers back, PUT, DELETE...) is refused before a page is rendered or a file opened;
# forms post to views of their own (search, the admin, a restricted page's password).
READ_METHODS = ("GET", "HEAD")


def refuse_other_methods(request):
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return None


@hooks.register("before_serve_page", order=-100)
def refuse_other_methods_for_pages(page, request, serve_args, serve_kwargs):
    return refuse_other_methods(request)


@hooks.register("before_serve_document", order=-100)
def refuse_other_methods_for_documents(document, request):
    return refuse_other_methods(request)


@hooks.register("before_serve_page")
def declare_query_parameters(page, request, serve_args, serve_kwargs):
    uses_query_parameters(request, page.cache_query_parameters)
