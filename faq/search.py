"""Knowledge-base search: one box, typo-tolerant, ranked.

Ranking, on both databases: each query word found in the title or keywords counts far above
the summary, which counts above the body; published articles only (public ones unless the
reader may see staff guidance); ties go to the most used article, then the title.

- **Misspellings.** Every word of published articles is kept in `SearchTerm` (the vocabulary).
  A query word that is not in it — and, for the last word typed, is not the start of one — is
  replaced by its nearest vocabulary word: pg_trgm similarity over a trigram GIN index on
  PostgreSQL, Damerau-Levenshtein distance (jellyfish) on SQLite.
- **PostgreSQL.** `Article.search_vector` holds title and keywords (weight A), summary (B) and
  body (C) in the `english` configuration, GIN-indexed. All words must match (the last one as a
  prefix, for search as you type); when that finds nothing, any word may. Score = the number of
  query words in the title/keywords + ts_rank with weights {D 0.1, C 0.2, B 0.4, A 1.0}.
- **SQLite** (the zero-setup demo): the same words matched with LIKE on `search_text` (title
  and keywords, summary, body, lower case) and the same scoring done in Python.
"""

import re
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Round

from faq.models import Article, SearchTerm

MAX_WORDS = 8
MIN_CORRECT_LENGTH = 3
PG_CONFIG = "english"
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]  # D, C, B, A
SQLITE_CANDIDATES = 400


@dataclass
class SearchResult:
    query: str
    articles: list = field(default_factory=list)
    corrected: str = ""  # the query as searched, when a word was corrected
    loose: bool = False  # True when not every word matched

    @property
    def count(self):
        return len(self.articles)


