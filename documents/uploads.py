"""Checks on uploaded protocol documents: the file must really be what its name says.

A renamed executable or web page must never be published under a partnership's name, so
each allowed format is recognised from its contents, not its extension. PDFs are also
opened, to count their pages and see whether they carry accessibility tags.
"""

import io
import os
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from pypdf import PdfReader

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
MARKUP_STARTS = (
    b"<!doctype",
    b"<html",
    b"<script",
    b"<?xml",
    b"<svg",
    b"<head",
    b"<body",
    b"<iframe",
)
BINARY_MAGIC = (b"MZ", b"\x7fELF", b"PK\x03\x04", b"%PDF", OLE2_MAGIC, b"#!")


@dataclass(frozen=True)
class PdfFacts:
    page_count: int
    accessibility_tagged: bool


def safe_file_name(name):
    """A stored name with no path, spaces or odd characters: 'Neglect Toolkit (v2).PDF'
    becomes 'neglect-toolkit-v2.pdf'."""
    stem, extension = os.path.splitext(os.path.basename(name.replace("\\", "/")))
    return f"{slugify(stem)[:80] or 'document'}{extension.lower()}"


def extension_of(name):
    return os.path.splitext(name)[1][1:].lower()


def check_contents(uploaded_file):
    """Raise ValidationError unless the file's contents match its extension.

    Returns PdfFacts for a PDF, None for other formats."""
    extension = extension_of(uploaded_file.name)
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    mismatch = ValidationError(
        f"This file's contents are not a real .{extension} file. Save it again in that "
        "format from the program that made it, and upload that.",
        code="content_mismatch",
    )
    if extension == "pdf":
        if b"%PDF-" not in head[:1024]:
            raise mismatch
        return read_pdf(uploaded_file)
    if extension in ("doc", "xls", "ppt"):
        if not head.startswith(OLE2_MAGIC):
            raise mismatch
    elif extension in OOXML_PARTS:
        with open_zip(uploaded_file, mismatch) as archive:
            names = set(archive.namelist())
        if "[Content_Types].xml" not in names or not any(
            name.startswith(OOXML_PARTS[extension]) for name in names
        ):
            raise mismatch
    elif extension in ODF_MIMETYPES:
        with open_zip(uploaded_file, mismatch) as archive:
            try:
                mimetype = archive.read("mimetype").strip()
            except KeyError:
                raise mismatch from None
        if mimetype != ODF_MIMETYPES[extension]:
            raise mismatch
    elif extension == "csv":
        check_csv(head, mismatch)
    return None


def check_csv(head, mismatch):
    if b"\x00" in head or head.startswith(BINARY_MAGIC):
        raise mismatch
    if head.lstrip().lower().startswith(MARKUP_STARTS):
        raise mismatch
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still valid text.
        if error.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                raise mismatch from None


@contextmanager
def open_zip(uploaded_file, mismatch):
    uploaded_file.seek(0)
    try:
        archive = zipfile.ZipFile(uploaded_file)
    except (zipfile.BadZipFile, OSError):
        raise mismatch from None
    try:
        yield archive
    finally:
        archive.close()
        uploaded_file.seek(0)


def read_pdf(uploaded_file):
    uploaded_file.seek(0)
    try:
        reader = PdfReader(io.BytesIO(uploaded_file.read()))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                "This PDF is protected by a password. Upload a copy without a password so "
                "that practitioners can open it.",
                code="pdf_encrypted",
            )
        page_count = len(reader.pages)
        catalog = reader.trailer["/Root"]
        mark_info = catalog.get("/MarkInfo") or {}
        tagged = bool(mark_info.get("/Marked")) and "/StructTreeRoot" in catalog
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(
            "This PDF is damaged and cannot be read. Export it again and upload the new copy.",
            code="pdf_unreadable",
        ) from None
    finally:
        uploaded_file.seek(0)
    return PdfFacts(page_count=page_count, accessibility_tagged=tagged)
