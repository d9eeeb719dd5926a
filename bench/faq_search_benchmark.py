"""Knowledge-base search at 10,000 articles: latency (p50/p95) and top-3 accuracy.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/faq_search_benchmark.py --articles 10000 --queries 200

Needs a migrated database (reference data is seeded if missing). It adds `--articles`
generated articles (slugs `bench-…`), indexes them the way `faq_reindex` does, runs ANALYZE,
then times `faq.search.article_search` (server-side: correction, ranking, loading 20 rows) for
a fixed set of queries built from the articles with a fixed seed: each names the action, the
subject (or one of its synonyms, a third of the time) and the audience of one article; a third
of the queries have one word misspelt (letters swapped, dropped or doubled). It reports p50,
p95 and max over `--rounds` passes, and how often the wanted article is in the top 3 (and
first). The generated articles are deleted at the end unless `--keep` is given.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from faq.models import Article, ArticleVersion, SearchTerm  # noqa: E402
from faq.search import article_search  # noqa: E402
from faq.services import article_prepare, articles_index_new  # noqa: E402
from organisation.models import ServiceArea  # noqa: E402

ACTIONS = [
    ("Apply for", "apply"),
    ("Renew", "renew"),
    ("Cancel", "cancel"),
    ("Pay for", "pay"),
    ("Report a problem with", "report"),
    ("Change the details of", "change"),
    ("Appeal a decision about", "appeal"),
    ("Book", "book"),
    ("Complain about", "complain"),
    ("Check the status of", "status"),
    ("Get a refund for", "refund"),
    ("Replace", "replace"),
    ("Transfer", "transfer"),
    ("Find out the cost of", "cost"),
    ("Get help with", "help"),
    ("Update your address for", "address"),
    ("Request a copy of", "copy"),
    ("Object to", "object"),
    ("Extend", "extend"),
    ("Suspend", "suspend"),
]

# (subject, synonyms, service area)
SUBJECTS = [
    ("garden waste subscription", "green bin, brown bin", "Waste Management"),
    ("bulky waste collection", "furniture collection, large items", "Waste Management"),
    ("recycling box", "blue box, kerbside recycling", "Waste Management"),
    ("wheelie bin", "rubbish bin, refuse bin", "Waste Management"),
    ("food waste caddy", "kitchen caddy, compost caddy", "Waste Management"),
    ("clinical waste collection", "sharps collection, medical waste", "Waste Management"),
    ("trade waste contract", "commercial waste, business waste", "Waste Management"),
    ("fly-tipping fine", "dumping penalty, littering fine", "Waste Management"),
    ("council tax bill", "ctax bill, council charge", "Council Tax"),
    ("council tax direct debit", "monthly instalments, bank mandate", "Council Tax"),
    ("single person discount", "sole occupier reduction, living alone", "Council Tax"),
    ("student exemption", "university exemption, college exemption", "Council Tax"),
    ("empty property premium", "vacant home charge, unoccupied premium", "Council Tax"),
    ("council tax band", "property valuation, banding", "Council Tax"),
    ("council tax support", "council tax reduction, means tested reduction", "Council Tax"),
    ("business rates bill", "non domestic rates, nndr", "Council Tax"),
    ("small business rate relief", "rates relief, sbrr", "Council Tax"),
    ("housing benefit claim", "rent support, hb claim", "Benefits"),
    ("discretionary housing payment", "dhp award, rent shortfall payment", "Benefits"),
    ("free school meals", "school lunch grant, meal entitlement", "Benefits"),
    ("school uniform grant", "clothing grant, uniform allowance", "Benefits"),
    ("crisis support grant", "emergency grant, hardship fund", "Benefits"),
    ("benefit overpayment", "overpaid benefit, recovery of overpayment", "Benefits"),
    ("taxi driver licence", "hackney driver badge, cab licence", "Licensing"),
    ("private hire vehicle licence", "minicab plate, phv licence", "Licensing"),
    ("premises licence", "alcohol licence, pub licence", "Licensing"),
    ("personal licence", "alcohol seller licence, dps licence", "Licensing"),
    ("street trading consent", "market stall permit, pitch licence", "Licensing"),
    ("house in multiple occupation licence", "hmo licence, shared house licence", "Licensing"),
    ("animal boarding licence", "kennel licence, cattery licence", "Licensing"),
    ("scrap metal dealer licence", "scrap licence, metal collector licence", "Licensing"),
    ("residents parking permit", "resident permit, parking zone permit", "Highways"),
    ("visitor parking voucher", "guest parking, visitor permit", "Highways"),
    ("dropped kerb", "vehicle crossover, driveway access", "Highways"),
    ("skip permit", "skip licence, builders skip", "Highways"),
    ("scaffolding licence", "scaffold permit, hoarding licence", "Highways"),
    ("penalty charge notice", "parking ticket, pcn", "Highways"),
    ("blue badge", "disabled parking badge, accessible parking", "Highways"),
    ("street light repair", "lamp post repair, lighting fault", "Highways"),
    ("pothole repair", "road defect repair, carriageway repair", "Highways"),
    ("council home repair", "tenant repair, responsive repair", "Housing"),
    ("rent account", "rent balance, tenancy rent", "Housing"),
    ("housing register application", "social housing list, waiting list", "Housing"),
    ("tenancy transfer", "home swap, mutual exchange", "Housing"),
    ("temporary accommodation", "emergency housing, interim accommodation", "Housing"),
    ("disabled facilities grant", "home adaptation grant, dfg", "Housing"),
    ("garage rental", "lock up garage, garage tenancy", "Housing"),
    ("noise nuisance case", "noisy neighbour case, sound nuisance", "Environmental Health"),
    ("food hygiene inspection", "kitchen inspection, hygiene visit", "Environmental Health"),
    ("pest control treatment", "rat treatment, vermin treatment", "Environmental Health"),
    ("dog fouling report", "dog mess report, fouling complaint", "Environmental Health"),
    ("air quality complaint", "smoke complaint, bonfire complaint", "Environmental Health"),
    ("planning application", "planning permission, development application", "Planning"),
    ("building control approval", "building regulations, completion certificate", "Planning"),
    ("tree preservation order", "protected tree, tpo consent", "Planning"),
    ("lawful development certificate", "ldc, certificate of lawfulness", "Planning"),
    ("street naming request", "property numbering, new address", "Planning"),
    ("allotment plot", "allotment tenancy, growing plot", "Environmental Health"),
    ("burial plot", "grave reservation, cemetery plot", "Environmental Health"),
    ("marriage ceremony booking", "wedding booking, civil ceremony", "Planning"),
]

AUDIENCES = [
    ("for landlords", "landlords"),
    ("for students", "students"),
    ("for pensioners", "pensioners"),
    ("for carers", "carers"),
    ("for businesses", "businesses"),
    ("for charities", "charities"),
    ("for tenants", "tenants"),
    ("for new residents", "newcomers"),
    ("after a bereavement", "bereavement"),
    ("when you move home", "moving"),
    ("in a conservation area", "conservation"),
    ("for schools", "schools"),
    ("for veterans", "veterans"),
    ("for care leavers", "leavers"),
    ("in an emergency", "emergency"),
    ("for agents and solicitors", "solicitors"),
    ("for families with children", "families"),
    ("for people with a disability", "disability"),
]

FILLER = [
    "You can do this online at any time or call us during office hours",
    "We aim to reply within ten working days",
    "Please have your reference number ready",
    "If you need help using the website, visit a library hub where staff can help you",
    "Some cases need supporting documents such as proof of identity or a tenancy agreement",
    "We may contact you to ask for more information",
    "Charges are reviewed every April and published on our fees page",
    "You can ask us to review our decision within one month",
]


def typo(word, rng):
    i = rng.randrange(1, len(word) - 2)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def build_articles(count, rng):
    areas = {a.name: a for a in ServiceArea.objects.all()}
    combos = [(a, s, q) for a in ACTIONS for s in SUBJECTS for q in AUDIENCES]
    rng.shuffle(combos)
    articles = []
    for n, (
        (action, action_key),
        (subject, synonyms, area),
        (audience, audience_key),
    ) in enumerate(combos[:count]):
        other = rng.sample(SUBJECTS, 3)
        body = "\n\n".join(
            [
                f"This page explains how to {action.lower()} {subject} {audience}.",
                ". ".join(rng.sample(FILLER, 4)) + ".",
                f"See also: {', '.join(o[0] for o in other)}.",
            ]
        )
        articles.append(
            article_prepare(
                Article(
                    title=f"{action} {subject} {audience}",
                    slug=f"bench-{n:05d}",
                    summary=f"How to {action.lower()} {subject} {audience}."[:120],
                    body=body,
                    keywords=f"{synonyms}, {action_key}, {audience_key}",
                    status=Article.Status.PUBLISHED,
                    audience=Article.Audience.PUBLIC,
                    service_area=areas.get(area),
                    use_count=rng.randint(0, 50),
                )
            )
        )
        articles[-1]._key = (action_key, subject, synonyms, audience_key)
    return articles


def build_queries(articles, count, rng):
    queries = []
    for i in range(count):
        article = rng.choice(articles)
        action_key, subject, synonyms, audience_key = article._key
        if rng.random() < 1 / 3:
            subject_words = rng.choice([s.strip() for s in synonyms.split(",")])
        else:
            subject_words = subject
        words = [action_key, *subject_words.split(), audience_key]
        misspelt = i % 3 == 0
        if misspelt:
            long_words = [j for j, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
            j = rng.choice(long_words)
            words[j] = typo(words[j], rng)
        queries.append((" ".join(words), article.slug, misspelt))
    return queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if not ServiceArea.objects.exists():
        call_command("seed_reference", verbosity=0)
    print(f"database: {connection.vendor}; {os.getloadavg()[0]:.2f} load average")

    started = time.monotonic()
    articles = build_articles(args.articles, rng)
    with transaction.atomic():
        Article.objects.bulk_create(articles, batch_size=1000)
        ids = list(Article.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
        articles_index_new(ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE faq_article")
            cursor.execute("VACUUM ANALYZE faq_searchterm")
    total = Article.objects.published().count()
    print(
        f"loaded {len(articles):,} articles ({total:,} published in all, "
        f"{SearchTerm.objects.count():,} vocabulary words) in {time.monotonic() - started:.1f} s"
    )
    queries = build_queries(articles, args.queries, rng)
    slug_of = dict(Article.objects.filter(pk__in=ids).values_list("pk", "slug"))
    try:
        for query, _slug, _m in queries[:20]:  # warm the caches
            article_search(query=query, staff_guidance=True)
        timings, top3, first, top3_misspelt, misspelt_total = [], 0, 0, 0, 0
        for round_ in range(args.rounds):
            for query, slug, misspelt in queries:
                t0 = time.perf_counter()
                result = article_search(query=query, staff_guidance=True, limit=20)
                timings.append((time.perf_counter() - t0) * 1000)
                if round_ == 0:
                    found = [slug_of.get(a.pk, a.slug) for a in result.articles[:3]]
                    hit = slug in found
                    top3 += hit
                    first += bool(found) and found[0] == slug
                    if misspelt:
                        misspelt_total += 1
                        top3_misspelt += hit
        timings.sort()
        p = statistics.quantiles(timings, n=100)
        n = len(queries)
        print(
            f"{n} queries x {args.rounds} rounds: p50 {p[49]:.1f} ms, p95 {p[94]:.1f} ms, "
            f"max {timings[-1]:.1f} ms"
        )
        print(
            f"wanted article in top 3: {top3}/{n} ({100 * top3 / n:.1f} %), first: "
            f"{first}/{n} ({100 * first / n:.1f} %); misspelt queries in top 3: "
            f"{top3_misspelt}/{misspelt_total} "
            f"({100 * top3_misspelt / max(1, misspelt_total):.1f} %)"
        )
        misses = [
            (q, s)
            for q, s, _m in queries
            if s
            not in [
                slug_of.get(a.pk, "")
                for a in article_search(query=q, staff_guidance=True).articles[:3]
            ]
        ]
        for q, s in misses[:10]:
            print(f"  missed: {q!r} -> {s}")
        print(f"{os.getloadavg()[0]:.2f} load average")
    finally:
        if not args.keep:
            with transaction.atomic():
                ArticleVersion.objects.filter(article_id__in=ids).delete()
                Article.objects.filter(pk__in=ids).delete()
            print("generated articles deleted (vocabulary words kept; run faq_reindex to prune)")


if __name__ == "__main__":
    main()
