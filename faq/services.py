"""Writes of the knowledge base: articles and their versions, the search index, searches and
uses, and sending an article to a citizen through the outbox.

Every service takes the acting member of staff, is atomic, writes its audit row and sends the
app's signal (faq/signals.py) inside its transaction.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from faq import signals
from faq.markdown import markdown_to_html, markdown_to_text
from faq.models import (
    Article,
    ArticleOpen,
    ArticleSend,
    ArticleVersion,
    SearchLog,
    SearchTerm,
)
from faq.search import normalise, search_document, vocabulary_forget, vocabulary_words
from faq.sms import sms_problem
from notifications.services import message_enqueue

VERSIONED_FIELDS = ["title", "summary", "body", "internal_notes", "keywords", "audience", "status"]
# As-you-type searches by one person within this time, each extending the last, are one search.
SEARCH_SETTLE = timedelta(seconds=60)


def _staff(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- articles --------------------------------------------------------------------------------


def article_public_url(article) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + article.get_public_path()


def article_sms_text(article) -> str:
    """The text message for an article: its summary and public link."""
    return f"{article.summary.strip()} {article_public_url(article)}"


def article_problems(article) -> dict[str, str]:
    """Rules every saved article keeps (the admin form shows the same messages)."""
    errors = {}
    if article.slug and article.summary:
        problem = sms_problem(article_sms_text(article))
        if problem:
            errors["summary"] = problem
    return errors


def _render(article) -> None:
    article.body_html = markdown_to_html(article.body)
    article.internal_html = markdown_to_html(article.internal_notes)
    article.search_text = search_document(
        title=article.title,
        keywords=article.keywords,
        summary=article.summary,
        body_text=markdown_to_text(article.body),
    )


PG_VECTOR_SQL = """
UPDATE faq_article SET
    search_vector = setweight(to_tsvector('english', split_part(search_text, E'\\n', 1)), 'A')
        || setweight(to_tsvector('english', split_part(search_text, E'\\n', 2)), 'B')
        || setweight(to_tsvector('english', split_part(search_text, E'\\n', 3)), 'C'),
    title_vector = to_tsvector('english', split_part(search_text, E'\\n', 1))
"""


def _index(article_ids=None) -> None:
    """Refresh the PostgreSQL search vector of these articles (all when None) from search_text."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if article_ids is None:
            cursor.execute(PG_VECTOR_SQL)
        else:
            cursor.execute(PG_VECTOR_SQL + " WHERE id = ANY(%s)", [list(article_ids)])


def _vocabulary_add(articles) -> None:
    words = set()
    for article in articles:
        if article.status == Article.Status.PUBLISHED:
            words |= vocabulary_words(*article.search_text.split("\n"))
    if words:
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=w) for w in sorted(words)], ignore_conflicts=True, batch_size=2000
        )
        vocabulary_forget()


@transaction.atomic
def article_save(*, actor, article: Article, change_note: str = "") -> Article:
    """Create or update an article: sanitised HTML, search index, a new version, audit."""
    errors = article_problems(article)
    if errors:
        raise ValidationError(errors)
    created = article.pk is None
    previous = None if created else article.versions.order_by("-number").first()
    _render(article)
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    article.version = (previous.number if previous else article.version) + 1
    article.updated_by = _staff(actor)
    article.save()
    changed = [
        name
        for name in VERSIONED_FIELDS
        if previous is None or getattr(previous, name) != getattr(article, name)
    ]
    version = ArticleVersion.objects.create(
        article=article,
        number=article.version,
        changed_fields=changed,
        change_note=change_note[:200],
        changed_by=_staff(actor),
        **{name: getattr(article, name) for name in VERSIONED_FIELDS},
    )
    _index([article.pk])
    _vocabulary_add([article])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        obj=article,
        detail={"version": version.number, "changed": changed, "status": article.status},
    )
    signals.article_saved.send(
        sender=Article, instance=article, actor=actor, created=created, version=version
    )
    return article


@transaction.atomic
def article_restore(*, actor, article: Article, version: ArticleVersion) -> Article:
    """Make an earlier version the current text again (as a new version)."""
    if version.article_id != article.pk:
        raise ValidationError("That version belongs to another article.")
    article = Article.objects.select_for_update().get(pk=article.pk)
    for name in VERSIONED_FIELDS:
        setattr(article, name, getattr(version, name))
    return article_save(
        actor=actor, article=article, change_note=f"Restored version {version.number}"
    )


def articles_index_all() -> int:
    """Rebuild HTML, search documents, vectors and the vocabulary of every article."""
    count = 0
    batch = []
    for article in Article.objects.order_by("pk").iterator(chunk_size=500):
        _render(article)
        batch.append(article)
        if len(batch) == 500:
            count += _save_rendered(batch)
            batch = []
    count += _save_rendered(batch)
    SearchTerm.objects.all().delete()
    vocabulary_forget()
    _vocabulary_add(Article.objects.published().only("status", "search_text").iterator())
    _index(None)
    return count


@transaction.atomic
def _save_rendered(batch) -> int:
    Article.objects.bulk_update(batch, ["body_html", "internal_html", "search_text"])
    return len(batch)


