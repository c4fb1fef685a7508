"""Two-factor sign-in through the real admin login: Approvers and administrators must set
up an authenticator app and give its code before any admin page opens; everyone else may
choose to. Wrong codes count as failed logins, and recovery codes work once."""

import base64
import html
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.editorial import APPROVERS, EDITORS, authenticator_app, current_code, staff_member

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = reverse("wagtailadmin_login")
VERIFY = reverse("two_factor:verify")
SET_UP = reverse("two_factor:set_up")
PAGES = reverse("wagtailadmin_explore_root")


def log_in(client, user, next_path=PAGES):
    response = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": next_path}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def page_text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def approver():
    return staff_member("april", APPROVERS, password=PASSWORD)


def test_an_approver_without_an_app_is_sent_to_set_one_up_and_kept_out_until_then(client, approver):
    log_in(client, approver)
    for path in (PAGES, reverse("wagtailadmin_home"), reverse("wagtailusers_users:index")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{SET_UP}?next={path.replace('/', '%2F')}"

    set_up_page = client.get(f"{SET_UP}?next={PAGES}")
    assert set_up_page.status_code == 200
    app = TOTPDevice.objects.get(user=approver, confirmed=False)
    text = page_text(set_up_page)
    assert "As an Approver or administrator, you sign in with a code" in text
    assert "<svg" in text
    # The key as text, for people who cannot scan the picture.
    key = text.split('<code id="two-factor-key">')[1].split("</code>")[0].replace(" ", "")
    assert key == base64.b32encode(app.bin_key).decode()

    refused = client.post(SET_UP, {"code": "000000", "next": PAGES})
    assert refused.status_code == 400
    assert "That code is not right." in page_text(refused)
    assert client.get(PAGES).status_code == 302

    with override_settings(OTP_TOTP_THROTTLE_FACTOR=0):
        done = client.post(SET_UP, {"code": current_code(app), "next": PAGES})
    assert done.status_code == 200
    assert "Two-factor sign-in is on." in page_text(done)
    codes = StaticDevice.objects.get(user=approver).token_set.values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code in page_text(done) for code in codes)
    assert client.get(PAGES).status_code == 200


@pytest.mark.parametrize("superuser", [True, False])
def test_administrators_and_approvers_must_but_editors_may(superuser):
    user = staff_member("sam", EDITORS, password=PASSWORD)
    user.is_superuser = superuser
    user.save()
    client = Client()
    log_in(client, user)
    response = client.get(PAGES)
    if superuser:
        assert response["Location"].startswith(SET_UP)
    else:
        assert response.status_code == 200


def test_an_editor_who_chose_an_app_must_give_its_code(client):
    editor = staff_member("eddie", EDITORS, password=PASSWORD)
    app = authenticator_app(editor)
    log_in(client, editor)
    assert client.get(PAGES)["Location"] == f"{VERIFY}?next={PAGES.replace('/', '%2F')}"
    response = client.post(VERIFY, {"code": current_code(app), "next": PAGES})
    assert response["Location"] == PAGES
    assert client.get(PAGES).status_code == 200


def test_the_right_code_after_the_password_opens_the_admin(client, approver):
    app = authenticator_app(approver)
    log_in(client, approver)
    assert client.get(PAGES).status_code == 302
    assert client.get(f"{VERIFY}?next={PAGES}").status_code == 200
    response = client.post(VERIFY, {"code": current_code(app), "next": PAGES})
    assert response.status_code == 302
    assert response["Location"] == PAGES
    assert client.get(PAGES).status_code == 200


