"""Matching many people at once on PostgreSQL (imports): blocking as set operations, an exact
upper bound on the score to drop pairs that cannot reach the floor, full scoring of the rest.

One statement per batch finds every (person, candidate) pair the single check's blocking
union would find — the batch's people are sent as arrays and joined against the register on
each indexed key (date of birth; a slipped date with a surname; a surname without a date; a
name without a date; postcode or UPRN; email; phone) — and returns each pair with the
candidate's few columns the bound needs (names, date of birth, whether an address shares a
postcode or UPRN with the person, emails and phones only when the person has some). A person
whose blocks hold more rows than the single check's cap is reported as such and looked up on
their own, so the cap cuts their candidates exactly as it would for one check.

The bound (`Bound.upper`) is, per comparison, the largest weight the pair can get: names and
date of birth at their exact level (the levels of compare.py's functions, worked out inline —
no record or Level is built per pair — and the typo tests, the costly part, made only while
the floor is still in reach with "typo" assumed), with the household and ordinary weights
both allowed when an address may be shared; the
address at its best level when a postcode or UPRN is shared, else "same area"; email and phone
exact or different. A pair whose bound is below the floor cannot score at the floor, so it is
dropped without loading the record; the survivors are loaded (four queries) and scored by the
one matcher — the same candidates, scores and explanations as `match_candidates`.
"""

import math
from datetime import date
from functools import lru_cache
from operator import ne

from django.db import connection, transaction

from citizens.matching.compare import Level, _close, _digits, _sound
from citizens.matching.nicknames import groups as _groups
from citizens.matching.parameters import Parameters
from citizens.matching.records import PersonRecord, _first_token, _tokens, email_key
from citizens.normalise import token_keys
from core.threads import InThread

MARGIN = 1e-6  # sums in another order differ in the last bits
SQL_MARGIN = 1e-3  # the database's pre-filter keeps pairs a little below the cut
SPLIT_AT = 1000  # people in a batch from which its pairs query runs on two connections
_NONE: frozenset = frozenset()


def _close_fast(a: str, b: str) -> bool:
    """compare._close, with its commonest answer found without it: names whose first letters
    differ and whose lengths rule out a one-letter typo can only be close by sounding alike.
    (Most pairs are strangers, and most of their name pairs are new to `_close`'s cache.)"""
    if a and b and a[0] != b[0]:
        la, lb = len(a), len(b)
        if la < 4 or lb < 4 or abs(la - lb) > 1:
            return la >= 3 and lb >= 3 and _sound(a) == _sound(b)
    return _close(a, b)


@lru_cache(maxsize=65536)
def _sound_key(token: str) -> str | None:
    """The metaphone key `search_keys_for` stores for a plain-letters token, or None when the
    token has other characters or no key (the pair is then kept: sounds cannot be compared)."""
    if len(token) < 3 or not token.isalpha() or not token.isascii():
        return None
    keys = [k for k in token_keys(token) if k.startswith("qm")]
    return keys[0] if keys else None


@lru_cache(maxsize=65536)
def _peers(first: str) -> frozenset:
    """Every name that shares a nickname group with `first` (Bob: Robert, Rob, Bobby…)."""
    mine = _groups().get(first, _NONE) if first else _NONE
    if not mine:
        return _NONE
    return frozenset(n for n, ids in _groups().items() if ids & mine and n != first)


def _array_literal(values) -> str:
    """A PostgreSQL array literal of text values, each quoted (one person's list in a column
    of lists: psycopg sends lists of lists only when they are all the same length)."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


def _close_sql(a: str, b: str, a_sound: str) -> str:
    """SQL that is true for every pair of name tokens `compare._close` calls close, and for
    some it does not: the same first letter (its Jaro-Winkler test needs one, most typos keep
    it, and so do initials); a typo in the first letter (substituted, dropped or added: what
    is left is equal); the same letters in another order (the sorted-letters test, loosened to
    the same set of letters; two first letters swapped are among them); sounding alike, read
    from the candidate's stored metaphone keys (`Citizen.search_keys`, which hold every name
    token's key) — and whenever that cannot be decided (the person's token has no key, the
    candidate's token is not plain letters or its keys are not stored) the pair is kept."""
    return f"""(
        left({a}, 1) = left({b}, 1)
        OR {b} ~ '[^a-z]'
        OR (length({a}) >= 4 AND length({b}) >= 4 AND abs(length({a}) - length({b})) <= 1 AND (
            substr({a}, 2) = substr({b}, 2) OR substr({a}, 2) = {b} OR {a} = substr({b}, 2)
            OR (length({a}) = length({b}) AND translate({a}, {b}, '') = ''
                AND translate({b}, {a}, '') = '')))
        OR (length({a}) >= 3 AND length({b}) >= 3 AND ({a_sound} IS NULL OR c.search_keys = ''
            OR strpos(' ' || c.search_keys || ' ', ' ' || {a_sound} || ' ') > 0)))"""


