"""Every address outside this site that the site links to, and where each is used.

check_links checks each address once and the broken links report says where it was found.
Fields are read by kind rather than by name (web address fields, StreamFields and rich text,
on live pages, snippets and settings), so links in fields and blocks added later are found
without changes here.
"""

from collections import defaultdict
from urllib.parse import urldefrag, urlsplit

from bs4 import BeautifulSoup
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import capfirst
from wagtail import blocks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.snippets.models import get_snippet_models

from .models import LinkUse

WEB_SCHEMES = ("http", "https")


def external_urls():
    """{address: [LinkUse, …]} for every external address on live pages, snippets and
    settings, in the order first found."""
    # Without a user: the report decides who may follow the edit links.
    url_finder = AdminURLFinder()
    uses = defaultdict(list)
    for instance, content_type in _sources():
        edit_url = url_finder.get_edit_url(instance) or ""
        for location, url in urls_in(instance):
            use = LinkUse(content_type.pk, instance.pk, str(instance), location, edit_url)
            if use not in uses[url]:
                uses[url].append(use)
    return dict(uses)


def _sources():
    # Recorded as pages whatever their type: page permissions cover them all alike.
    page_type = ContentType.objects.get_for_model(Page)
    for page in Page.objects.live().specific():
        yield page, page_type
    for model in [*get_snippet_models(), *settings_registry]:
        content_type = ContentType.objects.get_for_model(model)
        for instance in model._default_manager.all():
            yield instance, content_type


def urls_in(instance):
    """(where, address) for each external address in an object's fields."""
    for field in instance._meta.concrete_fields:
        value = field.value_from_object(instance)
        if not value:
            continue
        location = capfirst(field.verbose_name)
        if isinstance(field, StreamField):
            for child in value.raw_data:
                block = field.stream_block.child_blocks.get(child["type"])
                if block is not None:
                    for url in _urls_in_block(block, child["value"]):
                        yield f"{location}: {block.label}", url
        elif isinstance(field, RichTextField):
            for url in _urls_in_rich_text(value):
                yield location, url
        elif isinstance(field, models.URLField):
            url = _external(value)
            if url:
                yield location, url


def _urls_in_block(block, raw_value):
    """Addresses in a block's stored (JSON) value: reading it raw needs no queries for the
    pages, documents and snippets that blocks choose."""
    if raw_value is None:
        return
    if isinstance(block, blocks.StreamBlock):
        for child in raw_value:
            child_block = block.child_blocks.get(child["type"])
            if child_block is not None:
                yield from _urls_in_block(child_block, child["value"])
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            yield from _urls_in_block(child_block, raw_value.get(name))
    elif isinstance(block, blocks.ListBlock):
        for item in raw_value:
            yield from _urls_in_block(block.child_block, _list_item_value(item))
    elif isinstance(block, (blocks.URLBlock, EmbedBlock)):
        url = _external(raw_value)
        if url:
            yield url
    elif isinstance(block, blocks.RichTextBlock):
        yield from _urls_in_rich_text(raw_value)


def _list_item_value(item):
    # List items are stored as {"type": "item", "value": …, "id": …} since Wagtail 2.16, and
    # as bare values before it (Wagtail RFC 65); pages saved long ago may have either.
    if isinstance(item, dict) and item.get("type") == "item" and {"id", "value"} <= set(item):
        return item["value"]
    return item


def _urls_in_rich_text(html):
    # Links to pages and documents are stored as <a linktype=… id=…>, without an href.
    for anchor in BeautifulSoup(html, "html.parser").find_all("a", href=True):
        url = _external(anchor["href"])
        if url:
            yield url


def _external(address):
    """The address without its fragment (the same page is fetched whatever the fragment),
    or None if it is not a web address."""
    address = address.strip()
    try:
        if urlsplit(address).scheme.lower() not in WEB_SCHEMES:
            return None
    except ValueError:  # e.g. an unclosed "[" where an IPv6 host would be
        return None
    return urldefrag(address).url
