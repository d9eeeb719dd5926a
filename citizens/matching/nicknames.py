"""The maintained nickname table (`nicknames.txt`): Bob is Robert, Peggy is Margaret."""

from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("nicknames.txt")


@lru_cache(maxsize=1)
def groups() -> dict[str, frozenset[int]]:
    """{name: ids of the groups it belongs to}; read once per process."""
    found: dict[str, set[int]] = {}
    for number, line in enumerate(TABLE.read_text().splitlines()):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for name in line.split():
            found.setdefault(name, set()).add(number)
    return {name: frozenset(ids) for name, ids in found.items()}


def formal_names(name: str) -> list[str]:
    """The formal names of the groups `name` belongs to ('bob' -> ['robert'])."""
    table = groups()
    if name not in table:
        return []
    lines = [ln.split() for ln in TABLE.read_text().splitlines()]
    return [lines[i][0] for i in sorted(table[name])]


def same_name_group(a: str, b: str) -> bool:
    """True when a and b are forms of one name in the table (Bob / Robert, Peggy / Maggie)."""
    if not a or not b or a == b:
        return False
    table = groups()
    return bool(table.get(a, frozenset()) & table.get(b, frozenset()))


def group_keys(name: str) -> list[str]:
    """Blocking keys for a first name: one per nickname group, so Bob and Robert share one."""
    return [f"g{i}" for i in sorted(groups().get(name, ()))]
