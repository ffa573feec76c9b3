"""Spreadsheet exports never carry a formula: a cell that a spreadsheet program would run
(starting with =, +, -, @, a tab or a carriage return) is written as text."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value as a spreadsheet shows it but never evaluates it (OWASP's advice: a leading
    apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_cell(value) -> str:
    """Any value as the text of a safe cell (None: an empty cell)."""
    return neutralise("" if value is None else str(value))


def neutralise_wagtail_csv_exports():
    """Wagtail's listing exports (reports, form submissions, redirects, snippets) write CSV
    cells as they are; its XLSX export already refuses formulas. Every CSV row goes through
    ``neutralise`` instead."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin.write_csv_row, "neutralises_formulas", False):
        return

    def write_csv_row(self, writer, row_dict):
        return writer.writerow({
            field: neutralise(self.preprocess_field_value(field, value, self.FORMAT_CSV))
            for field, value in row_dict.items()
        })

    write_csv_row.neutralises_formulas = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row
