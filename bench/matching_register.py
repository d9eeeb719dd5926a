"""A deterministic, labelled register for measuring the matcher (no database needed).

`generate(n, seed)` returns (people, truth):

- people: n dicts with CitizenForm-style values plus "key" (position) — about 90 % ordinary
  residents in households, 5 % planted near-duplicates of some of them and 5 % look-alike
  strangers, shuffled together.
- truth: {"duplicates": [(original_key, duplicate_key, kind)], "strangers": [(lookalike_key,
  stranger_key, kind)]}.

The register looks like a borough's: about 15 addresses per postcode (one or two streets),
households of one to five (couples, families with children born 20–40 years after a parent,
flat shares), surnames with the national shares of the commonest ones and a long tail of rare
ones, first names by sex with a tail of rarer ones, two-thirds with an email address and
three-quarters with a mobile, some households sharing a landline, most addresses with a UPRN.
"""

import random
import string
from datetime import date, timedelta

from citizens.matching import uk_names
from citizens.matching.nicknames import TABLE

DUPLICATE_KINDS = (
    "typo",
    "swapped_names",
    "nickname",
    "surname_change",
    "double_barrelled",
    "moved_house",
    "dob_day_month_swapped",
    "dob_one_digit",
    "dob_missing",
    "other_formats",
)
STRANGER_KINDS = ("household_member", "namesake_elsewhere", "twin", "parent_child")

_STREETS_TEXT = (
    "High Street, Station Road, Church Lane, Victoria Road, Park Avenue, Mill Lane, "
    "Queens Road, Kings Road, New Street, Manor Close, Green Lane, School Lane, Albert Road, "
    "Grange Drive, Elm Grove, Oak Crescent, Willow Way, Chapel Street, Market Place, "
    "Springfield Road, Highfield Avenue, West Street, North Road, Meadow Close, Orchard Way, "
    "Beech Drive, Cedar Court, Windsor Terrace, York Road, Brook Street, Hillside, "
    "Ash Grove, Maple Gardens, The Crescent, Broadway, Priory Road, Abbey Lane, Castle Street"
)
_STREETS = _STREETS_TEXT.split(", ")
_AREAS = (
    ("LS", "Leeds"), ("M", "Manchester"), ("B", "Birmingham"), ("BS", "Bristol"),
    ("NE", "Newcastle upon Tyne"), ("CF", "Cardiff"), ("S", "Sheffield"), ("L", "Liverpool"),
    ("NG", "Nottingham"), ("LE", "Leicester"), ("PL", "Plymouth"), ("EX", "Exeter"),
    ("YO", "York"), ("HU", "Hull"), ("DE", "Derby"), ("CV", "Coventry"),
)  # fmt: skip
_PROVIDERS = ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com")
_SYLLABLES_TEXT = (
    "ash ford worth ton ley by ham well wick more son er shaw ridge field brook wood dale "
    "bury stone hurst croft thorpe cliffe combe den holt lock mere pen tre van wyn garth "
    "ark bel cal dun fen gil har kel lin mor nor pel quil ros sel tal ul ver wal yar zel "
    "tre vith ick pol dar ren gan"
)
_SYLLABLES = _SYLLABLES_TEXT.split()


def _nickname_groups():
    groups = []
    for line in TABLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            groups.append(line.split())
    return groups


class Names:
    def __init__(self, rng):
        self.rng = rng
        tail = set()
        while len(tail) < 40_000:
            parts = rng.randint(2, 3)
            name = "".join(rng.choice(_SYLLABLES) for _ in range(parts))
            if 4 <= len(name) <= 12 and name not in uk_names.SURNAMES:
                tail.add(name)
        self.tail = sorted(tail)
        rng.shuffle(self.tail)
        # Zipf-like weights for the tail, scaled to the share the common list leaves.
        weights = [1 / (i + 20) for i in range(len(self.tail))]
        share = 1 - sum(uk_names.SURNAMES.values())
        scale = share / sum(weights)
        self.surnames = list(uk_names.SURNAMES) + self.tail
        self.surname_weights = list(uk_names.SURNAMES.values()) + [w * scale for w in weights]
        self.cum_surnames = _cumulative(self.surname_weights)
        endings = ("a", "o", "ie", "y", "en", "el", "ia", "an", "is", "on")
        rare_first = {
            start + mid + end
            for start in _SYLLABLES[:40]
            for mid in ("", "r", "l", "n")
            for end in endings
        }
        self.rare_first = sorted(rare_first - set(uk_names.FIRST_NAMES))[:3000]
        self.male = uk_names.MALE_FIRST_NAMES
        self.female = uk_names.FEMALE_FIRST_NAMES
        self.cum_male = _cumulative([uk_names.FIRST_NAMES[n] for n in self.male])
        self.cum_female = _cumulative([uk_names.FIRST_NAMES[n] for n in self.female])

    def surname(self):
        return _pick(self.rng, self.surnames, self.cum_surnames)

    def first(self, sex):
        if self.rng.random() < 0.2:
            return self.rng.choice(self.rare_first)
        if sex == "m":
            return _pick(self.rng, self.male, self.cum_male)
        return _pick(self.rng, self.female, self.cum_female)


