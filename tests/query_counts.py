"""The SQL queries a request costs: what the query budget of public pages (at most
QUERY_BUDGET) and of admin reports (the same however much data there is) are measured
with."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

QUERY_BUDGET = 10


def count_queries(client, url, status=200):
    """The queries of a second request for `url`, read to the end if it streams. The first
    request warms what each process keeps (content types, site root paths, the answers
    remembered for the content version)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == status
    return len(queries)
