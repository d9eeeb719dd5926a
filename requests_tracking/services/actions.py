"""Stage actions and the messages they send: who to tell, how to reach them, what to say.

Messages go to the notifications outbox in the caller's transaction (`messages_enqueue_many`);
readers of many requests (the SLA sweep) look up everyone to tell in one go (`message_audiences`).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from citizens.models import EmailAddress, PhoneNumber
from notifications.services import OutgoingMessage, messages_enqueue_many, template_render
from requests_tracking.models import (
    ActionFiring,
    Request,
    RequestFollowerEmail,
    StageAction,
)
from requests_tracking.public_links import follower_stop_url, follower_view_url, tracking_url

INFO_REQUEST_SUBJECT = "We need more information about your request {{ reference }}"
INFO_REQUEST_BODY = (
    "Dear {{ citizen_name }},\n\nTo carry on with your request {{ reference }} ({{ process }}) "
    "we need more information from you:\n\n{{ note }}\n\nYou can reply and send photos or "
    "documents at {{ tracking_url }} or call us.\n\n{{ council_name }}"
)
AUTO_CLOSE_SUBJECT = "Your request {{ reference }} is closed"
AUTO_CLOSE_BODY = (
    "Dear {{ citizen_name }},\n\nYour request {{ reference }} ({{ process }}) was resolved and "
    "is now closed. If the problem is not fixed, contact us quoting {{ reference }}.\n\n"
    "{{ council_name }}"
)


@dataclass(frozen=True)
class Reach:
    """How to reach one citizen: their preferred channel, emails and mobiles, best first."""

    citizen_id: int | None
    preferred_channel: str
    emails: tuple[str, ...]
    mobiles: tuple[str, ...]
    follower_email_id: int | None = None  # an address that follows by email only

    def address(self, channel: str) -> tuple[str, str] | None:
        """(channel, address) to reach them by, honouring their preference."""
        emails, mobiles = self.emails, self.mobiles
        if channel == StageAction.Channel.EMAIL:
            return ("email", emails[0]) if emails else None
        if channel == StageAction.Channel.SMS:
            return ("sms", mobiles[0]) if mobiles else None
        if self.preferred_channel == "sms" and mobiles:
            return ("sms", mobiles[0])
        if emails:
            return ("email", emails[0])
        if mobiles:
            return ("sms", mobiles[0])
        return None


def message_audiences(requests, *, followers: bool = True) -> dict[int, list[Reach]]:
    """Per request id: its citizen, then anyone following it, with how to reach each.

    Four queries for any number of requests (followers, follower emails, emails, mobiles).
    People who follow by email only come last, without a citizen id, and only once they
    confirmed their address. `followers=False`: requests raised in this transaction, which
    nobody can follow yet (two queries fewer).
    """
    requests = list(requests)
    if not requests:
        return {}
    preferred = {r.citizen_id: r.citizen.preferred_channel for r in requests if r.citizen_id}
    people = {r.pk: [r.citizen_id] if r.citizen_id else [] for r in requests}
    by_email: dict[int, list[tuple[int, str]]] = {}
    if followers:
        _followers_add(people, preferred, by_email)
    if not preferred:
        return {pk: _email_only(by_email.get(pk, ()), []) for pk in people}
    emails: dict[int, list[str]] = {}
    for citizen_id, email in EmailAddress.objects.filter(
        citizen_id__in=list(preferred)
    ).values_list("citizen_id", "email"):
        emails.setdefault(citizen_id, []).append(email)
    mobiles: dict[int, list[str]] = {}
    for citizen_id, number in PhoneNumber.objects.filter(
        citizen_id__in=list(preferred), kind=PhoneNumber.Kind.MOBILE
    ).values_list("citizen_id", "number"):
        mobiles.setdefault(citizen_id, []).append(number)
    reach = {
        pk: Reach(pk, channel or "", tuple(emails.get(pk, ())), tuple(mobiles.get(pk, ())))
        for pk, channel in preferred.items()
    }
    audiences = {}
    for request_id, ids in people.items():
        known = [reach[pk] for pk in ids]
        audiences[request_id] = _email_only(by_email.get(request_id, ()), known)
    return audiences


def _email_only(emails, known: list[Reach]) -> list[Reach]:
    """`known` plus a Reach for each (follower id, email) that none of them already has."""
    seen = {e.lower() for r in known for e in r.emails}
    extra = []
    for follower_id, email in emails:
        if email.lower() not in seen:
            seen.add(email.lower())
            extra.append(Reach(None, "email", (email,), (), follower_email_id=follower_id))
    return known + extra


def message_context(service_request, note: str = "") -> dict:
    stage = service_request.current_stage
    tz = timezone.get_current_timezone()

    def local(moment):
        return timezone.localtime(moment, tz)

    return {
        "reference": service_request.reference,
        "citizen_name": service_request.citizen.full_name
        if service_request.citizen_id
        else "resident",
        "process": service_request.process.name,
        "stage": stage.name if stage else "",
        "stage_description": stage.citizen_description if stage else "",
        "status": service_request.get_status_display(),
        "due_date": f"{local(service_request.due_at):%d/%m/%Y}" if service_request.due_at else "",
        "estimated_completion": f"{local(service_request.estimated_completion_at):%d/%m/%Y}"
        if service_request.estimated_completion_at
        else "",
        "council_name": settings.COUNCIL_NAME,
        "note": note,
        "tracking_url": tracking_url(service_request),
    }


@dataclass(frozen=True)
class _Target:
    kind: str  # citizen, officer, team or contractor
    channel: str  # email or sms
    address: str
    citizen_id: int | None = None
    follower: bool = False  # follows someone else's request: not greeted by the reporter's name
    follower_email_id: int | None = None


FOLLOWER_NAME = "resident"


def follower_context(context: dict, service_request) -> dict:
    """A follower's copy of a message: not greeted by the reporter's name, linked to the
    follower's view of the request (never the reporter's tracking page, where notes, questions
    and files are), and without the officer's note to the reporter."""
    return {
        **context,
        "citizen_name": FOLLOWER_NAME,
        "tracking_url": follower_view_url(service_request),
        "note": "",
    }


