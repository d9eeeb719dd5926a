"""Open311 POST: check what a reporting app sent, then raise a request through the same
finder as every other channel — a likely duplicate makes the reporter a follower of the open
request instead, and its id is returned."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from contacts.models import Channel
from open311.models import Open311Attribute, Open311Service, Open311Submission
from places.validation import coordinates_clean, uprn_clean
from requests_tracking import services as requests_services
from requests_tracking.finder import request_duplicate_candidates
from requests_tracking.models import Process, RequestFollowerEmail

CHANNEL_CODE = "open311"
A = Open311Attribute.Datatype


class Open311Invalid(Exception):
    """What was sent cannot be used: each description is one plain sentence for the app."""

    def __init__(self, *descriptions: str):
        super().__init__(" ".join(descriptions))
        self.descriptions = descriptions


@dataclass
class Report:
    """A checked Open311 POST."""

    description: str
    latitude: Decimal | None
    longitude: Decimal | None
    address_string: str
    uprn: str
    attributes: dict = field(default_factory=dict)
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    media_url: str = ""
    device_id: str = ""
    account_id: str = ""


def _attribute_value(attribute: Open311Attribute, values: list[str]):
    """The checked value of one attribute, or a problem in plain words."""
    values = [v.strip() for v in values if v.strip()]
    if not values:
        return None
    if attribute.datatype == A.MULTI:
        keys = {k for k, _ in attribute.choices}
        unknown = [v for v in values if v not in keys]
        if unknown:
            raise ValueError(f"must be some of: {', '.join(sorted(keys))}")
        return values
    value = values[0]
    if attribute.datatype == A.SINGLE:
        keys = {k for k, _ in attribute.choices}
        if value not in keys:
            raise ValueError(f"must be one of: {', '.join(sorted(keys))}")
    elif attribute.datatype == A.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError("must be a number") from None
        if not number.is_finite():
            raise ValueError("must be a number")
    elif attribute.datatype == A.DATETIME:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be a date and time like 2026-11-29T08:15:30Z") from None
    if len(value) > 2000:
        raise ValueError("is too long (2,000 characters at most)")
    return value


def report_parse(*, data, service: Open311Service) -> Report:
    """Check a POST's fields (a QueryDict) against the spec and the service's attributes."""
    problems = []

    def text(name, limit):
        value = (data.get(name) or "").strip()
        if len(value) > limit:
            problems.append(f"{name} is too long ({limit} characters at most).")
            return value[:limit]
        return value

    description = text("description", 4000)
    address_string = text("address_string", 200)
    latitude = longitude = None
    try:
        latitude, longitude = coordinates_clean(data.get("lat"), data.get("long"))
    except ValidationError as exc:
        problems.append(f"lat/long: {exc.messages[0]}")
    uprn = ""
    address_id = (data.get("address_id") or "").strip()
    if address_id:
        try:
            uprn = uprn_clean(address_id)
        except ValidationError:
            problems.append("address_id must be a UPRN: a number of 1 to 12 digits.")
    if latitude is None and not address_string and not uprn and not problems:
        problems.append("A location is required: lat and long, address_string or address_id.")
    email = text("email", 254)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            problems.append("email is not an email address.")
    media_url = text("media_url", 500)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            problems.append("media_url must be an http or https address.")
    attributes = {}
    for attribute in service.attributes.all():
        if not attribute.variable:
            continue
        name = f"attribute[{attribute.code}]"
        raw = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        if attribute.datatype == A.MULTI and hasattr(data, "getlist"):
            raw = raw + data.getlist(f"{name}[]")
        try:
            value = _attribute_value(attribute, raw)
        except ValueError as exc:
            problems.append(f"{name} {exc}.")
            continue
        if value is None and attribute.required:
            problems.append(f"{name} is required: {attribute.description}")
        elif value is not None:
            attributes[attribute.code] = value
    if problems:
        raise Open311Invalid(*problems)
    return Report(
        description=description,
        latitude=latitude,
        longitude=longitude,
        address_string=address_string,
        uprn=uprn,
        attributes=attributes,
        email=email,
        first_name=text("first_name", 100),
        last_name=text("last_name", 100),
        phone=text("phone", 40),
        media_url=media_url,
        device_id=text("device_id", 100),
        account_id=text("account_id", 100),
    )


def _details(report: Report, service: Open311Service) -> str:
    labels = {a.code: a.description for a in service.attributes.all()}
    lines = [
        f"{labels.get(code, code)}: {', '.join(v) if isinstance(v, list) else v}"
        for code, v in report.attributes.items()
    ]
    if report.media_url:
        lines.append(f"Photo: {report.media_url}")
    return "\n".join(lines)


@transaction.atomic
def open311_report_submit(
    *, caller, service: Open311Service, process: Process, report: Report
) -> Open311Submission:
    """Raise the request, or follow the likely duplicate; returns the stored submission."""
    via = f"{caller.name} (Open311)"
    candidates = request_duplicate_candidates(
        process=process,
        uprn=report.uprn,
        latitude=report.latitude,
        longitude=report.longitude,
        description=report.description,
        limit=1,
    )
    details = _details(report, service)
    if candidates and candidates[0].likely:
        target = candidates[0].request
        outcome = Open311Submission.Outcome.FOLLOWED
        followed = _follow(caller=caller, service_request=target, email=report.email, via=via)
        text = f"Reported again through {via}" + (
            "; the reporter follows this request." if followed else "."
        )
        requests_services.request_note_add(
            actor=caller.user,
            service_request=target,
            text=text
            + (f"\n{report.description}" if report.description else "")
            + (f"\n{details}" if details else ""),
        )
    else:
        outcome = Open311Submission.Outcome.CREATED
        target = requests_services.request_create(
            actor=caller.user,
            process=process,
            description=report.description or f"{process.name} reported through {caller.name}",
            channel=Channel.objects.filter(code=CHANNEL_CODE).first(),
            address_line_1=report.address_string,
            uprn=report.uprn,
            latitude=report.latitude,
            longitude=report.longitude,
        )
        if details:
            requests_services.request_note_add(
                actor=caller.user, service_request=target, text=f"From {via}:\n{details}"
            )
        if report.email:
            _sign_up(caller=caller, service_request=target, email=report.email)
    return Open311Submission.objects.create(
        token=secrets.token_hex(16),
        service_request=target,
        outcome=outcome,
        client=caller.user,
        service_code=service.service_code,
        attributes=report.attributes,
        media_url=report.media_url,
        email=report.email,
        first_name=report.first_name,
        last_name=report.last_name,
        phone=report.phone,
        device_id=report.device_id,
        account_id=report.account_id,
    )


def _follow(*, caller, service_request, email, via) -> bool:
    """The reporter follows the open request (confirmation email first). A refused sign-up
    (the address's daily limit) must not lose the report: it is noted instead."""
    if not email:
        return False
    try:
        with transaction.atomic():
            requests_services.request_follow_instead(
                actor=caller.user,
                service_request=service_request,
                email=email,
                via=via,
                source=RequestFollowerEmail.Source.OPEN311,
            )
    except (ValidationError, requests_services.TransitionRefused):
        return False
    return True


def _sign_up(*, caller, service_request, email) -> None:
    try:
        with transaction.atomic():
            requests_services.follower_email_add(
                actor=caller.user,
                service_request=service_request,
                email=email,
                source=RequestFollowerEmail.Source.OPEN311,
            )
    except ValidationError:
        pass  # the address's daily limit: the request stands, the app tells its user
