"""The report tables' rows are built in Python (not cell by cell in the template), so they
escape what they show themselves: names typed by administrators and staff stay text."""

from reports.tables import Table, link, num


def test_cells_and_links_are_escaped():
    table = Table(key="staff", title="Staff", headers=["Agent", "Contacts", "Team"])
    table.add(
        link('<script>alert("x")</script>', '/reports/?a="><img src=x>'),
        num("1,234"),
        "Waste & Recycling <b>",
    )
    html = str(table.rows_html())
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="/reports/?a=&quot;&gt;&lt;img src=x&gt;"' in html
    assert "Waste &amp; Recycling &lt;b&gt;" in html
    assert '<th scope="row" class="govuk-table__header"><a class="govuk-link"' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">1,234</td>' in html
