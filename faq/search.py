"""Knowledge-base search: one box, typo-tolerant, ranked.

Ranking, on both databases: each query word found in the title or keywords counts far above
the summary, which counts above the body; published articles only (public ones unless the
reader may see staff guidance); ties go to the most used article, then the title.

- **Misspellings.** Every word of published articles is kept in `SearchTerm` (the vocabulary).
  A query word that is not in it — and, for the last word typed, is not the start of one — is
  replaced by its nearest vocabulary word. One edit away (a letter wrong, missing or extra, two
  letters swapped) is found in memory through single-deletion keys of the vocabulary (each
  process holds it and reloads it when the table changes); further away, by pg_trgm similarity
  over a trigram GIN index on PostgreSQL, or Damerau-Levenshtein distance on SQLite.
- **PostgreSQL.** `Article.search_vector` holds title and keywords (weight A), summary (B) and
  body (C) in the `english` configuration, GIN-indexed; `title_vector` the title and keywords
  alone (small, so checking title hits does not re-read whole documents). All words must match
  (the last one as a prefix while it is not yet a whole word, for search as you type); when
  that finds nothing, any word may. Score = the number of query words in the title/keywords +
  ts_rank with weights {D 0.1, C 0.2, B 0.4, A 1.0}.
- **SQLite** (the zero-setup demo): the same words matched with LIKE on `search_text` (title
  and keywords, summary, body, lower case) and the same scoring done in Python.
"""

import bisect
import re
import time
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from django.db import connection
from django.db.models import Case, Count, F, FloatField, IntegerField, Max, Q, Value, When
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


class _Vocabulary:
    """The vocabulary in memory: a sorted list (prefixes) and single-deletion keys, so that a
    word one edit away (a letter wrong, missing, extra, or two letters swapped) is found with a
    few dictionary lookups. Reloaded when the table changes (checked at most every few
    seconds), and at once after this process wrote to it."""

    CHECK_EVERY = 5.0

    def __init__(self):
        self.signature = None
        self.checked_at = -1e9
        self.words: set[str] = set()
        self.sorted: list[str] = []
        self.deletes: dict[str, list[str]] = {}

    def forget(self):
        self.signature = None
        self.checked_at = -1e9

    def current(self) -> "_Vocabulary":
        now = time.monotonic()
        if now - self.checked_at < self.CHECK_EVERY and self.signature is not None:
            return self
        row = SearchTerm.objects.aggregate(n=Count("id"), top=Max("id"))
        signature = (row["n"], row["top"])
        if signature != self.signature:
            words = list(SearchTerm.objects.values_list("word", flat=True))
            deletes: dict[str, list[str]] = {}
            for word in words:
                for key in _deletions(word):
                    deletes.setdefault(key, []).append(word)
            self.words, self.sorted, self.deletes = set(words), sorted(words), deletes
            self.signature = signature
        self.checked_at = now
        return self

    def has_prefix(self, prefix) -> bool:
        i = bisect.bisect_left(self.sorted, prefix)
        return i < len(self.sorted) and self.sorted[i].startswith(prefix)

    def one_edit_away(self, word) -> str | None:
        candidates = set(self.deletes.get(word, ()))
        for key in _deletions(word):
            if key in self.words:
                candidates.add(key)
            candidates.update(self.deletes.get(key, ()))
        candidates.discard(word)
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda c: (
                jellyfish.damerau_levenshtein_distance(word, c),
                c[0] != word[0],
                abs(len(c) - len(word)),
                c,
            ),
        )


_vocabulary = _Vocabulary()


def vocabulary_forget() -> None:
    """Make the next search reload the vocabulary (after this process changed it)."""
    _vocabulary.forget()


def _deletions(word) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} if len(word) > 3 else set()


def _nearest_pg(word) -> str | None:
    """Two or more edits away: the most similar vocabulary word by trigrams (GIN index)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM faq_searchterm WHERE word %% %s "
            "ORDER BY similarity(word, %s) DESC, word LIMIT 1",
            [word, word],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _nearest_portable(word, vocabulary) -> str | None:
    """Two edits away at most, by Damerau-Levenshtein over words of a similar length."""
    limit = 1 if len(word) <= 5 else 2
    best, best_key = None, None
    for candidate in vocabulary.sorted:
        if abs(len(candidate) - len(word)) > limit:
            continue
        distance = jellyfish.damerau_levenshtein_distance(word, candidate)
        if distance <= limit:
            key = (distance, candidate[0] != word[0], candidate)
            if best_key is None or key < best_key:
                best, best_key = candidate, key
    return best


def _correct(words: list[str], *, prefix_last: bool) -> tuple[list[str], bool, bool]:
    """The words to search for, each misspelt one replaced; whether any was; and whether the
    last one is the start of a word still being typed (searched as a prefix)."""
    vocabulary = _vocabulary.current()
    out, changed, prefix = [], False, False
    for i, word in enumerate(words):
        is_last = i == len(words) - 1
        if word in vocabulary.words:
            out.append(word)
            continue
        if is_last and prefix_last and vocabulary.has_prefix(word):
            out.append(word)
            prefix = True
            continue
        if len(word) < MIN_CORRECT_LENGTH or not word.isalpha():
            out.append(word)
            continue
        nearest = vocabulary.one_edit_away(word)
        if nearest is None:
            nearest = _nearest_pg(word) if _postgres() else _nearest_portable(word, vocabulary)
        if nearest and nearest != word:
            out.append(nearest)
            changed = True
        else:
            out.append(word)
    return out, changed, prefix


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
    terms, changed, prefix_last = _correct(words, prefix_last=as_you_type)
    if changed:
        result.corrected = " ".join(terms)
    base = Article.objects.for_audience(staff_guidance=staff_guidance)
    if service_area_id:
        base = base.filter(service_area_id=service_area_id)
    search = _search_pg if _postgres() else _search_portable
    articles = search(base, terms, match_all=True, prefix_last=prefix_last, limit=limit)
    if not articles and len(terms) > 1:
        articles = search(base, terms, match_all=False, prefix_last=prefix_last, limit=limit)
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
                title_vector=SearchQuery(
                    _tsquery_term(t, prefix=prefix_last and i == last),
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
        .defer(
            "body",
            "internal_notes",
            "body_html",
            "internal_html",
            "search_text",
            "search_vector",
            "title_vector",
        )
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
        .defer(
            "body", "internal_notes", "body_html", "internal_html", "search_vector", "title_vector"
        )
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