STOP_EMAIL = "\n\nYou get these emails because you asked to follow {reference}. To stop: {url}"
STOP_SMS = "\nStop updates: {url}"


def _with_stop_link(text: str, *, service_request, target: "_Target") -> str:
    """Every message to a follower ends with its own one-click link to stop."""
    if not target.follower or not text:
        return text
    if target.follower_email_id is not None:
        url = follower_stop_url(follower_id=target.follower_email_id)
    else:
        url = follower_stop_url(request_id=service_request.pk, citizen_id=target.citizen_id)
    footer = STOP_SMS if target.channel == "sms" else STOP_EMAIL
    return text + footer.format(reference=service_request.reference, url=url)


def _messages_to(*, service_request, targets, texts, event_key, event) -> list[OutgoingMessage]:
    """One outbox message per target. `texts(follower)` renders (subject, body, sms_body) when
    needed: once for the reporter and staff, once more if followers are told (their copy does not
    carry the reporter's name)."""
    if not targets:
        return []
    rendered = {}
    messages = []
    for t in targets:
        if t.follower not in rendered:
            rendered[t.follower] = texts(t.follower)
        subject, body, sms_body = rendered[t.follower]
        text = sms_body if t.channel == "sms" and sms_body else body
        messages.append(
            OutgoingMessage.about(
                service_request,
                channel=t.channel,
                recipient=t.address,
                recipient_kind=t.kind,
                subject=subject,
                body=_with_stop_link(text, service_request=service_request, target=t),
                idempotency_key=f"{event_key}:{t.channel}:{t.address}",
                citizen_id=t.citizen_id,
                event=event,
            )
        )
    return messages


def _citizen_targets(audience: list[Reach], owner_id: int | None) -> list[_Target]:
    targets = []
    for reach in audience:
        found = reach.address(StageAction.Channel.PREFERRED)
        if found:
            follower = owner_id is None or reach.citizen_id != owner_id
            targets.append(
                _Target(
                    "citizen",
                    *found,
                    citizen_id=reach.citizen_id,
                    follower=follower,
                    follower_email_id=reach.follower_email_id,
                )
            )
    return targets


def citizen_messages_build(
    *,
    service_request,
    audience,
    subject,
    body,
    sms_body,
    event_key,
    event,
    context,
    followers: bool = True,
) -> list[OutgoingMessage]:
    """Messages to the citizen and anyone following the request, each by their preference.

    `followers=False` for what concerns the reporter alone (a question only they can answer)."""
    if not followers:
        audience = [
            r
            for r in audience
            if r.citizen_id is not None and r.citizen_id == service_request.citizen_id
        ]

    def texts(follower=False):
        ctx = follower_context(context, service_request) if follower else context
        return (
            template_render(text=subject, context=ctx),
            template_render(text=body, context=ctx),
            template_render(text=sms_body, context=ctx) if sms_body else "",
        )

    return _messages_to(
        service_request=service_request,
        targets=_citizen_targets(audience, service_request.citizen_id),
        texts=texts,
        event_key=event_key,
        event=event,
    )


