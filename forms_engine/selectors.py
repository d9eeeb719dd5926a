"""Reads of forms_engine: which forms someone may fill, a citizen's forms, submissions lists and
the completion funnel (reused by the reporting pages)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import Count, Exists, F, Q, Window
from django.db.models.functions import RowNumber

from accounts.models import Role
from core.filters import day_start
from core.precompiled import PrecompiledRead
from core.refcache import held
from forms_engine.definition import Definition, definition_for
from forms_engine.models import Form, FormVersion, Portal, Submission


def form_public_get(*, slug) -> tuple[Form | None, bool]:
    """(form, reachable): the form with this slug, and whether residents may open it (published,
    active, in an active public portal). (None, False) when no such form exists."""
    form = Form.objects.select_related("current_version").filter(slug=slug).first()
    if form is None:
        return None, False
    reachable = (
        form.active
        and form.current_version_id is not None
        and form.portals.filter(kind=Portal.Kind.PUBLIC, active=True).exists()
    )
    return form, reachable


def is_partner_only(user) -> bool:
    """Partner staff reach only the forms of the partner portals they belong to."""
    names = set(user.role_names)
    return Role.PARTNER in names and names <= {Role.PARTNER} and not user.is_superuser


def portals_for_staff(user):
    portals = Portal.objects.filter(active=True)
    if user.is_superuser:
        return portals
    # is_partner_only() in SQL, inside the portals query (the record page asks on every view).
    roles = Group.objects.filter(user=user)
    partner_only = Exists(roles.filter(name=Role.PARTNER)) & ~Exists(
        roles.exclude(name=Role.PARTNER)
    )
    return portals.filter(~partner_only | Q(kind=Portal.Kind.PARTNER, members=user))


def forms_for_staff(user):
    """Published, active forms this member of staff may fill in."""
    if not user.has_perm("forms_engine.add_submission"):
        return Form.objects.none()
    return (
        Form.objects.filter(
            active=True,
            current_version__isnull=False,
            portals__in=portals_for_staff(user),
        )
        .distinct()
        .select_related("service_area")
        .order_by("name")
    )


def forms_fillable_held(user) -> list[dict]:
    """{"slug", "name"} of the forms this member of staff may fill in (forms_for_staff), kept
    per process (core.refcache) until a form, a portal, a portal's members or forms, or
    anyone's roles change (forms_engine.apps, accounts.apps) — the record page offers them on
    every view."""
    if not user.has_perm("forms_engine.add_submission"):
        return []
    return held(
        ("fillable forms", user.pk),
        lambda: list(forms_for_staff(user).values("slug", "name")),
    )


def form_can_fill(user, form) -> bool:
    return forms_for_staff(user).filter(pk=form.pk).exists()


def definitions_for_versions(version_ids) -> dict:
    """{version id: Definition}, reading snapshots only for versions not parsed yet (two
    queries at most, whatever the number of versions)."""
    from forms_engine.definition import cached_definition

    found, missing = {}, []
    for version in FormVersion.objects.filter(pk__in=set(version_ids)).only("pk", "published_at"):
        hit = cached_definition(version)
        if hit is not None:
            found[version.pk] = hit
        else:
            missing.append(version.pk)
    if missing:
        for version in FormVersion.objects.filter(pk__in=missing):
            found[version.pk] = definition_for(version)
    return found


@dataclass
class CitizenForms:
    drafts: list
    submitted: list
    fillable: list
    total_submitted: int


PANEL_ROWS = 10


def _latest_submissions(citizen_id):
    # Only the columns the panel shows (the request and form rows are wide).
    base = (
        Submission.objects.filter(citizen_id=citizen_id)
        .select_related("form", "last_saved_by", "request")
        .only(
            "pk",
            "status",
            "reference",
            "version",
            "current_page",
            "last_saved_at",
            "submitted_at",
            "form",
            "form__name",
            "last_saved_by",
            "request",
            "last_saved_by__username",
            "last_saved_by__first_name",
            "last_saved_by__last_name",
            "request__reference",
        )
    )
    # The latest of each status in one query (a sent form's last save is when it was sent).
    return (
        base.annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("status")],
                order_by=[F("last_saved_at").desc(nulls_last=True), F("id").desc()],
            )
        )
        .filter(row__lte=PANEL_ROWS + 1)
        .order_by("status", "row")
    )


# The record page asks on every visit: its SQL (a window over three joins) is built once per
# process (core.precompiled), which saves ~2 ms of CPU a page.
_latest = PrecompiledRead(_latest_submissions, citizen_id=-790_002_101)


def citizen_forms(*, citizen, user=None) -> CitizenForms:
    """A citizen's forms in progress (page reached, last saved and by whom) and completed."""
    latest = _latest.objects(citizen_id=citizen.pk)
    drafts, submitted = [], []
    for row in latest:
        if row.status == Submission.Status.DRAFT:
            drafts.append(row)
        elif row.status == Submission.Status.SUBMITTED:
            submitted.append(row)
    drafts = drafts[:PANEL_ROWS]
    definitions = definitions_for_versions([s.version_id for s in drafts])
    for draft in drafts:
        definition = definitions.get(draft.version_id)
        page = definition.page(draft.current_page) if definition else None
        draft.page_title = page.title if page else "Check answers"
        draft.page_number = (page.index + 1) if page else None
        draft.page_count = len(definition.pages) if definition else None
    total = (
        len(submitted)
        if len(submitted) <= PANEL_ROWS
        else Submission.objects.filter(citizen=citizen, status=Submission.Status.SUBMITTED).count()
    )
    fillable = forms_fillable_held(user) if user is not None else []
    return CitizenForms(drafts, submitted[:PANEL_ROWS], fillable, total)


