from wagtail import hooks

from .page_cache import uses_query_parameters


@hooks.register("before_serve_page")
def declare_query_parameters(page, request, serve_args, serve_kwargs):
    uses_query_parameters(request, page.cache_query_parameters)