# The names, date of birth and contact details of a blocked pair, scored in PostgreSQL at an
# upper bound no lower than `Bound.upper`'s (a "related" name gets the best weight any related
# level could give; a date two of whose parts agree gets the best of "one off" and "swapped";
# an email or phone the candidate might share gets "exact"). Only pairs that can still reach the
# floor leave the database: most blocked pairs (people born the same day, neighbours) have
# unrelated names, and transferring and bounding them in Python was most of an import's time.
_PAIR_SCORE_SQL = f"""
    %(prior)s
    + CASE WHEN pw.near THEN %(addr_near)s ELSE %(addr_far)s END
    + CASE WHEN pw.dob IS NULL OR c.date_of_birth IS NULL THEN 0
        WHEN c.date_of_birth = pw.dob THEN CASE WHEN pw.near THEN pw.deq_n ELSE pw.deq_f END
        WHEN (date_part('year', c.date_of_birth) = date_part('year', pw.dob))::int
            + (date_part('month', c.date_of_birth) = date_part('month', pw.dob))::int
            + (date_part('day', c.date_of_birth) = date_part('day', pw.dob))::int >= 2
          OR (date_part('year', c.date_of_birth) = date_part('year', pw.dob)
            AND date_part('day', c.date_of_birth) = date_part('month', pw.dob)
            AND date_part('month', c.date_of_birth) = date_part('day', pw.dob))
          THEN CASE WHEN pw.near THEN %(dob_rel_n)s ELSE %(dob_rel_f)s END
        ELSE CASE WHEN pw.near THEN %(dob_diff_n)s ELSE %(dob_diff_f)s END END
    + GREATEST(
        GREATEST(
            CASE WHEN pw.first = '' THEN 0
                WHEN d.fb IS NULL OR d.fb = '' OR d.fb = ANY(pw.nicks)
                    OR {_close_sql("pw.first", "d.fb", "pw.fsound")}
                THEN CASE WHEN pw.near THEN pw.frel_n ELSE pw.frel_f END
                ELSE CASE WHEN pw.near THEN %(first_diff_n)s ELSE %(first_diff_f)s END END,
            CASE WHEN pw.other OR c.middle_names <> '' OR c.preferred_name <> ''
                THEN CASE WHEN pw.near THEN %(other_n)s ELSE %(other_f)s END
                ELSE -1e9 END)
        + CASE WHEN pw.last = '' OR c.search_last_name = '' THEN 0
            WHEN c.search_last_name = pw.last OR pw.multi
                OR {_close_sql("pw.flast", "c.search_last_name", "pw.lsound")}
            THEN CASE WHEN pw.near THEN pw.lrel_n ELSE pw.lrel_f END
            ELSE CASE WHEN pw.near THEN %(last_diff_n)s ELSE %(last_diff_f)s END END,
        CASE WHEN pw.first <> '' AND pw.last <> '' AND c.search_last_name <> '' AND (
            d.fb IS NULL OR (d.fb <> '' AND d.fb <> pw.first
                AND (pw.multi OR d.fb = pw.last OR {_close_sql("pw.flast", "d.fb", "pw.lsound")})
                AND (c.search_last_name = pw.first
                    OR {_close_sql("pw.first", "c.search_last_name", "pw.fsound")})))
            THEN %(swapped)s + CASE WHEN pw.near THEN pw.lrel_n ELSE pw.lrel_f END
            ELSE -1e9 END)
"""