def test_a_wrong_code_is_refused_and_codes_are_throttled_like_passwords(client, approver):
    app = authenticator_app(approver)
    log_in(client, approver)
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(VERIFY, {"code": "123456", "next": PAGES})
        assert response.status_code == 400, attempt
        assert "That code is not right" in page_text(response)
        assert client.get(PAGES).status_code == 302

    locked = client.post(VERIFY, {"code": "123456", "next": PAGES})
    assert locked.status_code == 429
    assert "Logging in is paused" in page_text(locked)
    # The session ended: the right code now leads back to the login, which is paused.
    assert client.post(VERIFY, {"code": current_code(app)})["Location"].startswith(LOGIN)
    again = client.post(LOGIN, {"username": approver.username, "password": PASSWORD})
    assert again.status_code == 429


def test_the_password_alone_does_not_clear_the_count_of_wrong_codes(client, approver):
    authenticator_app(approver)
    for _ in range(2):
        log_in(client, approver)
        for _ in range(2):
            client.post(VERIFY, {"code": "123456"})
    # Four wrong codes, then a fresh password: the fifth wrong code pauses logging in.
    log_in(client, approver)
    assert client.post(VERIFY, {"code": "123456"}).status_code == 429


@override_settings(OTP_STATIC_THROTTLE_FACTOR=0)
def test_a_recovery_code_works_once(approver):
    authenticator_app(approver)
    recovery = StaticDevice.objects.create(user=approver, name="Recovery codes")
    recovery.token_set.create(token="ab12cd34")
    recovery.token_set.create(token="ef56gh78")

    client = Client()
    log_in(client, approver)
    assert client.post(VERIFY, {"code": "ab12 cd34", "next": PAGES})["Location"] == PAGES
    assert client.get(PAGES).status_code == 200

    client = Client()
    log_in(client, approver)
    assert client.post(VERIFY, {"code": "ab12cd34", "next": PAGES}).status_code == 400
    assert client.get(PAGES).status_code == 302
    assert client.post(VERIFY, {"code": "ef56gh78", "next": PAGES})["Location"] == PAGES


def test_new_recovery_codes_replace_the_old_ones(client, approver):
    app = authenticator_app(approver)
    log_in(client, approver)
    client.post(VERIFY, {"code": current_code(app)})
    page = client.get(SET_UP)
    assert "You have 0 unused recovery codes." in page_text(page)
    first = client.post(SET_UP)
    old = list(StaticDevice.objects.get(user=approver).token_set.values_list("token", flat=True))
    assert len(old) == 10 and all(code in page_text(first) for code in old)
    client.post(SET_UP)
    new = set(StaticDevice.objects.get(user=approver).token_set.values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)


def test_setting_up_is_in_the_account_menu(client):
    editor = staff_member("eddie", EDITORS, password=PASSWORD)
    log_in(client, editor)
    assert SET_UP in client.get(reverse("wagtailadmin_account")).content.decode()


def test_a_next_address_on_another_site_is_not_followed(client, approver):
    app = authenticator_app(approver)
    log_in(client, approver)
    response = client.post(VERIFY, {"code": current_code(app), "next": "https://evil.example/"})
    assert response["Location"] == reverse("wagtailadmin_home")


def test_an_administrator_can_remove_a_lost_app(client, approver):
    app = authenticator_app(approver)
    StaticDevice.objects.create(user=approver, name="Recovery codes").token_set.create(
        token="ab12cd34"
    )
    out = io.StringIO()
    call_command("reset_two_factor", "april", stdout=out)
    assert "Removed 2 two-factor devices of april" in out.getvalue()
    assert not TOTPDevice.objects.filter(pk=app.pk).exists()
    log_in(client, approver)
    assert client.get(PAGES)["Location"].startswith(SET_UP)
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        call_command("reset_two_factor", "nobody")


def test_what_the_login_page_itself_loads_stays_open_before_the_code(client, approver):
    """Wagtail's icons and translations, open to anyone, answer a half-signed-in session
    too: the icons' script would put a redirect's page into the verify page."""
    authenticator_app(approver)
    log_in(client, approver)
    for name in ("wagtailadmin_sprite", "wagtailadmin_javascript_catalog"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("wagtailadmin_home")).status_code == 302
