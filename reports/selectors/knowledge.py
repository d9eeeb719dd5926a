"""Knowledge and forms: searches with no result, articles sent and form completion with where
drafts stop — rendered from the figures the faq and forms apps' selectors give."""

from datetime import timedelta

from core.filters import day_start
from faq.selectors import articles_sent, search_figures, searches_without_result
from forms_engine.selectors import form_funnel, form_get, forms_completion
from reports.tables import Headline, Report, Table, fmt_int, fmt_pct, num, rate


def knowledge_report(f) -> Report:
    area_id = f.service_area.pk if f.service_area else None
    figures = search_figures(date_from=f.date_from, date_to=f.date_to)
    no_result = Table(
        "searches_without_result",
        "Searches that found nothing",
        ["Search", "Times searched", "Last searched"],
        empty="No searches without a result in this range.",
    )
    for row in searches_without_result(date_from=f.date_from, date_to=f.date_to, limit=25):
        no_result.add(
            row.query, num(fmt_int(row.searches)), row.last_searched.strftime("%-d %b %Y")
        )
    no_result.note = "The most frequent 25: articles worth writing."
    sent = Table(
        "articles_sent",
        "Articles sent to citizens",
        ["Article", "By text message", "By email", "Total"],
        empty="No articles sent in this range.",
    )
    for row in articles_sent(
        date_from=f.date_from, date_to=f.date_to, service_area_id=area_id, limit=25
    ):
        sent.add(
            row.title, num(fmt_int(row.sms)), num(fmt_int(row.email)), num(fmt_int(row.total))
        )
    since, until = day_start(f.date_from), day_start(f.date_to + timedelta(days=1))
    completion = forms_completion(since=since, until=until, service_area_id=area_id)
    forms = Table(
        "forms",
        "Online forms: started and submitted",
        ["Form", "Started", "Submitted", "Completion"],
        empty="No forms started in this range.",
    )
    for row in completion:
        forms.add(
            row.name,
            num(fmt_int(row.started)),
            num(fmt_int(row.submitted)),
            num(fmt_pct(None if row.completion_rate is None else 100 * row.completion_rate)),
        )
    tables = [no_result, sent, forms]
    if completion:
        busiest = form_get(pk=completion[0].form_id)
        funnel = form_funnel(form=busiest, since=since, until=until)
        stops = Table(
            "drafts_stop",
            f"Where unfinished drafts stop: {busiest.name}",
            ["Page", "Drafts stopped there", "Share of unfinished"],
        )
        for title, n in funnel.stops:
            stops.add(title, num(fmt_int(n)), num(fmt_pct(rate(n, funnel.in_progress))))
        stops.note = "For the form started most often in the range."
        tables.append(stops)
    report = Report("knowledge", "Knowledge and forms")
    report.headlines = [
        Headline("Knowledge searches", fmt_int(figures.searches)),
        Headline(
            "Found nothing",
            fmt_pct(figures.without_result_rate),
            f"{fmt_int(figures.without_result)} searches",
        ),
        Headline(
            "Opened an article", fmt_pct(rate(figures.with_article_opened, figures.searches))
        ),
    ]
    report.notes.append(
        "Knowledge figures follow the dates (articles sent and forms also the service area)."
    )
    report.tables = tables
    return report