_PAIRS_SQL = """
WITH pd AS (SELECT * FROM unnest(%(d_idx)s::int[], %(d_dob)s::date[]) AS t(idx, dob)),
ps AS (SELECT idx, name, dobs::date[] AS dobs
       FROM unnest(%(s_idx)s::int[], %(s_name)s::text[], %(s_dob)s::text[]) AS t(idx, name, dobs)),
pn AS (SELECT * FROM unnest(%(n_idx)s::int[], %(n_name)s::text[]) AS t(idx, name)),
pf AS (SELECT * FROM unnest(%(f_idx)s::int[], %(f_last)s::text[], %(f_first)s::text[])
       AS t(idx, last, first)),
pp AS (SELECT * FROM unnest(%(p_idx)s::int[], %(p_pc)s::text[]) AS t(idx, pc)),
pu AS (SELECT * FROM unnest(%(u_idx)s::int[], %(u_uprn)s::text[]) AS t(idx, uprn)),
pe AS (SELECT * FROM unnest(%(e_idx)s::int[], %(e_mail)s::text[]) AS t(idx, mail)),
pt AS (SELECT * FROM unnest(%(t_idx)s::int[], %(t_phone)s::text[]) AS t(idx, phone)),
people AS (SELECT idx, first, last, flast, fsound, lsound, nicks::text[] AS nicks, multi, other,
        dob, frel_f, frel_n, lrel_f, lrel_n, deq_f, deq_n, mails::text[] AS mails,
        phones::text[] AS phones
    FROM unnest(
        %(w_idx)s::int[], %(w_first)s::text[], %(w_last)s::text[], %(w_flast)s::text[],
        %(w_fsound)s::text[], %(w_lsound)s::text[], %(w_nicks)s::text[], %(w_multi)s::bool[],
        %(w_other)s::bool[], %(w_dob)s::date[], %(w_frel_f)s::float8[], %(w_frel_n)s::float8[],
        %(w_lrel_f)s::float8[], %(w_lrel_n)s::float8[], %(w_deq_f)s::float8[],
        %(w_deq_n)s::float8[], %(w_mails)s::text[], %(w_phones)s::text[])
    AS t(idx, first, last, flast, fsound, lsound, nicks, multi, other, dob, frel_f, frel_n,
         lrel_f, lrel_n, deq_f, deq_n, mails, phones)),
b_cit AS (
    SELECT pd.idx, c.id AS cid FROM pd CROSS JOIN LATERAL (
        SELECT id FROM citizens_citizen c WHERE c.date_of_birth = pd.dob OFFSET 0) c
    UNION
    SELECT ps.idx, c.id FROM ps CROSS JOIN LATERAL (
        SELECT id FROM citizens_citizen c
        WHERE c.search_last_name = ps.name AND c.date_of_birth = ANY(ps.dobs) OFFSET 0) c
    UNION
    SELECT pn.idx, c.id FROM pn JOIN citizens_citizen c
        ON c.search_last_name = pn.name AND c.date_of_birth IS NULL
),
b_name AS (
    SELECT pf.idx, c.id AS cid FROM pf JOIN citizens_citizen c
        ON (c.search_last_name COLLATE "C") = pf.last
        AND (c.search_name COLLATE "C") >= pf.first || ' '
        AND (c.search_name COLLATE "C") < pf.first || '!'
    WHERE c.status = 'active'
),
b_addr AS (
    SELECT DISTINCT idx, aid, cid FROM (
        SELECT pp.idx, a.id AS aid, a.citizen_id AS cid FROM pp CROSS JOIN LATERAL (
            SELECT id, citizen_id FROM citizens_address a
            WHERE a.postcode_compact = pp.pc OFFSET 0) a
        UNION ALL
        SELECT pu.idx, a.id, a.citizen_id FROM pu CROSS JOIN LATERAL (
            SELECT id, citizen_id FROM citizens_address a WHERE a.uprn = pu.uprn OFFSET 0) a
    ) x
),
hits AS (
    SELECT idx, cid, false AS near FROM b_cit
    UNION ALL SELECT idx, cid, false FROM b_name
    UNION ALL SELECT idx, cid, true FROM b_addr
    UNION ALL SELECT pe.idx, e.citizen_id, false FROM pe
        JOIN citizens_emailaddress e ON lower(e.email) = pe.mail
    UNION ALL SELECT pt.idx, p.citizen_id, false FROM pt
        JOIN citizens_phonenumber p ON p.number = pt.phone
),
counts AS (SELECT idx, count(*) AS n FROM hits GROUP BY idx),
agg AS (
    SELECT h.idx, h.cid, bool_or(h.near) AS near FROM hits h JOIN counts USING (idx)
    WHERE counts.n <= %(limit)s GROUP BY h.idx, h.cid
)
SELECT pw.idx, c.id, c.first_name, c.last_name,
    (c.middle_names <> '' OR c.preferred_name <> ''), c.date_of_birth, pw.near,
    CASE WHEN pw.idx = ANY(%(with_mail)s::int[]) THEN
        ARRAY(SELECT e.email FROM citizens_emailaddress e WHERE e.citizen_id = c.id) END,
    CASE WHEN pw.idx = ANY(%(with_phone)s::int[]) THEN
        ARRAY(SELECT p.number FROM citizens_phonenumber p WHERE p.citizen_id = c.id) END
FROM (
    -- Each pair with its person's values, joined here (a hash of the batch's people), and in
    -- the order the candidates are stored. Planned on its own (OFFSET 0): left to the whole
    -- query, a growing register's estimates once made PostgreSQL scan the people for every
    -- pair (a 100,000-row import went from 2 minutes to far past 5).
    SELECT agg.cid, agg.near, people.* FROM agg JOIN people ON people.idx = agg.idx
    ORDER BY agg.cid OFFSET 0) pw
CROSS JOIN LATERAL (
    SELECT * FROM citizens_citizen c WHERE c.id = pw.cid AND c.status = 'active' OFFSET 0) c
CROSS JOIN LATERAL (
    SELECT CASE WHEN c.first_name ~ '^[-A-Za-z0-9 ,.`''’]*$' AND c.first_name ~ '[A-Za-z0-9]'
        THEN split_part(c.search_name, ' ', 1) END AS fb OFFSET 0) d
CROSS JOIN LATERAL (SELECT PAIR_SCORE AS score OFFSET 0) s
WHERE s.score >= %(cut)s
    OR (pw.mails IS NOT NULL
        AND s.score + %(email)s + CASE WHEN pw.phones IS NULL THEN 0 ELSE %(phone)s END >= %(cut)s
        AND EXISTS (SELECT 1 FROM citizens_emailaddress e WHERE e.citizen_id = c.id
            AND replace(split_part(regexp_replace(lower(regexp_replace(e.email, '^\\s+|\\s+$', '',
                'g')), '@[^@]*$', ''), '+', 1), '.', '') = ANY(pw.mails)))
    OR (pw.phones IS NOT NULL
        AND s.score + %(phone)s + CASE WHEN pw.mails IS NULL THEN 0 ELSE %(email)s END >= %(cut)s
        AND EXISTS (SELECT 1 FROM citizens_phonenumber p WHERE p.citizen_id = c.id
            AND p.number = ANY(pw.phones)))
UNION ALL
SELECT idx, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM counts WHERE n > %(limit)s
""".replace("PAIR_SCORE", _PAIR_SCORE_SQL)


