"""What the documents app tells the apps above it, without importing them.

`protocol_version_published` is sent (after the transaction commits) each time a protocol
gains a public version: an HTML protocol published again, or a file replaced and approved.
It carries `version`, a `documents.ProtocolVersion` with `document`, `number`,
`published_at`, `change_note`, `alert_subscribers` (the editor's choice for this
publication), `get_absolute_url()` and `comparison_url` (blank for a first version or a
file). The alerts app turns it into an alert; documents knows nothing of alerts.
"""

from django.dispatch import Signal

protocol_version_published = Signal()
