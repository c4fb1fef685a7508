"""A short Redis outage under a running site (tests/production_server.py): what an editor
changes while Redis is paused must reach every visitor once it answers again, within a
bounded time, and never leave a page public that was made private."""

import json
import os
import signal
import time

from tests.production_server import CONTENT_VERSION_CHECK_SECONDS, Client, form_fields

CREATE_PAGE = """
page = factories.create_guidance_page("Duty rota")
print(page.pk, page.url)
"""


def test_a_page_made_private_while_redis_was_paused_leaves_the_cache_once_it_is_back(
    production, redis, redis_server
):
    page_id, duty_rota = production.make(CREATE_PAGE, REDIS_URL=redis.url).split()[-2:]
    visitor, editor = Client(redis_server), Client(redis_server)
    visitor.get(duty_rota)
    assert visitor.get(duty_rota).headers["X-Page-Cache"] == "hit"
    editor.log_in()

    os.kill(redis.process.pid, signal.SIGSTOP)
    try:
        privacy = f"/admin/pages/{page_id}/privacy/"
        _, fields = form_fields(json.loads(editor.get(privacy, timeout=30).text)["html"], "form")
        saved = editor.post(privacy, data={**fields, "restriction_type": "login"}, timeout=30)
        assert saved.status_code == 200, saved.text
        saved_at = time.monotonic()
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)

    # The bound: each process reads the database's version every
    # CONTENT_VERSION_CHECK_SECONDS, so within that time of the change every
    # server, worker and thread (the server closes every connection, so requests are
    # spread over them) answers with it, whether or not its move of Redis's version got
    # through. Until then a process that read the version just before the change may
    # still serve its cached copy.
    time.sleep(max(0.0, saved_at + CONTENT_VERSION_CHECK_SECONDS + 0.5 - time.monotonic()))
    assert [visitor.get(duty_rota).status_code for _ in range(24)] == [302] * 24