def submissions_list(*, form=None, filters=None):
    queryset = Submission.objects.select_related(
        "form", "citizen", "request", "last_saved_by", "version"
    ).defer("answers", "version__snapshot")
    if form is not None:
        queryset = queryset.filter(form=form)
    filters = filters or {}
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("via"):
        queryset = queryset.filter(via=filters["via"])
    if filters.get("needs_link"):
        queryset = queryset.filter(needs_citizen_link=True)
    # Dates are on what the list shows and sorts by — when a draft was last saved, or when a
    # form was sent (sending saves it) — as a range on the column, so the index serves it.
    if filters.get("from"):
        queryset = queryset.filter(last_saved_at__gte=day_start(filters["from"]))
    if filters.get("to"):
        next_day = day_start(filters["to"] + datetime.timedelta(days=1))
        queryset = queryset.filter(last_saved_at__lt=next_day)
    return queryset.order_by("-last_saved_at", "-id")


@dataclass
class Funnel:
    started: int
    submitted: int
    in_progress: int
    completion_rate: float | None  # submitted / started, 0..1
    stops: list  # [(page title, drafts stopped there)], in page order


def form_funnel(*, form, since=None, until=None) -> Funnel:
    """Started, submitted, completion rate and where unfinished drafts stop, page by page.

    Drafts are counted at their current page (the page they would continue on); pages are
    named from the draft's own version, so a page renamed in a later version still counts."""
    queryset = Submission.objects.filter(form=form)
    if since:
        queryset = queryset.filter(started_at__gte=since)
    if until:
        queryset = queryset.filter(started_at__lt=until)
    totals = queryset.aggregate(
        started=Count("pk"), submitted=Count("pk", filter=Q(status=Submission.Status.SUBMITTED))
    )
    stops = (
        queryset.filter(status=Submission.Status.DRAFT)
        .values("version_id", "current_page")
        .annotate(n=Count("pk"))
    )
    stops = list(stops)
    definitions = definitions_for_versions([row["version_id"] for row in stops])
    current = definition_for(form.current_version) if form.current_version_id else None
    order, titles, counts = {}, {}, {}
    if current:
        for page in current.pages:
            order[page.key] = page.index
            titles[page.key] = page.title
    for row in stops:
        definition: Definition | None = definitions.get(row["version_id"])
        key = row["current_page"] or ""
        page = definition.page(key) if definition else None
        if key not in titles:
            titles[key] = page.title if page else "Check your answers"
            order[key] = page.index if page else 10_000
        counts[key] = counts.get(key, 0) + row["n"]
    started, submitted = totals["started"], totals["submitted"]
    return Funnel(
        started=started,
        submitted=submitted,
        in_progress=started - submitted,
        completion_rate=(submitted / started) if started else None,
        stops=[
            (titles[key], counts.get(key, 0))
            for key in sorted(titles, key=lambda k: order.get(k, 10_000))
            if counts.get(key) or key in (current.page_index if current else {})
        ],
    )


@dataclass
class FormCompletion:
    form_id: int
    name: str
    started: int
    submitted: int

    @property
    def completion_rate(self):
        return self.submitted / self.started if self.started else None


def forms_completion(*, since=None, until=None, service_area_id=None) -> list[FormCompletion]:
    """Forms started and submitted between two moments, one row per form (for reports)."""
    queryset = Submission.objects.all()
    if since:
        queryset = queryset.filter(started_at__gte=since)
    if until:
        queryset = queryset.filter(started_at__lt=until)
    if service_area_id:
        queryset = queryset.filter(form__service_area_id=service_area_id)
    rows = (
        queryset.values("form_id", "form__name")
        .annotate(
            started=Count("pk"),
            submitted=Count("pk", filter=Q(status=Submission.Status.SUBMITTED)),
        )
        .order_by("-started", "form__name")
    )
    return [
        FormCompletion(r["form_id"], r["form__name"], r["started"], r["submitted"]) for r in rows
    ]


def form_get(*, pk):
    return Form.objects.filter(pk=pk).first()
