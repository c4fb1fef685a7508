"""Which collections of documents a request may not see.

A collection with a view restriction (password, login or groups, set in Settings →
Collections → Privacy) keeps its documents, and those of every collection below it, from
anyone the restriction refuses: not only the file (Wagtail refuses that) but their titles,
summaries and entries everywhere the site lists documents. The restrictions and the
collections they cover are remembered for the content version, which moves when a
restriction or a collection is saved, moved or deleted, so anonymous requests pay no query.
"""

from wagtail.models import Collection, CollectionViewRestriction

from sitewide.page_cache import current_content_version, remember


def collection_restrictions():
    """Each collection view restriction with the ids of the collections it covers."""
    return remember(
        "collection-restrictions", current_content_version(), read_collection_restrictions
    )


def read_collection_restrictions():
    restrictions = list(
        CollectionViewRestriction.objects.order_by("pk")
        .select_related("collection")
        .prefetch_related("groups")
    )
    if not restrictions:
        return ()
    collections = list(Collection.objects.values_list("pk", "path"))
    return tuple(
        (
            restriction,
            frozenset(
                pk for pk, path in collections if path.startswith(restriction.collection.path)
            ),
        )
        for restriction in restrictions
    )


def collections_hidden_from(request):
    """The ids of the collections whose documents `request` may not see; with no request
    (Wagtail lets a sitemap be built without one), those of every restricted collection."""
    return frozenset(
        collection_id
        for restriction, collection_ids in collection_restrictions()
        if request is None or not restriction.accept_request(request)
        for collection_id in collection_ids
    )