def _arrays(people: list[PersonRecord], terms: list[dict]) -> dict:
    """The batch's blocking keys as parallel arrays, one pair of arrays per key."""
    out = {k: [] for k in (
        "d_idx", "d_dob", "s_idx", "s_dob", "s_name", "n_idx", "n_name", "f_idx", "f_last",
        "f_first", "p_idx", "p_pc", "u_idx", "u_uprn", "e_idx", "e_mail", "t_idx", "t_phone",
    )}  # fmt: skip
    with_mail, with_phone = [], []
    for i, (p, t) in enumerate(zip(people, terms, strict=True)):
        if p.dob:
            out["d_idx"].append(i)
            out["d_dob"].append(p.dob)
        if t["variants"]:
            dobs = "{" + ",".join(sorted(d.isoformat() for d in t["variants"])) + "}"
            for name in sorted(t["variant_names"]):
                out["s_idx"].append(i)
                out["s_name"].append(name)
                out["s_dob"].append(dobs)
        for name in t["surnames"]:
            out["n_idx"].append(i)
            out["n_name"].append(name)
        if t["by_name"]:
            out["f_idx"].append(i)
            out["f_last"].append(p.last)
            out["f_first"].append(p.first)
        for pc in t["postcodes"]:
            out["p_idx"].append(i)
            out["p_pc"].append(pc)
        for uprn in t["uprns"]:
            out["u_idx"].append(i)
            out["u_uprn"].append(uprn)
        for mail in t["emails"]:
            out["e_idx"].append(i)
            out["e_mail"].append(mail)
        for phone in t["phones"]:
            out["t_idx"].append(i)
            out["t_phone"].append(phone)
        if p.emails:
            with_mail.append(i)
        if p.phones:
            with_phone.append(i)
    return out | {"with_mail": with_mail, "with_phone": with_phone}


