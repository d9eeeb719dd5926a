"""Timeline entries for the knowledge base: an article sent to the citizen ("Information sent")."""

from timeline.models import Kind
from timeline.services import EntryData, entry_write
from timeline.sources import Source, register

SEND = "faq.articlesend"


def information_sent_entry(send) -> EntryData:
    how = "text message" if send.channel == "sms" else "email"
    return EntryData(
        key=f"{SEND}:{send.pk}",
        citizen_id=send.citizen_id,
        kind=Kind.INFORMATION_SENT,
        occurred_at=send.sent_at,
        summary=f"Information sent by {how}: {send.article.title}",
        actor_id=send.staff_id,
        service_area_id=send.article.service_area_id,
        source_type=SEND,
        source_id=str(send.pk),
        detail={
            "article_id": send.article_id,
            "channel": send.channel,
            "contact_id": send.contact_id,
        },
    )


def on_article_sent(sender, instance, **kwargs):
    if instance.citizen_id:
        entry_write(data=information_sent_entry(instance))


def connect() -> None:
    from faq import signals

    signals.article_sent.connect(on_article_sent, dispatch_uid="timeline_article_sent")


def history(citizen_ids):
    from faq.models import ArticleSend

    sends = ArticleSend.objects.filter(citizen__isnull=False).select_related("article")
    if citizen_ids is not None:
        sends = sends.filter(citizen_id__in=citizen_ids)
    for send in sends.order_by("pk").iterator(chunk_size=2000):
        yield information_sent_entry(send)


def _article_link(entry) -> str:
    from django.urls import reverse

    article_id = (entry.detail or {}).get("article_id")
    return reverse("faq:detail", kwargs={"pk": article_id}) if article_id else ""


register(Source(name="faq", connect=connect, history=history, links={SEND: _article_link}))
