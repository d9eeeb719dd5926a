"""Plain words for a scored pair: the evidence for, the evidence against, and one summary."""

from citizens.matching.compare import Level

COMMON = 0.004  # a value shared by more than 0.4 % of the register is "common"


def _q(a, b):
    return f"{a} / {b}" if a != b else a


def evidence(levels: dict[str, Level], weights: dict[str, float], u_values: dict[str, float]):
    """(reasons for, reasons against), each a list of short sentences, strongest first."""
    first, last = levels["first_name"], levels["last_name"]
    dob, addr = levels["date_of_birth"], levels["address"]
    email, phone = levels["email"], levels["phone"]
    found: list[tuple[float, str]] = []

    def add(comparison, text):
        found.append((weights[comparison], text))

    if first.level == "exact":
        common = u_values["first_name"] > COMMON
        add("first_name", f"Same first name ({first.a})" + (" — a common one" if common else ""))
    elif first.level == "nickname":
        add("first_name", f"First names are forms of one name ({_q(first.a, first.b)})")
    elif first.level == "other_name":
        add("first_name", f"First name is another of their names ({_q(first.a, first.b)})")
    elif first.level == "typo":
        add("first_name", f"First names nearly the same ({_q(first.a, first.b)})")
    elif first.level == "initial":
        add("first_name", f"First initial matches ({_q(first.a, first.b)})")
    elif first.level == "swapped":
        add("first_name", f"First and last names swapped ({first.a} / {first.b})")
    elif first.level == "different":
        add("first_name", f"Different first names ({_q(first.a, first.b)})")

    if last.level == "exact" and first.level != "swapped":
        common = u_values["last_name"] > COMMON
        text = f"Same surname ({last.a})"
        if common:
            text += " — a common one, so it counts for less"
        add("last_name", text)
    elif last.level == "part":
        add("last_name", f"One surname is part of the other ({_q(last.a, last.b)})")
    elif last.level == "typo" and first.level != "swapped":
        add("last_name", f"Surnames nearly the same ({_q(last.a, last.b)})")
    elif last.level == "different":
        strong = dob.level == "exact" and (
            addr.level in ("same", "previous") or first.level in ("exact", "nickname")
        )
        if strong:
            add("last_name", f"Surname differs ({last.a} → {last.b}: possibly a change of name)")
        else:
            add("last_name", f"Different surnames ({_q(last.a, last.b)})")

    if dob.level == "exact":
        add("date_of_birth", f"Same date of birth ({dob.a})")
    elif dob.level == "day_month_swapped":
        add("date_of_birth", f"Date of birth with day and month swapped ({dob.a} / {dob.b})")
    elif dob.level == "one_off":
        add("date_of_birth", f"Date of birth one digit or one year out ({dob.a} / {dob.b})")
    elif dob.level == "different":
        years = dob.years_apart
        gap = f"born {years} years apart" if years else "different dates of birth"
        add("date_of_birth", f"{gap[0].upper()}{gap[1:]} ({dob.a} / {dob.b})")

    address_words = {
        "same": "Same address",
        "previous": "One lived at the other's address",
        "postcode": "Same postcode, different house",
        "area": "Same area, different address",
        "different": "Different addresses",
    }
    if addr.level in address_words:
        add("address", address_words[addr.level])
    if email.level == "exact":
        add("email", "Same email address")
    elif email.level == "different":
        add("email", "Different email addresses")
    if phone.level == "exact":
        add("phone", "Same phone number")
    elif phone.level == "different":
        add("phone", "Different phone numbers")

    pro = [t for w, t in sorted(found, key=lambda x: -x[0]) if w > 0.05]
    con = [t for w, t in sorted(found, key=lambda x: x[0]) if w < -0.05]
    return pro, con


def summary(levels: dict[str, Level], weights: dict[str, float]) -> str:
    """One sentence: what agrees, then the strongest thing against and what it suggests."""
    first, last = levels["first_name"], levels["last_name"]
    dob, addr = levels["date_of_birth"], levels["address"]
    name_same = first.level in ("exact", "nickname", "typo") and last.level in ("exact", "typo")
    agree = []
    if name_same:
        agree.append("name")
    elif first.level == "swapped":
        agree.append("name (first and last swapped)")
    if dob.level == "exact":
        agree.append("date of birth")
    if addr.level == "same":
        agree.append("address")
    if levels["email"].level == "exact":
        agree.append("email address")
    if levels["phone"].level == "exact":
        agree.append("phone number")
    head = ""
    if agree:
        listed = ", ".join(agree[:-1]) + " and " + agree[-1] if len(agree) > 1 else agree[0]
        head = "Same " + listed

    same_home = addr.level == "same"
    if same_home and last.level in ("exact", "part") and dob.level == "different":
        if dob.years_apart >= 14:
            return f"{head} but born {dob.years_apart} years apart: probably a relative"
        return f"{head} but different dates of birth: probably a relative"
    if same_home and dob.level == "exact" and first.level == "different":
        return f"{head} but different first names ({first.a} / {first.b}): possibly twins"
    if last.level == "different" and dob.level == "exact" and first.level in ("exact", "nickname"):
        tail = f"surname differs ({last.a} → {last.b}: possibly a change of name)"
        return f"{head}; {tail}" if head else tail[0].upper() + tail[1:]
    if first.level == "nickname":
        tail = f"{first.a} / {first.b} are forms of one name"
        return f"{head}; {tail}" if head else tail
    if dob.level == "day_month_swapped":
        tail = "day and month of the date of birth swapped"
        return f"{head}; {tail}" if head else tail[0].upper() + tail[1:]
    if dob.level == "different" and name_same:
        return f"{head} but born {dob.years_apart} years apart: probably a different person"
    if addr.level in ("different", "area") and head:
        return f"{head}; different address (may have moved)"
    if addr.level == "postcode" and head:
        return f"{head}; same postcode, different house"
    if addr.level == "previous" and head:
        return f"{head}; one lived at the other's address"
    return head or "Partial match on name"