def _cumulative(weights):
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng, items, cum):
    import bisect

    x = rng.random() * cum[-1]
    return items[min(bisect.bisect_left(cum, x), len(items) - 1)]


def _title(name):
    return "-".join(part.capitalize() for part in name.split("-"))


def _random_dob(rng, start=1935, end=2006):
    first = date(start, 1, 1).toordinal()
    last = date(end, 12, 31).toordinal()
    return date.fromordinal(rng.randint(first, last))


class Register:
    def __init__(self, n, seed):
        self.rng = random.Random(seed)
        self.names = Names(self.rng)
        self.n = n
        self.people = []
        self.emails = set()
        self.phones = set()
        self.uprn = 100_000_000_000
        self.postcodes = []

    def _postcode(self, i):
        area, town = _AREAS[i % len(_AREAS)]
        district = (i // len(_AREAS)) % 40 + 1
        sector = (i // (len(_AREAS) * 40)) % 10
        unit = i // (len(_AREAS) * 400)
        letters = string.ascii_uppercase.replace("C", "").replace("I", "").replace("K", "")
        letters = letters.replace("M", "").replace("O", "").replace("V", "")
        pair = letters[unit // len(letters) % len(letters)] + letters[unit % len(letters)]
        inward = f"{sector}{pair}"
        return f"{area}{district} {inward}", town

    def _email(self, first, last):
        base = f"{first}.{last}".replace(" ", "").replace("-", "")
        while True:
            suffix = "" if self.rng.random() < 0.3 else str(self.rng.randint(1, 999))
            email = f"{base}{suffix}@{self.rng.choice(_PROVIDERS)}"
            if email not in self.emails:
                self.emails.add(email)
                return email

    def _mobile(self):
        while True:
            number = f"+447{self.rng.randrange(10**9):09d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def _person(self, *, first, last, sex, dob, address, middle="", landline=""):
        rng = self.rng
        email = self._email(first, last) if rng.random() < 0.66 else ""
        if landline and rng.random() < 0.7:
            phone = landline
        else:
            phone = self._mobile() if rng.random() < 0.75 else ""
        return {
            "key": len(self.people),
            "first_name": _title(first),
            "middle_names": _title(middle),
            "last_name": _title(last),
            "preferred_name": "",
            "date_of_birth": dob,
            "email": email,
            "phone": phone,
            "address_line_1": address["line_1"],
            "town": address["town"],
            "postcode": address["postcode"],
            "uprn": address["uprn"],
            "sex": sex,
        }

    def _add(self, person):
        person["key"] = len(self.people)
        self.people.append(person)
        return person

    def households(self, count):
        rng = self.rng
        postcode_index = 0
        while len(self.people) < count:
            postcode, town = self._postcode(postcode_index)
            postcode_index += 1
            streets = rng.sample(_STREETS, 2 if rng.random() < 0.3 else 1)
            start = rng.randint(1, 120)
            addresses = []
            for k in range(15):
                street = streets[k % len(streets)]
                number = start + 2 * (k // len(streets))
                flat = f"Flat {rng.randint(1, 9)}, " if rng.random() < 0.1 else ""
                self.uprn += 1
                addresses.append(
                    {
                        "line_1": f"{flat}{number} {street}",
                        "town": town,
                        "postcode": postcode,
                        "uprn": str(self.uprn) if rng.random() < 0.8 else "",
                    }
                )
            self.postcodes.append(addresses)
            for address in addresses:
                if len(self.people) >= count:
                    break
                self._household(address)

    def _household(self, address):
        rng = self.rng
        names = self.names
        r = rng.random()
        landline = ""
        if rng.random() < 0.25:
            landline = f"+44161{rng.randrange(10**7):07d}"
            self.phones.add(landline)

        def adult(last=None, sex=None, dob=None):
            sex = sex or rng.choice("mf")
            middle = names.first(sex) if rng.random() < 0.3 else ""
            return self._add(
                self._person(
                    first=names.first(sex),
                    last=last or names.surname(),
                    sex=sex,
                    dob=dob or _random_dob(rng),
                    address=address,
                    middle=middle,
                    landline=landline,
                )
            )

        if r < 0.3:
            adult()
        elif r < 0.9:
            a = adult(sex="m")
            same = rng.random() < 0.7
            partner_dob = a["date_of_birth"] + timedelta(days=rng.randint(-3000, 3000))
            partner_dob = min(partner_dob, date(2006, 12, 31))
            adult(last=a["last_name"].lower() if same else None, sex="f", dob=partner_dob)
            if r >= 0.55:
                for _ in range(rng.randint(1, 3)):
                    born = a["date_of_birth"] + timedelta(days=rng.randint(20 * 365, 40 * 365))
                    if born > date(2008, 12, 31):
                        continue
                    adult(last=a["last_name"].lower(), dob=born)
        else:
            for _ in range(rng.randint(2, 4)):
                adult(dob=_random_dob(rng, 1975, 2004))


def _typo(word, rng):
    if len(word) < 4:
        return word + word[-1]
    i = rng.randint(1, len(word) - 2)
    kind = rng.randrange(4)
    if kind == 0:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1 :]
    if kind == 2:  # double a letter
        return word[:i] + word[i] + word[i:]
    neighbours = "qwertyuiopasdfghjklzxcvbnm"
    j = neighbours.index(word[i].lower()) if word[i].lower() in neighbours else 0
    return word[:i] + neighbours[(j + 1) % len(neighbours)] + word[i + 1 :]


def _dob_one_digit(dob, rng):
    text = dob.strftime("%d%m%Y")
    for _ in range(50):
        i = rng.choice([0, 1, 3, 6, 7])  # day digits, month units, year's last two digits
        digit = rng.choice([d for d in "0123456789" if d != text[i]])
        s = text[:i] + digit + text[i + 1 :]
        try:
            new = date(int(s[4:]), int(s[2:4]), int(s[:2]))
        except ValueError:
            continue
        if new != dob and new.year <= 2008:
            return new
    return dob + timedelta(days=1)


def generate(n=100_000, seed=15, planted_share=0.05):
    """The labelled register: n people, planted_share of them duplicates, as many strangers."""
    reg = Register(n, seed)
    rng = reg.rng
    n_dups = int(n * planted_share)
    n_strangers = n_dups
    reg.households(n - n_dups - n_strangers)
    base = list(reg.people)
    groups = _nickname_groups()
    has_nickname = {}
    for g in groups:
        for name in g:
            has_nickname.setdefault(name, set()).update(x for x in g if x != name)
    truth = {"duplicates": [], "strangers": []}
    used = set()

    def pick(cond=lambda p: True):
        for _ in range(10_000):
            p = rng.choice(base)
            if p["key"] not in used and p["date_of_birth"] and cond(p):
                used.add(p["key"])
                return p
        raise RuntimeError("no original fits")

    per_kind = n_dups // len(DUPLICATE_KINDS)
    for kind in DUPLICATE_KINDS:
        for _ in range(per_kind):
            _plant(reg, rng, kind, pick, has_nickname, truth)
    per_kind = n_strangers // len(STRANGER_KINDS)
    for kind in STRANGER_KINDS:
        for _ in range(per_kind):
            _stranger(reg, rng, kind, pick, truth)
    # Shuffle so ids say nothing about which records belong together.
    order = list(range(len(reg.people)))
    rng.shuffle(order)
    position = {old: new for new, old in enumerate(order)}
    people = [None] * len(order)
    for old, new in position.items():
        p = reg.people[old]
        p["key"] = new
        people[new] = p
    truth["duplicates"] = [(position[a], position[b], k) for a, b, k in truth["duplicates"]]
    truth["strangers"] = [(position[a], position[b], k) for a, b, k in truth["strangers"]]
    return people, truth


def _plant(reg, rng, kind, pick, has_nickname, truth):
    if kind == "nickname":
        orig = pick(lambda p: p["first_name"].lower() in has_nickname)
    elif kind == "dob_day_month_swapped":
        orig = pick(
            lambda p: (
                p["date_of_birth"].day <= 12 and p["date_of_birth"].day != p["date_of_birth"].month
            )
        )
    elif kind == "swapped_names":
        orig = pick(lambda p: len(p["first_name"]) > 2)
    else:
        orig = pick()
    dup = dict(orig)
    dup["email"] = ""
    # What else drifts on a second record: the phone (kept, lost or new), the line's spelling.
    r = rng.random()
    if r < 0.4:
        pass
    elif r < 0.8:
        dup["phone"] = ""
    else:
        dup["phone"] = reg._mobile()
    if rng.random() < 0.3:
        dup["address_line_1"] = (
            dup["address_line_1"].replace("Street", "St").replace("Road", "Rd").lower()
        )
    first, last = orig["first_name"], orig["last_name"]
    if kind == "typo":
        if rng.random() < 0.5:
            dup["first_name"] = _title(_typo(first.lower(), rng))
        else:
            dup["last_name"] = _title(_typo(last.lower(), rng))
    elif kind == "swapped_names":
        dup["first_name"], dup["last_name"] = last, first
    elif kind == "nickname":
        dup["first_name"] = _title(rng.choice(sorted(has_nickname[first.lower()])))
    elif kind == "surname_change":
        dup["last_name"] = _title(reg.names.surname())
    elif kind == "double_barrelled":
        other = _title(reg.names.surname())
        dup["last_name"] = f"{last}-{other}" if rng.random() < 0.5 else f"{other}-{last}"
    elif kind == "moved_house":
        postcode = rng.choice(reg.postcodes)
        address = rng.choice(postcode)
        dup.update(
            address_line_1=address["line_1"],
            town=address["town"],
            postcode=address["postcode"],
            uprn=address["uprn"],
        )
    elif kind == "dob_day_month_swapped":
        d = orig["date_of_birth"]
        dup["date_of_birth"] = date(d.year, d.day, d.month)
    elif kind == "dob_one_digit":
        dup["date_of_birth"] = _dob_one_digit(orig["date_of_birth"], rng)
    elif kind == "dob_missing":
        dup["date_of_birth"] = None
    elif kind == "other_formats":
        # A phone call: no address taken, the number and email given in other shapes.
        dup.update(address_line_1="", town="", postcode="", uprn="")
        dup["phone"] = orig["phone"] or reg._mobile()
        if orig["email"].endswith("@gmail.com"):
            local = orig["email"].split("@")[0]
            dup["email"] = local.replace(".", "") + "@googlemail.com"
        dup["typed_phone"] = _other_phone_format(dup["phone"])
        dup["typed_email"] = (orig["email"] or "").upper()
    reg._add(dup)
    truth["duplicates"].append((orig["key"], dup["key"], kind))


def _other_phone_format(e164):
    if not e164.startswith("+44"):
        return e164
    national = "0" + e164[3:]
    return f"+44 {e164[3:7]} {e164[7:]}" if len(national) == 11 else national


def _stranger(reg, rng, kind, pick, truth):
    names = reg.names
    if kind == "household_member":
        look = pick()
        gap = rng.choice([-1, 1]) * rng.randint(400, 9000)
        dob = look["date_of_birth"] + timedelta(days=gap)
        first = names.first(look["sex"])
        while first.lower() == look["first_name"].lower():
            first = names.first(look["sex"])
        person = reg._person(
            first=first,
            last=look["last_name"].lower(),
            sex=look["sex"],
            dob=min(dob, date(2008, 12, 31)),
            address=_address_of(look),
        )
    elif kind == "namesake_elsewhere":
        look = pick()
        postcode = rng.choice(reg.postcodes)
        person = reg._person(
            first=look["first_name"].lower(),
            last=look["last_name"].lower(),
            sex=look["sex"],
            dob=_random_dob(rng),
            address=rng.choice(postcode),
        )
    elif kind == "twin":
        look = pick()
        first = names.first(look["sex"])
        while first.lower() == look["first_name"].lower():
            first = names.first(look["sex"])
        person = reg._person(
            first=first,
            last=look["last_name"].lower(),
            sex=look["sex"],
            dob=look["date_of_birth"],
            address=_address_of(look),
        )
    else:  # parent_child: the same name at the same address, a generation apart
        look = pick(lambda p: p["date_of_birth"].year <= 1985)
        years = rng.randint(22, 34)
        dob = look["date_of_birth"] + timedelta(days=years * 365 + rng.randint(-200, 200))
        person = reg._person(
            first=look["first_name"].lower(),
            last=look["last_name"].lower(),
            sex=look["sex"],
            dob=min(dob, date(2008, 12, 31)),
            address=_address_of(look),
        )
    person = reg._add(person)
    truth["strangers"].append((look["key"], person["key"], kind))


def _address_of(p):
    return {
        "line_1": p["address_line_1"],
        "town": p["town"],
        "postcode": p["postcode"],
        "uprn": p["uprn"],
    }
