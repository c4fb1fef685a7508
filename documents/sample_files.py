"""Small, valid PDF and Word files made on the spot.

The demo content and the tests need real documents without shipping binaries: these
open in any reader, and PDFs can be made with or without accessibility tags.
"""

import io
import zipfile
from xml.sax.saxutils import escape

OPENXML = "application/vnd.openxmlformats"


def _pdf_text(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(title, pages=1, tagged=False):
    """A PDF of `pages` pages, each headed with the title; tagged PDFs carry MarkInfo and a
    structure tree, as accessible PDFs do."""
    objects = []
    page_ids = [4 + 2 * index for index in range(pages)]
    structure_id = 4 + 2 * pages
    catalog = "<< /Type /Catalog /Pages 2 0 R /Lang (en-GB)"
    if tagged:
        catalog += f" /MarkInfo << /Marked true >> /StructTreeRoot {structure_id} 0 R"
    objects.append(catalog + " >>")
    kids = " ".join(f"{page_id} 0 R" for page_id in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for number, page_id in enumerate(page_ids, start=1):
        stream = (
            f"BT /F1 18 Tf 72 760 Td ({_pdf_text(title)}) Tj "
            f"0 -28 Td /F1 11 Tf (Page {number} of {pages}) Tj ET"
        )
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    if tagged:
        objects.append("<< /Type /StructTreeRoot >>")

    output = io.BytesIO()
    output.write(b"%PDF-1.7\n")
    offsets = []
    for object_id, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(f"{object_id} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref_at = output.tell()
    output.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        output.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R >>"
    output.write(f"trailer\n{trailer}\nstartxref\n{xref_at}\n%%EOF\n".encode())
    return output.getvalue()


def make_docx(title, paragraphs=()):
    """A Word document with a title and paragraphs."""
    body = "".join(
        f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>" for text in (title, *paragraphs)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="{OPENXML}-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            f'ContentType="{OPENXML}-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return output.getvalue()
