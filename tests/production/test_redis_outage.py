"""A short Redis outage under a running site (tests/production_server.py): what an editor
changes while Redis is paused must reach every visitor once it answers again, within a
bounded time, and never leave a page public that was made private."""

import json
import os
import signal
import time

from tests.production_server import Client, form_fields

DUTY_ROTA = "/people-working-with-children/duty-rota/"
CREATE_PAGE = """
from pages.models import GuidancePage, SectionPage
section = SectionPage.objects.get(slug="people-working-with-children")
page = section.add_child(instance=GuidancePage(title="Duty rota", slug="duty-rota"))
page.save_revision().publish()
print(page.pk)
"""


def create_page(production, redis):
    output = production.run("python", "manage.py", "shell", "-c", CREATE_PAGE, REDIS_URL=redis.url)
    return int(output.split()[-1])


def test_a_page_made_private_while_redis_was_paused_leaves_the_cache_once_it_is_back(
    production, redis, redis_server
):
    page_id = create_page(production, redis)
    visitor, editor = Client(redis_server), Client(redis_server)
    visitor.get(DUTY_ROTA)
    assert visitor.get(DUTY_ROTA).headers["X-Page-Cache"] == "hit"
    editor.log_in()

    os.kill(redis.process.pid, signal.SIGSTOP)
    try:
        privacy = f"/admin/pages/{page_id}/privacy/"
        _, fields = form_fields(json.loads(editor.get(privacy, timeout=30).text)["html"], "form")
        saved = editor.post(privacy, data={**fields, "restriction_type": "login"}, timeout=30)
        assert saved.status_code == 200, saved.text
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)

    # Each server thread tries Redis again after its pause (5 s); a process reads the
    # database's version every 5 s. Each request may reach another worker and thread (the
    # server closes every connection), and each catches up on its own within that time.
    deadline = time.monotonic() + 20
    answers = []
    while answers != [302] * 8 and time.monotonic() < deadline:
        time.sleep(0.5)
        answers = [visitor.get(DUTY_ROTA).status_code for _ in range(8)]
    assert answers == [302] * 8
    assert [visitor.get(DUTY_ROTA).status_code for _ in range(16)] == [302] * 16
