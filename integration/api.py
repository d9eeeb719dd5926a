"""Integration API: the change feed (and, below, service-account sync)."""

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import ApiToken
from citizens.normalise import reference_compact
from core.api.fields import StrictBooleanField, StrictCharField
from core.api.schema import ErrorSerializer
from integration import changes
from integration.access import service_account_scope
from integration.matching import person_matches
from integration.models import Change, ClientSystem, EventType, ServiceAccountSync
from integration.signals import service_account_synced
from organisation.models import ServiceArea
from verification.answers import questions_for
from verification.models import ServiceAccount
from verification.services import service_account_sync
from verification.snapshot_schema import SnapshotInvalid, snapshot_validate


class ChangeObjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["citizen", "request"], source="object_type")
    id = serializers.IntegerField(source="object_id")
    reference = serializers.CharField()


class ChangeSerializer(serializers.ModelSerializer):
    cursor = serializers.SerializerMethodField(
        help_text="Pass as `since` to read what came after this change."
    )
    event = serializers.ChoiceField(choices=EventType.choices)
    object = ChangeObjectSerializer(source="*")
    actor = serializers.SerializerMethodField(help_text="Who made the change (username).")
    data = serializers.DictField(
        help_text="Small event details: the citizen's `version` and changed `fields`; the "
        "request's `status`, `stage` and `citizen_id`; `merged_into` for merges."
    )

    class Meta:
        model = Change
        fields = ["cursor", "event", "occurred_at", "object", "actor", "data"]

    def get_cursor(self, change) -> str:
        return changes.cursor_encode(change)

    def get_actor(self, change) -> str | None:
        return change.actor.username if change.actor_id else None


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True,
        help_text="Where to continue: the last change's cursor, or the `since` you sent when "
        "there is nothing new yet (keep polling with it).",
    )
    has_more = serializers.BooleanField(help_text="True when more changes are waiting now.")


@extend_schema(
    operation_id="changes_list",
    summary="Changes to citizens and requests since a cursor",
    description="Created, updated and merged citizens and requests, oldest first. Start "
    "without `since`, then pass the `next_cursor` of each page. A change appears once it and "
    "every transaction before it have committed, so following the cursor never skips one.",
    parameters=[
        OpenApiParameter("since", str, description="A cursor from an earlier page."),
        OpenApiParameter(
            "limit",
            int,
            description=f"Changes per page, 1 to {changes.MAX_PAGE_SIZE} "
            f"(default {changes.PAGE_SIZE}).",
        ),
    ],
    responses=ChangePageSerializer,
    tags=["integration"],
)
@api_view(["GET"])
def change_feed(request):
    if not request.user.has_perms(["citizens.view_citizen", "requests_tracking.view_request"]):
        raise PermissionDenied("You do not have permission to read the change feed.")
    since = request.query_params.get("since") or None
    limit = request.query_params.get("limit", str(changes.PAGE_SIZE))
    if not limit.isdigit() or not 1 <= int(limit) <= changes.MAX_PAGE_SIZE:
        raise serializers.ValidationError(
            {"limit": [f"Send a whole number from 1 to {changes.MAX_PAGE_SIZE}."]}
        )
    try:
        rows, has_more = changes.changes_since(cursor=since, limit=int(limit))
    except changes.BadCursor as exc:
        raise serializers.ValidationError({"since": [str(exc)]}) from None
    data = ChangeSerializer(rows, many=True).data
    return Response(
        {
            "results": data,
            "next_cursor": data[-1]["cursor"] if data else since,
            "has_more": has_more,
        }
    )


# --- service-account sync -----------------------------------------------------------------------

# Service area of each service-account type, by name, unless the body names one (slug).
KIND_SERVICE_AREAS = {
    "council_tax": "Council Tax",
    "benefits": "Benefits",
    "licence": "Licensing",
    "housing_rent": "Housing",
}


class PersonSerializer(serializers.Serializer):
    """Who the account belongs to, when it names no citizen reference: used to find them (the
    matcher) or to create their record."""

    first_name = StrictCharField(required=False, allow_blank=True, max_length=100)
    last_name = StrictCharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    email = StrictCharField(required=False, allow_blank=True, max_length=254)
    phone = StrictCharField(required=False, allow_blank=True, max_length=30)
    address_line_1 = StrictCharField(required=False, allow_blank=True, max_length=200)
    town = StrictCharField(required=False, allow_blank=True, max_length=100)
    postcode = StrictCharField(required=False, allow_blank=True, max_length=10)


class ServiceAccountPutSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ServiceAccount.Kind.choices)
    citizen_reference = StrictCharField(
        required=False, max_length=12, help_text="The citizen's reference (C…), if known."
    )
    person = PersonSerializer(required=False)
    service_area = StrictCharField(
        required=False, help_text="Service area slug; by default the type's own area."
    )
    description = StrictCharField(required=False, allow_blank=True, max_length=200)
    snapshot = serializers.DictField(
        required=False,
        help_text="The back-office figures dynamic content shows (balance, next payment, "
        "status…), checked against the snapshot schema of the account's type.",
    )
    security_answers = serializers.DictField(
        child=StrictCharField(max_length=200),
        required=False,
        write_only=True,
        help_text="Answers to the type's security questions, by question key. Stored only as "
        "keyed hashes; never returned.",
    )
    active = StrictBooleanField(required=False)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you last read; if the account changed since, 409 and nothing "
        "is saved. Leave it out to write whatever the current version.",
    )


class CitizenLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class ServiceAccountSyncSerializer(serializers.Serializer):
    system = serializers.CharField(source="client_system.slug")
    reference = serializers.CharField(source="service_account.reference")
    kind = serializers.ChoiceField(
        choices=ServiceAccount.Kind.choices, source="service_account.kind"
    )
    citizen = CitizenLinkSerializer(source="service_account.citizen")
    link = serializers.ChoiceField(
        choices=ServiceAccountSync.Link.choices,
        help_text="How the account found its citizen: reference, matcher, new, or review (a "
        "new record was made and sits in the duplicates review next to a similar one).",
    )
    candidates = serializers.SerializerMethodField(help_text="Similar citizens' ids (review).")
    version = serializers.IntegerField()
    description = serializers.CharField(source="service_account.description")
    snapshot = serializers.DictField(source="service_account.snapshot")
    active = serializers.BooleanField(source="service_account.active")
    last_synced_at = serializers.DateTimeField(
        source="service_account.last_synced_at", allow_null=True
    )
    questions_answered = serializers.SerializerMethodField(
        help_text="Keys of the security questions with a stored answer (never the answers)."
    )

    def get_questions_answered(self, sync) -> list[str]:
        return sorted(sync.service_account.answers.values_list("question", flat=True))

    def get_candidates(self, sync) -> list[int]:
        return [c["citizen_id"] for c in sync.candidates]


def _etag(sync) -> str:
    return f'W/"{sync.version}"'


def _answer(sync, code):
    response = Response(ServiceAccountSyncSerializer(sync).data, status=code)
    response["ETag"] = _etag(sync)
    return response


class StaleAccount(Exception):
    def __init__(self, sync):
        self.sync = sync


@extend_schema(
    operation_id="service_accounts_upsert",
    summary="Create or update a service account by the back-office system's own reference",
    description="Upsert by the system's reference. The account is linked to the citizen named "
    "by `citizen_reference`; otherwise `person` is matched against the register: nobody "
    "similar → a new citizen record; someone similar but not certainly the same → a new "
    "record that goes to the duplicates review (`link: review`, `candidates`). Only the "
    "client system in the path may write its accounts, and only of the types it is allowed. "
    "Concurrency: `version` in the body (409 when stale) or `If-Match` with the ETag (412).",
    request=ServiceAccountPutSerializer,
    parameters=[
        OpenApiParameter(
            "If-Match",
            str,
            location=OpenApiParameter.HEADER,
            required=False,
            description="The ETag you read; 412 if the account changed since.",
        )
    ],
    responses={
        200: ServiceAccountSyncSerializer,
        201: ServiceAccountSyncSerializer,
        409: inline_serializer(
            "StaleServiceAccount",
            {"detail": serializers.CharField(), "current": ServiceAccountSyncSerializer()},
        ),
        412: ErrorSerializer,
    },
    tags=["integration"],
)
@api_view(["PUT"])
def service_account_put(request, system, reference):
    client = get_object_or_404(ClientSystem, slug=system)
    if getattr(request.user, "client_system", None) != client:
        raise PermissionDenied(f"Only {client.name}'s own tokens may write its accounts.")
    if len(reference) > 40 or not reference_compact(reference):
        raise serializers.ValidationError(
            {"reference": ["Send a reference of 1 to 40 letters and digits."]}
        )
    body = ServiceAccountPutSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    values = body.validated_data
    kind = values["kind"]
    token = request.auth if isinstance(request.auth, ApiToken) else None
    if kind not in client.service_account_kinds or (
        token is not None and not token.has_scope(service_account_scope(kind))
    ):
        raise PermissionDenied(f"{client.name} may not write {kind} accounts.")
    errors = {}
    snapshot = None
    if "snapshot" in values:
        try:
            snapshot = snapshot_validate(kind, values["snapshot"])
        except SnapshotInvalid as exc:
            errors |= {f"snapshot.{k}": [v] for k, v in exc.errors.items()}
    questions = {q.key for q in questions_for(kind)}
    unknown = sorted(set(values.get("security_answers", {})) - questions)
    if unknown:
        errors["security_answers"] = [
            f"{kind} has no question {k}; its questions are {', '.join(sorted(questions))}."
            for k in unknown
        ]
    area = _service_area(kind, values.get("service_area"), errors)
    if errors:
        raise serializers.ValidationError(errors)
    try:
        sync, created = _sync(request, client, kind, reference, values, snapshot, area)
    except StaleAccount as stale:
        if request.headers.get("If-Match"):
            return Response(
                {"detail": "The account changed since you read it (ETag does not match)."},
                status=412,
            )
        return Response(
            {
                "detail": "The account changed since you read it. Nothing was saved; read it "
                "again and re-apply your change.",
                "current": ServiceAccountSyncSerializer(stale.sync).data,
            },
            status=409,
        )
    return _answer(sync, 201 if created else 200)


