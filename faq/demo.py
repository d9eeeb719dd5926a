"""Demo knowledge base: 44 articles across the seeded service areas, dynamic content blocks for
council tax, benefits, licensing and housing rent, and a week of searches and uses."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from contacts.models import ContactType
from faq.demo_articles import ARTICLES, BLOCKS
from faq.models import Article, ArticleOpen, DynamicBlock, SearchLog
from faq.services import article_save
from organisation.models import ServiceArea

NO_RESULT_SEARCHES = [
    "wheelie bin sticker",
    "allotment waiting list",
    "pest control rats",
    "parking permit visitor",
    "blue badge",
    "school admissions",
]


def articles_seed(*, owner=None, rng=None) -> list[Article]:
    """Create the demo articles that do not exist yet (by slug); idempotent."""
    areas = {a.name: a for a in ServiceArea.objects.all()}
    types = {
        (t.service_area.name, t.name): t
        for t in ContactType.objects.select_related("service_area")
    }
    existing = set(Article.objects.values_list("slug", flat=True))
    today = timezone.localdate()
    created = []
    for i, (
        slug,
        area,
        type_names,
        title,
        summary,
        keywords,
        body,
        internal,
        audience,
    ) in enumerate(ARTICLES):
        if slug in existing:
            continue
        # A few reviews are overdue so administrators see the list working.
        review_in = (-10 - i) if i % 9 == 4 else 90 + (i * 7) % 270
        article = Article(
            slug=slug,
            title=title,
            summary=summary,
            keywords=keywords,
            body=body,
            internal_notes=internal,
            audience=audience,
            status=Article.Status.PUBLISHED,
            service_area=areas.get(area) if area else None,
            owner=owner,
            review_date=today + timedelta(days=review_in),
        )
        article_save(actor=None, article=article, change_note="Demo content")
        article.contact_types.set([types[(area, n)] for n in type_names if (area, n) in types])
        created.append(article)
    return created


def blocks_seed() -> None:
    for order, (name, kind, text) in enumerate(BLOCKS, start=1):
        DynamicBlock.objects.get_or_create(
            name=name, service_account_kind=kind, defaults={"text": text, "ordering": order * 10}
        )


def seed(ctx):
    owner = ctx.staff.get("admin")
    articles = articles_seed(owner=owner)
    blocks_seed()
    if not articles:
        return
    rng = ctx.rng
    now = timezone.now()
    staff = list(ctx.staff.values())
    public = [a for a in articles if a.audience == Article.Audience.PUBLIC]
    # A week of use: popular answers opened more often (bulky waste, bin days, paying).
    weights = [
        5
        if a.slug
        in (
            "bulky-waste",
            "bin-collection-day",
            "pay-council-tax",
            "missed-bin",
            "single-person-discount",
        )
        else 1
        for a in public
    ]
    opens = [
        ArticleOpen(
            article=rng.choices(public, weights)[0],
            staff=rng.choice(staff),
            via=rng.choice(list(ArticleOpen.Via.values)),
            opened_at=now - timedelta(minutes=rng.randint(5, 7 * 24 * 60)),
        )
        for _ in range(180)
    ]
    ArticleOpen.objects.bulk_create(opens)
    for article in public:
        Article.objects.filter(pk=article.pk).update(
            use_count=sum(1 for o in opens if o.article_id == article.pk)
        )
    logs = []
    for _ in range(60):
        at = now - timedelta(minutes=rng.randint(5, 14 * 24 * 60))
        if rng.random() < 0.25:
            query = rng.choice(NO_RESULT_SEARCHES)
            logs.append(
                SearchLog(
                    query=query,
                    normalised=query,
                    where=rng.choice(["staff", "public"]),
                    result_count=0,
                    staff=rng.choice(staff),
                    created_at=at,
                    updated_at=at,
                )
            )
        else:
            article = rng.choice(public)
            query = article.title.lower().split(" ", 2)[-1][:40]
            logs.append(
                SearchLog(
                    query=query,
                    normalised=query,
                    where="staff",
                    result_count=rng.randint(1, 8),
                    staff=rng.choice(staff),
                    opened_article=article,
                    created_at=at,
                    updated_at=at,
                )
            )
    SearchLog.objects.bulk_create(logs)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("faq_article", "faq_searchterm", "faq_articleopen", "faq_searchlog"):
                cursor.execute(f"ANALYZE {table}")
