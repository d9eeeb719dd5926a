"""A report table: what is shown on screen, drawn as a chart and downloaded as CSV.

Cells are formatted once, here, for people ("1,234", "12.5%", "4 min 20 s", "3.5 working
days"); the page and the CSV both show those same strings, so the CSV is exactly the table.
"""

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

WORKING_DAY_SECONDS = 8 * 3600


def fmt_int(value) -> str:
    return "–" if value is None else f"{int(value):,}"


def fmt_pct(value) -> str:
    """A percentage already scaled 0–100, to one decimal place."""
    if value is None:
        return "–"
    text = f"{value:,.1f}"
    return f"{text.removesuffix('.0')}%"


def fmt_duration(seconds) -> str:
    """Seconds as people say them: "45 s", "4 min 20 s", "1 h 5 min"."""
    if seconds is None:
        return "–"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def fmt_minutes(seconds) -> str:
    """Seconds to the nearest minute ("5 min", "1 h 5 min"): for figures read from histograms
    counted in whole minutes, which would be falsely precise in seconds."""
    if seconds is None:
        return "–"
    return fmt_duration(60 * int(seconds / 60 + 0.5))


def fmt_working_days(seconds) -> str:
    """Working seconds as working days (8-hour days) to one decimal place."""
    if seconds is None:
        return "–"
    days = round(seconds / WORKING_DAY_SECONDS, 1)
    text = f"{days:,.1f}".removesuffix(".0")
    return f"{text} working day" + ("" if days == 1 else "s")


def rate(part, whole):
    """part / whole as a percentage 0–100 (None when there is nothing to divide by)."""
    return 100 * part / whole if whole else None


def change_words(current, previous, noun: str, days: int) -> str:
    """ "Phone contacts rose 12% on the previous 28 days" and its kin."""
    period = "the previous day" if days == 1 else f"the previous {days:,} days"
    if not previous:
        return f"{noun} numbered {fmt_int(current)}; there were none in {period}."
    change = 100 * (current - previous) / previous
    if round(change) == 0:
        return f"{noun} were about the same as in {period} ({fmt_int(current)})."
    verb = "rose" if change > 0 else "fell"
    return (
        f"{noun} {verb} {fmt_pct(abs(change))} on {period} "
        f"({fmt_int(previous)} to {fmt_int(current)})."
    )


@dataclass
class Cell:
    text: str
    href: str = ""
    numeric: bool = False


@dataclass
class Table:
    key: str  # the CSV's `?csv=` name
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    summary: str = ""  # the chart's text summary
    chart: SafeString | str = ""
    note: str = ""
    empty: str = "Nothing in this range."

    def add(self, *cells):
        """A row: str → text cell, (text, href) → link, numbers already formatted as `num()`."""
        self.rows.append([c if isinstance(c, Cell) else Cell(str(c)) for c in cells])

    @property
    def numeric_columns(self):
        return [any(row[i].numeric for row in self.rows) for i in range(len(self.headers))]

    def rows_html(self) -> SafeString:
        """The table body's rows, built here rather than cell by cell in the template: a year
        of days is thousands of cells, and the template loop was most of a page's render time."""
        parts = []
        for row in self.rows:
            parts.append('<tr class="govuk-table__row">')
            for index, cell in enumerate(row):
                text = escape(cell.text)
                if cell.href:
                    text = f'<a class="govuk-link" href="{escape(cell.href)}">{text}</a>'
                if index == 0:
                    parts.append(f'<th scope="row" class="govuk-table__header">{text}</th>')
                elif cell.numeric:
                    parts.append(
                        f'<td class="govuk-table__cell govuk-table__cell--numeric">{text}</td>'
                    )
                else:
                    parts.append(f'<td class="govuk-table__cell">{text}</td>')
            parts.append("</tr>\n")
        return mark_safe("".join(parts))  # noqa: S308 (every text and link is escaped above)

    def csv_rows(self):
        yield self.headers
        for row in self.rows:
            yield [cell.text for cell in row]


def num(text: str) -> Cell:
    return Cell(text, numeric=True)


def link(text: str, href: str) -> Cell:
    return Cell(text, href=href)


@dataclass
class Headline:
    label: str
    value: str
    detail: str = ""


@dataclass
class Report:
    key: str
    title: str
    headlines: list[Headline] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)