class Bound:
    """The largest score a pair can reach, from a few of the candidate's columns."""

    def __init__(self, params: Parameters):
        self.params = params
        w = params.weight
        self.prior = params.prior_weight

        def best(comparison, levels, households=(False, True)):
            return max(w(Level(comparison, lv), household=h) for lv in levels for h in households)

        self.address_near = max(
            0.0, best("address", ("same", "previous", "postcode", "area", "different"), (False,))
        )
        self.address_far = max(0.0, w(Level("address", "area"), household=False))
        self.other_name = {
            near: best("first_name", ("other_name",), (False, True) if near else (False,))
            for near in (False, True)
        }
        self.swapped = {
            near: best("first_name", ("swapped",), (False, True) if near else (False,))
            for near in (False, True)
        }
        self.email = {
            (lv, near): best("email", (lv,), (False, True) if near else (False,))
            for lv in ("exact", "different")
            for near in (False, True)
        }
        self.phone = {
            (lv, near): best("phone", (lv,), (False, True) if near else (False,))
            for lv in ("exact", "different")
            for near in (False, True)
        }

        def table(near):
            lw = self._weight
            return {
                "first_initial": lw(Level("first_name", "initial"), near),
                "first_nickname": lw(Level("first_name", "nickname"), near),
                "first_typo": lw(Level("first_name", "typo"), near),
                "first_different": lw(Level("first_name", "different"), near),
                "last_part": lw(Level("last_name", "part"), near),
                "last_typo": lw(Level("last_name", "typo"), near),
                "last_different": lw(Level("last_name", "different"), near),
                "dob_swapped": lw(Level("date_of_birth", "day_month_swapped"), near),
                "dob_one_off": lw(Level("date_of_birth", "one_off"), near),
                "dob_different": lw(Level("date_of_birth", "different"), near),
            }

        self.lv = {near: table(near) for near in (False, True)}
        for near in (False, True):  # typo or different, not yet told apart
            t = self.lv[near]
            t["first_open"] = max(t["first_typo"], t["first_different"])
            t["last_open"] = max(t["last_typo"], t["last_different"])
        self.people: dict = {}  # id(record) -> (record, what the bound needs of it)
        self.first_raw: dict = {}  # a candidate's first name as stored -> normalised token
        self.last_raw: dict = {}  # a candidate's surname as stored -> normalised
        self.last_parts: dict = {}  # normalised surname -> (its tokens, without spaces)
        self.tf_weights: dict = {}

    def sql_args(self, people: list[PersonRecord], cut: float) -> dict:
        """What `_PAIRS_SQL` needs to score pairs in PostgreSQL: per person, their names and
        the sounds of them, the names in their nickname groups, and the best weights their
        exact values could get; and the weights that are the same for everyone."""
        out = {k: [] for k in (
            "w_idx", "w_first", "w_last", "w_flast", "w_fsound", "w_lsound", "w_nicks",
            "w_multi", "w_other", "w_dob", "w_frel_f", "w_frel_n", "w_lrel_f", "w_lrel_n",
            "w_deq_f", "w_deq_n", "w_mails", "w_phones",
        )}  # fmt: skip
        for i, a in enumerate(people):
            pa = self._person(a)
            fa, la, flat = pa[0], pa[1], pa[3]
            out["w_idx"].append(i)
            out["w_first"].append(fa)
            out["w_last"].append(la)
            out["w_flast"].append(flat)
            out["w_fsound"].append(_sound_key(fa))
            out["w_lsound"].append(None if " " in la else _sound_key(flat))
            out["w_nicks"].append(_array_literal(sorted(_peers(fa))))
            out["w_multi"].append(" " in la)
            out["w_other"].append(bool(a.other_names))
            out["w_dob"].append(a.dob)
            for near, tag in ((False, "f"), (True, "n")):
                lv = self.lv[near]
                out[f"w_frel_{tag}"].append(
                    max(
                        0.0,
                        lv["first_initial"],
                        lv["first_nickname"],
                        lv["first_typo"],
                        self.first_exact(fa, near) if fa else 0.0,
                    )  # fmt: skip
                )
                out[f"w_lrel_{tag}"].append(max(0.0, pa[7][near]) if la else 0.0)
                out[f"w_deq_{tag}"].append(self.dob_exact(a.dob, near) if a.dob else 0.0)
            mails = sorted({k.rpartition("@")[0].replace(".", "") for k in a.emails} - {""})
            out["w_mails"].append(_array_literal(mails) if mails else None)
            phones = sorted(a.phones)
            out["w_phones"].append(_array_literal(phones) if phones else None)
        lv_f, lv_n = self.lv[False], self.lv[True]
        return out | {
            "prior": self.prior,
            "addr_near": self.address_near,
            "addr_far": self.address_far,
            "dob_rel_f": max(lv_f["dob_swapped"], lv_f["dob_one_off"]),
            "dob_rel_n": max(lv_n["dob_swapped"], lv_n["dob_one_off"]),
            "dob_diff_f": lv_f["dob_different"],
            "dob_diff_n": lv_n["dob_different"],
            "first_diff_f": lv_f["first_different"],
            "first_diff_n": lv_n["first_different"],
            "last_diff_f": lv_f["last_different"],
            "last_diff_n": lv_n["last_different"],
            "other_f": self.other_name[False],
            "other_n": self.other_name[True],
            "swapped": max(self.swapped.values()),
            "email": max(self.email["exact", near] for near in (False, True)),
            "phone": max(self.phone["exact", near] for near in (False, True)),
            # PostgreSQL adds in another order than Python: a little below the Python cut.
            "cut": cut - SQL_MARGIN,
        }

    def forget(self):
        """Empty the per-batch tables now."""
        for table in (self.people, self.first_raw, self.last_raw, self.last_parts,
                      self.tf_weights):  # fmt: skip
            table.clear()

    def _weight(self, level: Level, near: bool) -> float:
        w = self.params.weight(level, household=False)
        return max(w, self.params.weight(level, household=True)) if near else w

    def _tf(self, comparison: str, value: str, near: bool) -> float:
        key = (comparison, value, near)
        w = self.tf_weights.get(key)
        if w is None:
            w = self.tf_weights[key] = self._weight(
                Level(comparison, "exact", tf_value=value), near
            )
        return w

    def first_exact(self, first: str, near: bool) -> float:
        return self._tf("first_name", first, near)

    def last_exact(self, last: str, near: bool) -> float:
        return self._tf("last_name", last, near)

    def dob_exact(self, dob: date, near: bool) -> float:
        key = ("dob", dob, near)
        w = self.tf_weights.get(key)
        if w is None:
            w = self.tf_weights[key] = self._tf("date_of_birth", dob.isoformat(), near)
        return w

    def last_max(self, last: str, near: bool) -> float:
        """The most a surname comparison with `last` can weigh (exact, part of one, a typo)."""
        t = self.lv[near]
        return max(self.last_exact(last, near), t["last_part"], t["last_typo"])

    def _person(self, a: PersonRecord) -> tuple:
        """What the bound needs of the person checked, worked out once per batch."""
        found = self.people.get(id(a))
        if found is not None and found[0] is a:
            return found[1]
        la = a.last
        side = (
            a.first,
            la,
            frozenset(la.split()),
            la.replace(" ", ""),
            a.dob,
            _digits(a.dob) if a.dob else (),
            _groups().get(a.first, _NONE) if a.first else _NONE,
            {near: self.last_max(la, near) for near in (False, True)} if la else {},
        )
        self.people[id(a)] = (a, side)
        return side

    def upper(self, a: PersonRecord, row, cut: float = math.inf) -> float:
        """The bound for `a` and a candidate row of `_PAIRS_SQL`."""
        _idx, _cid, first_raw, last_raw, has_other, dob, near, emails, phones = row
        keys = {email_key(e) for e in emails} - {""} if emails and a.emails else ()
        first = self.first_raw.get(first_raw)
        if first is None:
            first = self.first_raw[first_raw] = _first_token(first_raw)
        last = self.last_raw.get(last_raw)
        if last is None:
            last = self.last_raw[last_raw] = " ".join(_tokens(last_raw))
        return self._upper(a, first, last, has_other, dob, near, keys, phones, cut)

    def upper_records(self, a: PersonRecord, b: PersonRecord, cut: float = math.inf) -> float:
        """The bound for two loaded records (the register review)."""
        near = bool(
            {x.postcode for x in a.addresses if x.postcode}
            & {y.postcode for y in b.addresses if y.postcode}
        ) or bool(
            {x.uprn for x in a.addresses if x.uprn} & {y.uprn for y in b.addresses if y.uprn}
        )
        return self._upper(
            a, b.first, b.last, bool(b.other_names), b.dob, near, b.emails, b.phones, cut
        )

    def _upper(self, a, b_first, b_last, has_other, dob, near, email_keys, phones, cut) -> float:
        # The same levels as compare.py's functions (first_name without other names, last_name,
        # date_of_birth, names_swapped), worked out inline: no records or Levels built per pair,
        # the person's side once (`_person`), and the typo tests (`_close`) only when the
        # floor is still in reach with them assumed at their best.
        pa = self._person(a)
        lv = self.lv[near]
        total = self.prior + (self.address_near if near else self.address_far)
        a_dob = pa[4]
        if a_dob and dob:
            if a_dob == dob:
                total += self.dob_exact(dob, near)
            elif a_dob.year == dob.year and a_dob.day == dob.month and a_dob.month == dob.day:
                total += lv["dob_swapped"]
            elif (
                a_dob.day == dob.day
                and a_dob.month == dob.month
                and abs(a_dob.year - dob.year) == 1
            ) or sum(map(ne, pa[5], _digits(dob))) == 1:
                total += lv["dob_one_off"]
            else:
                total += lv["dob_different"]
        if email_keys and a.emails:
            total += self.email["exact" if a.emails & set(email_keys) else "different", near]
        if phones and a.phones:
            total += self.phone["exact" if a.phones & set(phones) else "different", near]
        fa, la = pa[0], pa[1]
        # First name (compare.first_name on the first names alone); `first_open`: typo or not.
        first_open = False
        if not fa or not b_first:
            first = 0.0
        elif fa == b_first:
            first = lv["first_initial"] if len(fa) == 1 else self.first_exact(fa, near)
        elif len(fa) == 1 or len(b_first) == 1:
            first = lv["first_initial" if fa[0] == b_first[0] else "first_different"]
        elif pa[6] and pa[6] & _groups().get(b_first, _NONE):
            first = lv["first_nickname"]
        else:
            first_open = True
            first = lv["first_open"]
        other = a.other_names or has_other
        if other:
            first = max(first, self.other_name[near])
        swap = fa and la and b_first and b_last and fa != b_first
        last_max = pa[7][near] if la and b_last else 0.0
        if total + max(first, self.swapped[near] if swap else first) + last_max < cut:
            return total + max(first, self.swapped[near] if swap else first) + last_max
        if first_open:
            first = lv["first_typo" if _close_fast(fa, b_first) else "first_different"]
            if other:
                first = max(first, self.other_name[near])
            optimistic = max(first, self.swapped[near] if swap else first) + last_max
            if total + optimistic < cut:
                return total + optimistic
        # Surnames: equal or sharing a part settled by look-ups, "typo or different" left open
        # (its best weight) and tested only if the floor is still in reach; the same for the
        # names read the other way round (`names_swapped`), tested only if that could reach.
        last, last_open, b_flat = self._last(pa, b_last, lv, near)
        plain = first + last
        swapped = -math.inf
        if swap:
            cross, cross_open, _ = self._last(pa, b_first, lv, near)
            swapped = self.swapped[near] + cross
        if total + max(plain, swapped) < cut:
            return total + max(plain, swapped)
        if last_open and total + plain >= cut:
            plain = first + lv["last_typo" if _close_fast(pa[3], b_flat) else "last_different"]
        if swap and total + swapped >= cut:
            if (la == b_first or _close_fast(la, b_first)) and (
                fa == b_last or _close_fast(fa, b_last)
            ):
                if cross_open:
                    typo = _close_fast(pa[3], b_first)
                    swapped = self.swapped[near] + lv["last_typo" if typo else "last_different"]
            else:
                swapped = -math.inf
        return total + max(plain, swapped)

    def _last(self, pa, b_last: str, lv: dict, near: bool) -> tuple[float, bool, str]:
        """compare.last_name's weight for the person's surname against `b_last`, with "typo or
        different" left open: (weight or its best, still open, `b_last` without spaces)."""
        la = pa[1]
        if not la or not b_last:
            return 0.0, False, ""
        if la == b_last:
            return self.last_exact(la, near), False, ""
        parts = self.last_parts.get(b_last)
        if parts is None:
            parts = self.last_parts[b_last] = (frozenset(b_last.split()), b_last.replace(" ", ""))
        if pa[2] & parts[0]:
            return lv["last_part"], False, ""
        return lv["last_open"], True, parts[1]


