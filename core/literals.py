"""Constants written into a query's SQL text instead of passed as parameters (#19).

With prepared statements (config/settings.py) PostgreSQL may run a query on a generic plan, one
made without the parameters' values. A partial index (`… WHERE status = 'open'`) can only be
used when the query's text itself says `status = 'open'`: as a parameter (`status = $2`) the
planner cannot prove the index covers the rows, and for "this agent's open contact" it read the
agent's whole history instead of one index entry. `Literal` is for such fixed values (a status,
a flag), never for anything a user typed.
"""

import re

from django.db.models import Value

_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_-]*$")


class Literal(Value):
    """`filter(status=Literal("open"))`: `WHERE status = 'open'` in the SQL text."""

    def __init__(self, value, output_field=None):
        if isinstance(value, bool):
            pass
        elif not isinstance(value, str) or not _SAFE_TEXT.match(value):
            raise ValueError(f"Not a value to write into SQL: {value!r}")
        super().__init__(value, output_field=output_field)

    def as_sql(self, compiler, connection):
        if isinstance(self.value, bool):
            return ("TRUE" if self.value else "FALSE"), []
        return f"'{self.value}'", []