def action_messages_build(
    *, service_request, visit, action: StageAction, audience: list[Reach], note: str = ""
) -> tuple[list[OutgoingMessage], str]:
    """The messages one stage action sends, and a short outcome for the record.

    `audience` is the request's entry of `message_audiences` (only read for citizen actions). The
    template is rendered once, and only when there is someone to send to.
    """
    preferred = action.channel == StageAction.Channel.PREFERRED
    targets: list[_Target] = []
    if action.recipient == StageAction.Recipient.CITIZEN:
        if preferred:
            targets = _citizen_targets(audience, service_request.citizen_id)
        elif service_request.citizen_id:
            own = next((r for r in audience if r.citizen_id == service_request.citizen_id), None)
            found = own.address(action.channel) if own else None
            if found:
                targets.append(_Target("citizen", *found, citizen_id=service_request.citizen_id))
    elif action.recipient == StageAction.Recipient.OFFICER:
        if service_request.assigned_to_id and service_request.assigned_to.email:
            targets.append(_Target("officer", "email", service_request.assigned_to.email))
    elif action.recipient == StageAction.Recipient.TEAM:
        if service_request.team_id and service_request.team.email:
            targets.append(_Target("team", "email", service_request.team.email))
    elif action.contractor_email:
        targets.append(_Target("contractor", "email", action.contractor_email))

    def texts(follower=False):
        template = action.template
        context = message_context(service_request, note)
        if follower:
            context = follower_context(context, service_request)
        needs_sms = template.sms_body and any(t.channel == "sms" for t in targets)
        return (
            template_render(text=template.subject, context=context),
            template_render(text=template.body, context=context),
            template_render(text=template.sms_body, context=context) if needs_sms else "",
        )

    messages = _messages_to(
        service_request=service_request,
        targets=targets,
        texts=texts,
        event_key=f"request:{service_request.pk}:visit:{visit.pk}:action:{action.pk}",
        event=f"{action.get_trigger_display()} – {action.stage.name}",
    )
    if preferred and action.recipient == StageAction.Recipient.CITIZEN:
        outcome = (
            f"{len(messages)} message(s) to the citizen" if messages else "citizen has no details"
        )
    else:
        outcome = f"{len(messages)} message(s) queued" if messages else "nobody to send to"
    return messages, outcome[:200]


def _followers_add(people, preferred, by_email) -> None:
    rows = (
        Request.followers.through.objects.filter(request_id__in=list(people))
        .order_by("citizen__last_name", "citizen__first_name", "citizen_id")
        .values_list("request_id", "citizen_id", "citizen__preferred_channel")
    )
    for request_id, citizen_id, channel in rows:
        if citizen_id not in people[request_id]:
            people[request_id].append(citizen_id)
            preferred[citizen_id] = channel
    for request_id, follower_id, email in RequestFollowerEmail.objects.filter(
        request_id__in=list(people), status=RequestFollowerEmail.Status.CONFIRMED
    ).values_list("request_id", "pk", "email"):
        by_email.setdefault(request_id, []).append((follower_id, email))


def stage_actions_fire(
    *,
    actor,
    service_request,
    visit,
    trigger: str,
    actions=None,
    fresh_visit: bool = False,
    new_request: bool = False,
):
    """Fire the stage's actions for an event (entering, resolving) once per stage visit.

    `actions`: the stage's active actions when the caller has read them already (any trigger;
    only this one's fire). `fresh_visit`: the visit was just created, so nothing has fired on
    it yet and there is nothing to look up. `new_request`: raised in this transaction, so
    nobody follows it yet."""
    if actions is None:
        actions = list(
            StageAction.objects.filter(
                stage_id=visit.stage_id, active=True, trigger=trigger
            ).select_related("template", "stage")
        )
    else:
        actions = [a for a in actions if a.active and a.trigger == trigger]
    if not actions:
        return
    fired = (
        set()
        if fresh_visit
        else set(
            ActionFiring.objects.filter(
                visit=visit, key__in=[f"action:{a.pk}" for a in actions]
            ).values_list("key", flat=True)
        )
    )
    actions = [a for a in actions if f"action:{a.pk}" not in fired]
    needs_people = any(a.recipient == StageAction.Recipient.CITIZEN for a in actions)
    audience = (
        message_audiences([service_request], followers=not new_request).get(service_request.pk, [])
        if needs_people
        else []
    )
    messages, firings = [], []
    for action in actions:
        batch, outcome = action_messages_build(
            service_request=service_request, visit=visit, action=action, audience=audience
        )
        messages += batch
        firings.append(ActionFiring(visit=visit, key=f"action:{action.pk}", outcome=outcome))
    ActionFiring.objects.bulk_create(firings)
    messages_enqueue_many(actor=actor, messages=messages)
