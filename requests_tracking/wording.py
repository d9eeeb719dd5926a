"""How alike two descriptions are, in the words residents use for the same problem.

"Old mattress dumped by the gate" and "someone has left a matress at the gates" share mattress,
leave and gate once spelling, plurals, tenses and everyday synonyms are folded together. Small
and predictable on purpose: no model to train, the same answer every time.
"""

import re
from functools import lru_cache

_STOPWORD_TEXT = """
    a about above after again all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its just me more most my
    near next no nor not now of off on once only or other our out over own please same she
    should so some such than that the their them then there these they this those through to
    too under until up very was we were what when where which while who why will with would
    you your yours been being someone somebody again still there's it's isn't hasn't outside
    opposite behind front side road street lane avenue close way report reported reporting
    problem issue"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Words residents use interchangeably, folded to one. Keys and values are stems (see _stem).
# Words residents use interchangeably, each folded to the first word of its group.
SYNONYM_GROUPS = {
    "dump": "dump dumped dumping tip tipped tipping flytip flytipped fly-tipped fly-tipping "
    "left leave leaving abandon abandoned discarded chucked thrown",
    "rubbish": "rubbish waste litter junk debris trash refuse",
    "bag": "bag bags binbag binbags sack sacks",
    "sofa": "sofa couch settee",
    "mattress": "mattress matress mattresses",
    "fridge": "fridge freezer fridges",
    "tyre": "tyre tyres tire tires",
    "gate": "gate gates entrance gateway",
    "car": "car cars vehicle vehicles van",
    "pothole": "pothole potholes hole holes crater",
    "light": "light lights lamp lamps streetlight streetlamp lamppost",
    "graffiti": "graffiti tag tagged tagging spray sprayed painted",
    "bin": "bin bins wheelie",
    "collect": "collect collected collection missed",
    "pavement": "pavement footpath path pathway",
    "alley": "alley alleyway passage",
    "layby": "layby lay-by",
    "broken": "broken smashed damaged",
    "furniture": "furniture chair chairs table tables wardrobe",
    "rubble": "rubble bricks brick plasterboard builders",
}

_WORD_RE = re.compile(r"[a-z][a-z'-]*")


def _stem(word: str) -> str:
    """A light English stemmer: enough to fold plurals and tenses of everyday words."""
    word = word.strip("'-")
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


SYNONYMS = {_stem(word): name for name, words in SYNONYM_GROUPS.items() for word in words.split()}


@lru_cache(maxsize=4096)
def words_key(text: str) -> frozenset[str]:
    """The meaningful words of a description, stemmed and folded to shared synonyms."""
    words = set()
    for raw in _WORD_RE.findall((text or "").lower()):
        if raw in STOPWORDS or len(raw) < 3:
            continue
        stem = _stem(raw)
        words.add(SYNONYMS.get(stem, stem))
    return frozenset(words)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the shorter description's words found in the other (0 to 1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