def _service_area(kind, slug, errors):
    if slug:
        area = ServiceArea.objects.filter(slug=slug).first()
        if area is None:
            errors["service_area"] = [f"There is no service area {slug}."]
        return area
    area = ServiceArea.objects.filter(name__iexact=KIND_SERVICE_AREAS[kind]).first()
    if area is None:
        errors["service_area"] = [
            f"Send service_area: no service area is named {KIND_SERVICE_AREAS[kind]}."
        ]
    return area


@transaction.atomic
def _sync(request, client, kind, reference, values, snapshot, area):
    # The sync row alone is locked (not the account, citizen and client system it joined),
    # and what it points at is read after the lock, never from the locking query's join.
    existing = (
        ServiceAccountSync.objects.select_for_update(of=("self",))
        .filter(
            service_account__kind=kind,
            service_account__reference_compact=reference_compact(reference),
        )
        .first()
    )
    if existing is not None:
        expected = values.get("version")
        match = request.headers.get("If-Match")
        if (expected is not None and expected != existing.version) or (
            match and match.strip() not in (_etag(existing), f'"{existing.version}"')
        ):
            raise StaleAccount(existing)
    citizen, link, candidates = _citizen_for(request, values, existing)
    account, created = service_account_sync(
        actor=request.user,
        kind=kind,
        reference=reference,
        citizen=citizen,
        service_area=area,
        snapshot=snapshot,
        answers=values.get("security_answers", {}),
        description=values.get("description"),
        active=values.get("active"),
    )
    if existing is None:
        existing = ServiceAccountSync.objects.create(
            service_account=account, client_system=client, link=link, candidates=candidates
        )
    else:
        existing.version += 1
        if citizen is not None and link:
            existing.link, existing.candidates = link, candidates
        existing.save()
    existing.service_account = account
    service_account_synced.send(
        sender=ServiceAccount,
        instance=account,
        actor=request.user,
        citizen_id=account.citizen_id,
        created=created,
        system_name=client.name,
        version=existing.version,
    )
    return existing, created


def _citizen_for(request, values, existing):
    """(citizen, how linked, candidates) — citizen None keeps the current one."""
    from citizens.models import Citizen
    from citizens.selectors import citizen_get

    reference = values.get("citizen_reference", "").strip().upper()
    if reference:
        found = Citizen.objects.filter(reference=reference).first()
        if found is None:
            raise serializers.ValidationError(
                {"citizen_reference": [f"No citizen has the reference {reference}."]}
            )
        return citizen_get(pk=found.pk), ServiceAccountSync.Link.REFERENCE, []
    if existing is not None:
        return None, "", []
    person = values.get("person")
    if not person:
        raise serializers.ValidationError(
            {
                "person": [
                    "Send citizen_reference, or person (at least last_name) to find or "
                    "create the citizen."
                ]
            }
        )
    return _citizen_from_person(request, person)


def _citizen_from_person(request, person):
    from citizens.forms import CitizenForm
    from citizens.models import Citizen
    from citizens.services import citizen_create

    values = {k: ("" if v is None else str(v)) for k, v in person.items()}
    matches = person_matches(values)
    candidates = [{"citizen_id": m.citizen_id, "band": m.band} for m in matches]
    certain = [m for m in matches if m.band == "certain"]
    if len(certain) == 1 and settings.IMPORT_AUTO_LINK_CERTAIN:
        return Citizen.objects.get(pk=certain[0].citizen_id), ServiceAccountSync.Link.MATCHER, []
    data = {**values}
    if not data.get("email"):
        data["no_contact_details_reason"] = "Created by a back-office system's account sync"
    form = CitizenForm(data)
    if not form.is_valid():
        errors = {f"person.{k}": [str(e) for e in v] for k, v in form.errors.items()}
        if matches:
            errors.pop("person.email", None)  # the email may be the similar record's
        if errors:
            raise serializers.ValidationError(errors)
        form.cleaned_data["email"] = ""
    citizen = citizen_create(
        actor=request.user,
        data={k: v for k, v in form.cleaned_data.items() if k in person},
        confirm_new=True,
        new_person_reason="Service-account sync from a back-office system",
    )
    if matches:
        from citizens.matching.review import pairs_queue

        pairs_queue([(citizen.pk, m.citizen_id) for m in matches])
        return citizen, ServiceAccountSync.Link.REVIEW, candidates
    return citizen, ServiceAccountSync.Link.NEW, []
