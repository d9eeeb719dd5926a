"""Reads whose SQL Django builds once per process instead of on every call (#19).

Django turns a QuerySet into SQL afresh each time it runs: for a read with joins, annotations
and an ordering that is ~1 ms of CPU, more than PostgreSQL needs to run it (with prepared
statements it plans the statement once per connection). A read that every page makes — the
contact bar's — pays that on every page. `PrecompiledRead` builds the QuerySet once with
stand-in values for its parameters, keeps the SQL and the way its columns map onto model
instances, and afterwards only puts each call's values where the stand-ins were. Its rows become
model instances exactly as the QuerySet's own would (its `select_related` rows attached, its
annotations set, deferred fields deferred); the SQL text is the same as the QuerySet's.

Only for reads whose SQL does not depend on the values: everything that varies must be a
parameter of `build` (no `timezone.now()` or settings read inside it), each parameter a single
value compared as one (not a list for `__in`, whose SQL grows with it), and no
`prefetch_related`, `values()` or other iterable than model instances.
"""

from django.db import connections
from django.db.models.query import ModelIterable, get_related_populators


class PrecompiledRead:
    """`PrecompiledRead(lambda agent_id: Contact.objects.filter(agent_id=agent_id)[:1],
    agent_id=-790_000_001)`: `.objects(agent_id=5)` is the list the QuerySet would give for 5.

    Each stand-in must be a value no real call passes and that nothing else in the query uses.
    """

    def __init__(self, build, **stand_ins):
        self._build = build
        self._stand_ins = stand_ins
        self._plans = {}

    def objects(self, *, using="default", **values) -> list:
        plan = self._plans.get(using)
        if plan is None:
            queryset = self._build(**self._stand_ins)
            plan = self._plans[using] = _Plan(queryset, using, self._stand_ins)
        return plan.run(values)

    def first(self, *, using="default", **values):
        rows = self.objects(using=using, **values)
        return rows[0] if rows else None


class _Plan:
    """One database's SQL, parameters and column layout for a PrecompiledRead."""

    def __init__(self, queryset, using, stand_ins):
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ValueError("PrecompiledRead reads model instances only, without prefetching")
        self.using = using
        self.query = queryset.query
        compiler = self.query.get_compiler(using=using)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = []
        for name, stand_in in stand_ins.items():
            places = [
                i
                for i, param in enumerate(self.params)
                if type(param) is type(stand_in) and param == stand_in
            ]
            if not places:
                raise ValueError(f"the stand-in for {name} is not one of the query's parameters")
            self.slots.append((name, places))
        self.select = compiler.select
        self.klass_info = compiler.klass_info
        self.annotations = list(compiler.annotation_col_map.items())
        self.col_count = compiler.col_count
        self.has_extra_select = compiler.has_extra_select
        self.model = self.klass_info["model"]
        select_fields = self.klass_info["select_fields"]
        self.start, self.end = select_fields[0], select_fields[-1] + 1
        own_columns = self.select[self.start : self.end]
        self.init_list = [column[0].target.attname for column in own_columns]
        self.populators = get_related_populators(self.klass_info, self.select, using)

    def run(self, values) -> list:
        params = list(self.params)
        for name, places in self.slots:
            value = values[name]
            for place in places:
                params[place] = value
        # A compiler of this thread's connection converts the values (dates, decimals…) exactly
        # as the QuerySet's would; it is given the layout instead of building it.
        compiler = self.query.get_compiler(using=self.using)
        compiler.select, compiler.klass_info = self.select, self.klass_info
        compiler.annotation_col_map, compiler.col_count = dict(self.annotations), self.col_count
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.has_extra_select:
            rows = [row[: self.col_count] for row in rows]
        objects = []
        for row in compiler.results_iter([rows]):
            obj = self.model.from_db(self.using, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for attr, position in self.annotations:
                setattr(obj, attr, row[position])
            objects.append(obj)
        return objects
