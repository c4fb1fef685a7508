"""Creates an administrator for a developer's own machine, so `make run` ends with a
site you can log in to, and points the default Site at the address being served
(WAGTAILADMIN_BASE_URL, which `make run` sets from HOST and PORT), so that the links in
pages and approval emails lead to it. Refuses to run unless DEBUG is on: production
administrators are created deliberately, with `createsuperuser`."""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from wagtail.models import Site

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create a local administrator if there is none, and print how to log in (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "create_local_admin only runs with DEBUG on; in production use createsuperuser."
            )
        self.serve_site_at(settings.WAGTAILADMIN_BASE_URL)
        password_file = settings.VAR_DIR / "local-admin-password.txt"
        User = get_user_model()
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(USERNAME, "admin@example.org", password)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
        if password_file.exists():
            password = password_file.read_text(encoding="utf-8").strip()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Log in at {settings.WAGTAILADMIN_BASE_URL}/admin/ "
                    f"as '{USERNAME}' with the password '{password}' "
                    f"(kept in {password_file})."
                )
            )
        else:
            self.stdout.write("An administrator already exists; log in with its own password.")

    def serve_site_at(self, base_url):
        address = urlsplit(base_url)
        default_port = 443 if address.scheme == "https" else 80
        Site.objects.filter(is_default_site=True).update(
            hostname=address.hostname, port=address.port or default_port
        )
