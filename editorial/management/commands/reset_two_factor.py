from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp import devices_for_user


class Command(BaseCommand):
    """For an administrator, when a member of staff has lost both their phone and their
    recovery codes: removes their authenticator app and recovery codes, so that at their
    next login they set up a new app (Approvers and administrators must) or sign in with
    their password alone (anyone else)."""

    help = "Remove a member of staff's authenticator app and recovery codes."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        self.stdout.write(
            f"Removed {len(devices)} two-factor device{'s' if len(devices) != 1 else ''} "
            f"of {username}: they set up a new app at their next login."
        )