def _pair_rows(args: dict):
    """The pairs query's rows for one set of arguments, streamed through a server-side cursor
    (memory stays flat however many pairs a caller asks for)."""
    with transaction.atomic(), connection.cursor() as plain:
        # Plans that are planned, not compiled (JIT costs seconds here), hashes in memory.
        plain.execute("SET LOCAL jit = off")
        plain.execute("SET LOCAL work_mem = '128MB'")
        plain.execute("SET LOCAL cursor_tuple_fraction = 1.0")  # all rows are read
        cursor = connection.connection.cursor(name="bulk_match_pairs")
        cursor.itersize = 20_000
        cursor.execute(_PAIRS_SQL, args)
        while rows := cursor.fetchmany(20_000):
            yield from rows
        cursor.close()


def _rows_elsewhere(args: dict) -> list:
    """The pairs query's rows on this thread's own connection, all at once (they are the pairs
    that can reach the floor: few) — the second half of a split batch."""
    return list(_pair_rows(args))


def candidates_bounded(
    people: list[PersonRecord],
    terms: list[dict],
    *,
    limit: int,
    floor: float,
    params: Parameters,
    prefilter: bool = True,
):
    """(survivors, capped): for each person, the ids of blocked active records whose bound
    reaches `floor`, and the set of people whose blocks exceed `limit` rows (to be looked up
    on their own).

    On PostgreSQL outside a transaction (an import run by its task or command) a batch of at
    least `SPLIT_AT` people is split in two and the second half's query runs on a second
    connection at the same time: each person's pairs depend only on them and the register."""
    survivors: list[set] = [set() for _ in people]
    capped: set[int] = set()
    if not people:
        return survivors, capped
    bound = Bound(params)
    cut = floor - MARGIN
    # `prefilter=False` streams every blocked pair to the Python bound (the tests compare).
    sql_cut = cut if prefilter else -math.inf
    half = len(people) // 2
    split = (
        len(people) >= SPLIT_AT
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )
    parts = [(0, len(people))] if not split else [(0, half), (half, len(people))]
    args = [
        _arrays(people[a:b], terms[a:b]) | bound.sql_args(people[a:b], sql_cut) | {"limit": limit}
        for a, b in parts
    ]
    elsewhere = InThread(_rows_elsewhere, args[1]) if split else None

    def bounded(rows, offset):
        for row in rows:
            i, cid = row[0] + offset, row[1]
            if cid is None:
                capped.add(i)
                continue
            person = people[i]
            if cid == person.id:
                continue
            if bound.upper(person, row, cut) >= cut:
                survivors[i].add(cid)

    try:
        bounded(_pair_rows(args[0]), 0)
    finally:
        rest = elsewhere.result() if elsewhere else []
    bounded(rest, half)
    bound.forget()
    return survivors, capped
