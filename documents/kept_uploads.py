"""A file staff chose in the document form, kept while they correct the rest of the form.

A browser cannot fill a file input in again, so when a form with a new file comes back
with a mistake (a replacement without its "what changed" note, say), the file is kept in
the media storage, under a folder only the document form reads, and the form carries a
signed token naming it. The next save of the same form by the same person takes the file
from there. Kept files are removed once used, and any left behind (a form abandoned) after
KEEP_FOR, the next time a file is kept.
"""

import datetime
import secrets

from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .uploads import safe_file_name

FOLDER = "documents/unsaved"
KEEP_FOR = datetime.timedelta(hours=12)
SALT = "documents.kept-upload"


class KeptUpload:
    def __init__(self, name, chosen_name):
        self.name = name
        self.chosen_name = chosen_name

    @classmethod
    def keep(cls, uploaded, chosen_name, user, document_pk):
        """Store `uploaded`, which staff chose as `chosen_name`; returns the KeptUpload and
        the token naming it."""
        remove_abandoned()
        uploaded.seek(0)
        name = default_storage.save(
            f"{FOLDER}/{secrets.token_hex(16)}-{safe_file_name(chosen_name)}", uploaded
        )
        uploaded.seek(0)
        kept = cls(name, chosen_name)
        token = signing.dumps(
            {"name": name, "chosen": chosen_name, "user": user.pk, "document": document_pk},
            salt=SALT,
        )
        return kept, token

    @classmethod
    def from_token(cls, token, user, document_pk):
        """The upload `token` names, if it is this person's for this document, recent and
        still stored; otherwise None."""
        try:
            kept = signing.loads(token, salt=SALT, max_age=KEEP_FOR)
        except signing.BadSignature:
            return None
        if kept["user"] != user.pk or kept["document"] != document_pk:
            return None
        if not default_storage.exists(kept["name"]):
            return None
        return cls(kept["name"], kept["chosen"])

    def as_uploaded_file(self):
        """The file as the form would have received it from the browser."""
        with default_storage.open(self.name, "rb") as stored:
            return SimpleUploadedFile(self.chosen_name, stored.read())

    def remove(self):
        default_storage.delete(self.name)


def remove_abandoned():
    """Remove kept files older than KEEP_FOR: their tokens no longer work."""
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - KEEP_FOR
    for name in names:
        if default_storage.get_modified_time(f"{FOLDER}/{name}") < cutoff:
            default_storage.delete(f"{FOLDER}/{name}")
