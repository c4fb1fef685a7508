"""Reading the tables of the admin's reports in tests."""

import html
import re


def cell_text(cell):
    """A cell's text as a person reads it: tags dropped, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def report_cells(response):
    """The HTML of each cell of the report table, row by row; none when the report has
    nothing to list (it shows a message instead of a table)."""
    assert response.status_code == 200
    page = response.content.decode()
    if '<table class="listing' not in page:
        return []
    table = page[page.index('<table class="listing') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def report_rows(response):
    """The text of each cell of the report table, row by row."""
    return [[cell_text(cell) for cell in row] for row in report_cells(response)]