def articles_index_new(article_ids) -> None:
    """Index articles created in bulk (demo data, benchmarks) whose search_text is set."""
    _index(article_ids)
    _vocabulary_add(Article.objects.filter(pk__in=list(article_ids)).only("status", "search_text"))


def article_prepare(article: Article) -> Article:
    """Fill the derived fields of an unsaved article (for bulk creation)."""
    _render(article)
    article.version = 1
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    return article


# --- searches and uses -------------------------------------------------------------------------


@transaction.atomic
def search_record(*, actor, query: str, result, where: str, contact=None) -> SearchLog | None:
    """Log a search. One person's as-you-type searches, each extending the last within a
    minute and with nothing opened in between, are kept as one row (the final words)."""
    text = (query or "").strip()[:200]
    normal = normalise(text)[:200]
    if not normal:
        return None
    now = timezone.now()
    staff = _staff(actor)
    values = {
        "query": text,
        "normalised": normal,
        "result_count": result.count,
        "corrected_to": (result.corrected or "")[:200],
        "updated_at": now,
    }
    if staff is not None and where == SearchLog.Where.STAFF:
        last = (
            SearchLog.objects.select_for_update()
            .filter(staff=staff, where=where, opened_article__isnull=True)
            .filter(updated_at__gte=now - SEARCH_SETTLE)
            .order_by("-updated_at", "-id")
            .first()
        )
        if last is not None and (
            normal.startswith(last.normalised) or last.normalised.startswith(normal)
        ):
            for key, value in values.items():
                setattr(last, key, value)
            last.save(update_fields=list(values))
            return last
    return SearchLog.objects.create(
        where=where, staff=staff, contact=contact, created_at=now, **values
    )


@transaction.atomic
def article_open_record(
    *, actor, article: Article, contact=None, via=ArticleOpen.Via.BROWSE, search_id=None
) -> ArticleOpen:
    """A member of staff opened an article: counted for "most used", kept on the contact."""
    opened = ArticleOpen.objects.create(
        article=article, staff=_staff(actor), contact=contact, via=via
    )
    Article.objects.filter(pk=article.pk).update(use_count=F("use_count") + 1)
    if search_id:
        SearchLog.objects.filter(
            pk=search_id, staff=_staff(actor), opened_article__isnull=True
        ).update(opened_article=article)
    return opened


def public_open_record(*, article: Article, search_id=None) -> None:
    """A resident opened an article on the help pages (counted; no personal data kept)."""
    Article.objects.filter(pk=article.pk).update(use_count=F("use_count") + 1)
    if search_id:
        SearchLog.objects.filter(
            pk=search_id, where=SearchLog.Where.PUBLIC, opened_article__isnull=True
        ).update(opened_article=article)


# --- sending to a citizen ------------------------------------------------------------------


class SendRefused(Exception):
    """The article cannot be sent this way; the message says why in plain words."""


@dataclass(frozen=True)
class SendResult:
    send: ArticleSend
    saved_to_record: bool


def article_email_text(article) -> tuple[str, str]:
    """(subject, body) of the email carrying a whole article."""
    body = "\n\n".join(
        [
            article.summary.strip(),
            markdown_to_text(article.body),
            f"Read it online: {article_public_url(article)}",
            settings.COUNCIL_NAME,
        ]
    )
    return article.title, body


@transaction.atomic
def article_send(
    *,
    actor,
    article: Article,
    citizen,
    channel: str,
    recipient: str,
    contact=None,
) -> ArticleSend:
    """Send the article's summary and link by SMS, or the whole article by email, through the
    outbox; recorded on the contact and the citizen's timeline."""
    if not article.is_public:
        raise SendRefused(
            "Only published articles for residents can be sent. Staff guidance stays internal."
        )
    now = timezone.now()
    if channel == ArticleSend.Channel.SMS:
        body = article_sms_text(article)
        problem = sms_problem(body)
        if problem:
            raise SendRefused(f"This article's summary no longer fits one text message. {problem}")
        subject = ""
    elif channel == ArticleSend.Channel.EMAIL:
        subject, body = article_email_text(article)
    else:
        raise SendRefused("Choose text message or email.")
    send = ArticleSend.objects.create(
        article=article,
        citizen=citizen,
        contact=contact,
        channel=channel,
        recipient=recipient,
        staff=_staff(actor),
        sent_at=now,
    )
    message, _created = message_enqueue(
        actor=actor,
        channel=channel,
        recipient=recipient,
        body=body,
        subject=subject,
        idempotency_key=f"faq.articlesend:{send.pk}:{channel}:{recipient}",
        recipient_kind="citizen",
        citizen=citizen,
        obj=send,
        event="article_sent",
    )
    send.message_id = message.pk
    send.save(update_fields=["message_id"])
    Article.objects.filter(pk=article.pk).update(use_count=F("use_count") + 1)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=send,
        citizen=citizen,
        contact_id=contact.pk if contact is not None else None,
        detail={"event": "article_sent", "article": article.pk, "channel": channel},
    )
    signals.article_sent.send(sender=ArticleSend, instance=send, actor=actor)
    return send