def normalise(text: str) -> str:
    """Lower case, accents removed, only letters, digits and single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def words_of(text: str) -> list[str]:
    return normalise(text).split()


def vocabulary_words(*texts: str) -> set[str]:
    """The words of `texts` worth correcting to (letters only, 3 to 60 characters)."""
    return {
        w
        for text in texts
        for w in words_of(text)
        if MIN_CORRECT_LENGTH <= len(w) <= 60 and w.isalpha()
    }


def search_document(*, title, keywords, summary, body_text) -> str:
    """The lower-case text SQLite searches: title and keywords first, then summary, body."""
    return "\n".join(
        [
            normalise(f"{title} {keywords.replace(',', ' ')}"),
            normalise(summary),
            normalise(body_text),
        ]
    )


# --- correcting words ----------------------------------------------------------------------


def _known_words(words) -> set[str]:
    return set(SearchTerm.objects.filter(word__in=list(words)).values_list("word", flat=True))


def _has_prefix(word) -> bool:
    return SearchTerm.objects.filter(word__startswith=word).exists()


def _nearest_pg(word) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM faq_searchterm WHERE word %% %s "
            "ORDER BY similarity(word, %s) DESC, word LIMIT 1",
            [word, word],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _nearest_portable(word) -> str | None:
    candidates = SearchTerm.objects.filter(
        word__startswith=word[0] if len(word) > 4 else ""
    ).values_list("word", flat=True)
    limit = 1 if len(word) <= 5 else 2
    best, best_distance = None, limit + 1
    for candidate in candidates.iterator(chunk_size=2000):
        if abs(len(candidate) - len(word)) > limit:
            continue
        distance = jellyfish.damerau_levenshtein_distance(word, candidate)
        if distance < best_distance or (
            distance == best_distance and best is not None and candidate < best
        ):
            best, best_distance = candidate, distance
    return best


def _correct(words: list[str], *, prefix_last: bool) -> tuple[list[str], bool]:
    """The words to search for, each misspelt one replaced; and whether any was."""
    known = _known_words(words)
    out, changed = [], False
    for i, word in enumerate(words):
        is_last = i == len(words) - 1
        if word in known or len(word) < MIN_CORRECT_LENGTH or not word.isalpha():
            out.append(word)
            continue
        if is_last and prefix_last and _has_prefix(word):
            out.append(word)
            continue
        nearest = _nearest_pg(word) if _postgres() else _nearest_portable(word)
        if nearest and nearest != word:
            out.append(nearest)
            changed = True
        else:
            out.append(word)
    return out, changed


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# --- searching -----------------------------------------------------------------------------


def article_search(
    *,
    query: str,
    staff_guidance: bool = False,
    service_area_id: int | None = None,
    limit: int = 20,
    as_you_type: bool = True,
) -> SearchResult:
    """Published articles for `query`, best first (public ones unless `staff_guidance`)."""
    words = words_of(query)[:MAX_WORDS]
    result = SearchResult(query=query)
    if not words:
        return result
    terms, changed = _correct(words, prefix_last=as_you_type)
    if changed:
        result.corrected = " ".join(terms)
    base = Article.objects.for_audience(staff_guidance=staff_guidance)
    if service_area_id:
        base = base.filter(service_area_id=service_area_id)
    search = _search_pg if _postgres() else _search_portable
    articles = search(base, terms, match_all=True, prefix_last=as_you_type, limit=limit)
    if not articles and len(terms) > 1:
        articles = search(base, terms, match_all=False, prefix_last=as_you_type, limit=limit)
        result.loose = bool(articles)
    result.articles = articles
    return result


def _tsquery_term(word, *, prefix, weight=""):
    # Words are [a-z0-9]+ only (see normalise), so nothing here can break tsquery syntax.
    return f"{word}:{'*' if prefix else ''}{weight}" if (prefix or weight) else word


def _search_pg(base, terms, *, match_all, prefix_last, limit):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    last = len(terms) - 1
    parts = [_tsquery_term(t, prefix=prefix_last and i == last) for i, t in enumerate(terms)]
    raw = (" & " if match_all else " | ").join(parts)
    query = SearchQuery(raw, search_type="raw", config=PG_CONFIG)
    title_hits = [
        Case(
            When(
                search_vector=SearchQuery(
                    _tsquery_term(t, prefix=prefix_last and i == last, weight="A"),
                    search_type="raw",
                    config=PG_CONFIG,
                ),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        for i, t in enumerate(terms)
    ]
    title_score = title_hits[0]
    for hit in title_hits[1:]:
        title_score = title_score + hit
    qs = (
        base.filter(search_vector=query)
        .annotate(
            title_score=title_score,
            rank=SearchRank(F("search_vector"), query, weights=RANK_WEIGHTS),
        )
        .annotate(score=Cast(F("title_score"), FloatField()) + F("rank"))
        # Scores within 0.01 of each other are a tie: the most used article goes first.
        .annotate(band=Round(F("score"), 2))
        .order_by("-band", "-use_count", "-score", "title", "id")
        .select_related("service_area")
        .defer("body", "internal_notes", "body_html", "internal_html", "search_text")
    )
    return list(qs[:limit])


def _portable_term(word):
    # A poor man's stemmer for LIKE: "bins" finds "bin", "collections" finds "collection".
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _search_portable(base, terms, *, match_all, prefix_last, limit):
    like_terms = [_portable_term(t) for t in terms]
    condition = Q()
    for term in like_terms:
        q = Q(search_text__contains=term)
        condition = (condition & q) if match_all else (condition | q)
    rows = list(
        base.filter(condition)
        .select_related("service_area")
        .defer("body", "internal_notes", "body_html", "internal_html")
        .order_by("-use_count", "title", "id")[:SQLITE_CANDIDATES]
    )
    scored = []
    for article in rows:
        head, summary, body = (article.search_text.split("\n") + ["", "", ""])[:3]
        score = 0.0
        for term in like_terms:
            if _word_in(term, head):
                score += 1.0
            elif term in head:
                score += 0.8
            if term in summary:
                score += 0.4
            if term in body:
                score += 0.2 * min(body.count(term), 3) / 3
        article.score = score
        scored.append(article)
    scored.sort(key=lambda a: (-round(a.score, 2), -a.use_count, -a.score, a.title, a.pk))
    return scored[:limit]


def _word_in(term, text):
    return re.search(rf"\b{re.escape(term)}", text) is not None
