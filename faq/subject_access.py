"""faq's part of a subject access export: the articles sent to the citizen."""

from audit.subject_access.registry import Exporter, Section, record, register
from faq.models import ArticleSend


def export_faq(citizen) -> Section:
    sends = ArticleSend.objects.filter(citizen=citizen).select_related("article", "staff")
    return Section(
        title="Information sent",
        tables={
            "articles_sent": [
                record(send, exclude=("citizen",), extra={"article_title": send.article.title})
                for send in sends.order_by("sent_at", "pk")
            ]
        },
    )


register(
    Exporter(
        app_label="faq",
        title="Information sent",
        models=("faq.articlesend",),
        export=export_faq,
        order=60,
    )
)
