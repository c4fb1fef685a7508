"""What a subscriber can choose to hear about, each kept as a short key: `all`, `procedures`,
`section:<page id>`, `type:<document type>`, `page:<page id>` and `document:<document id>`.
An alert carries the keys of every topic it belongs to; a subscriber gets it when one of
their keys is among them."""

EVERYTHING = "all"
PROCEDURES = "procedures"


def section(page_id):
    return f"section:{page_id}"


def document_type(value):
    return f"type:{value}"


def page(page_id):
    return f"page:{page_id}"


def document(document_id):
    return f"document:{document_id}"


def parts(topic):
    """(kind, value) of a key: ("section", "12"), ("all", "")."""
    kind, _, value = topic.partition(":")
    return kind, value
