"""Spreadsheet exports from the admin that a spreadsheet program cannot mistake for formulas."""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

# What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """The value as text a spreadsheet shows as it is: a cell an editor typed as
    `=HYPERLINK(...)` would otherwise run when a reviewer opens the CSV file."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class FormulaSafeExportMixin(SpreadsheetExportMixin):
    """Every CSV the partnership's admin views write goes through here. Wagtail already
    writes XLSX cells that look like formulas as text; its CSV rows are written as they
    are, so each value is neutralised after Wagtail's own preprocessing."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return value
