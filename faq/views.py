"""Staff knowledge-base pages: search as you type, an article (with sending it to the citizen),
suggestions for a contact's reason, dynamic content on the citizen record, and insights."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from audit.services import audit_record, audit_view
from citizens.models import Citizen, EmailAddress, PhoneNumber
from citizens.services import VersionConflict, citizen_update
from contacts.forms import EndContactForm
from contacts.models import ContactType
from contacts.selectors import contact_open_for
from faq import selectors
from faq.dynamic import dynamic_content_for
from faq.forms import SendForm
from faq.models import Article, ArticleOpen, ArticleSend, SearchLog
from faq.search import article_search
from faq.services import (
    SendRefused,
    article_open_record,
    article_send,
    article_sms_text,
    search_record,
)
from faq.sms import sms_length
from organisation.models import ServiceArea

RESULTS = 20


def _staff_guidance(user) -> bool:
    return user.has_perm("faq.view_staff_guidance")


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- search --------------------------------------------------------------------------------------


@permission_required("faq.view_article", raise_exception=True)
def article_list_view(request):
    """One box, as you type; browse by service area; most used this week."""
    query = (request.GET.get("q") or "").strip()[:200]
    area = ServiceArea.objects.filter(pk=_int(request.GET.get("area"))).first()
    guidance = _staff_guidance(request.user)
    result, search_id, articles = None, None, None
    if query:
        result = article_search(
            query=query,
            staff_guidance=guidance,
            service_area_id=area.pk if area else None,
            limit=RESULTS,
        )
        log = search_record(
            actor=request.user,
            query=query,
            result=result,
            where=SearchLog.Where.STAFF,
            contact=contact_open_for(staff=request.user),
        )
        search_id = log.pk if log else None
    elif area is not None:
        articles = selectors.articles_list(staff_guidance=guidance, service_area_id=area.pk)
    context = {
        "q": query,
        "area": area,
        "result": result,
        "articles": articles,
        "search_id": search_id,
        "target": request.GET.get("target") or "",
    }
    if request.htmx:
        return render(request, "faq/list.html#results", context)
    context |= {
        "areas": selectors.service_areas_with_articles(staff_guidance=guidance),
        "most_used": selectors.articles_most_used(staff_guidance=guidance),
    }
    return render(request, "faq/list.html", context)


# --- one article ---------------------------------------------------------------------------------


def _citizen_for_sending(request, contact):
    """Whom an article would be sent to: the open contact's citizen, else ?citizen=."""
    if contact is not None and contact.citizen_id:
        return contact.citizen
    pk = _int(request.GET.get("citizen") or request.POST.get("citizen"))
    if pk is None:
        return None
    return Citizen.objects.active().filter(pk=pk).first()


def _send_form(citizen, data=None):
    phones = list(citizen.phones.all()) if citizen else []
    emails = list(citizen.emails.all()) if citizen else []
    return SendForm(
        data,
        mobiles=[p.number for p in phones if p.kind == PhoneNumber.Kind.MOBILE],
        emails=[e.email for e in emails],
        initial={"channel": ArticleSend.Channel.SMS},
    )


def _article_or_404(request, pk):
    try:
        return selectors.article_get(pk=pk, staff_guidance=_staff_guidance(request.user))
    except Article.DoesNotExist:
        raise Http404("No such article") from None


@permission_required("faq.view_article", raise_exception=True)
def article_detail_view(request, pk):
    article = _article_or_404(request, pk)
    contact = contact_open_for(staff=request.user)
    via = request.GET.get("via")
    if via not in ArticleOpen.Via.values:
        via = ArticleOpen.Via.BROWSE
    article_open_record(
        actor=request.user,
        article=article,
        contact=contact,
        via=via,
        search_id=_int(request.GET.get("sq")),
    )
    citizen = _citizen_for_sending(request, contact)
    return _article_page(request, article, contact=contact, citizen=citizen)


def _article_page(request, article, *, contact, citizen, form=None, status=200):
    can_send = (
        article.is_public and citizen is not None and request.user.has_perm("faq.send_article")
    )
    if can_send and form is None:
        form = _send_form(citizen)
    sms = article_sms_text(article)
    context = {
        "article": article,
        "contact": contact,
        "citizen": citizen,
        "form": form if can_send else None,
        "sms_text": sms,
        "sms": sms_length(sms),
        "show_internal": _staff_guidance(request.user),
        "sent": list(
            ArticleSend.objects.filter(article=article, contact=contact).order_by("-sent_at")
        )
        if contact is not None
        else [],
    }
    return render(request, "faq/detail.html", context, status=status)


def _save_typed_detail(request, citizen, channel, address) -> str:
    """Add the typed mobile/email to a record that has none; returns a sentence for the agent."""
    if channel == ArticleSend.Channel.SMS:
        if citizen.phones.exists():
            return (
                "The number was not saved: the record already has a phone number. "
                "Update it on the profile."
            )
        data = {"phone": address}
    else:
        if citizen.emails.exists():
            return (
                "The address was not saved: the record already has an email. "
                "Update it on the profile."
            )
        if EmailAddress.objects.filter(email__iexact=address).exists():
            return "The address was not saved: another citizen's record has it."
        data = {"email": address}
    try:
        with transaction.atomic():
            citizen_update(actor=request.user, citizen=citizen, version=citizen.version, data=data)
    except (VersionConflict, IntegrityError, ValidationError):
        return (
            "It was not saved to the record: the record changed meanwhile. "
            "Update it on the profile."
        )
    return "Saved to the citizen's record."


@require_POST
@permission_required("faq.send_article", raise_exception=True)
def article_send_view(request, pk):
    article = _article_or_404(request, pk)
    contact = contact_open_for(staff=request.user)
    citizen = _citizen_for_sending(request, contact)
    if citizen is None:
        messages.error(request, "Open a contact with the citizen (or their record) to send this.")
        return redirect(article)
    if not article.is_public:
        messages.error(request, "Staff guidance stays internal: it is never sent to residents.")
        return redirect(article)
    form = _send_form(citizen, request.POST)
    if not form.is_valid():
        return _article_page(request, article, contact=contact, citizen=citizen, form=form)
    channel, address = form.cleaned_data["channel"], form.cleaned_data["address"]
    try:
        article_send(
            actor=request.user,
            article=article,
            citizen=citizen,
            channel=channel,
            recipient=address,
            contact=contact,
        )
    except SendRefused as exc:
        form.add_error(None, str(exc))
        return _article_page(request, article, contact=contact, citizen=citizen, form=form)
    how = "text message" if channel == ArticleSend.Channel.SMS else "email"
    note = ""
    if form.cleaned_data.get("typed") and form.cleaned_data.get("save_to_record"):
        note = " " + _save_typed_detail(request, citizen, channel, address)
    messages.success(request, f"“{article.title}” is on its way to {citizen} by {how}.{note}")
    url = article.get_absolute_url()
    if contact is None:
        url += "?" + urlencode({"citizen": citizen.pk})
    return redirect(url)


# --- suggestions for a contact's reason ----------------------------------------------------------


@require_GET
@permission_required("faq.view_article", raise_exception=True)
def suggestions_view(request):
    """Articles for the service area and contact type picked (the contact page's end form or
    the record page's reason picker send them)."""
    area_id = _int(request.GET.get("service_area"))
    type_id = _int(request.GET.get("contact_type"))
    # A contact type left over from another area (before its select is narrowed) is ignored.
    if (
        type_id
        and area_id
        and not ContactType.objects.filter(pk=type_id, service_area_id=area_id).exists()
    ):
        type_id = None
    articles = selectors.article_suggestions(service_area_id=area_id, contact_type_id=type_id)
    context = {"suggestions": articles, "picked": bool(area_id or type_id)}
    if request.htmx:
        return render(request, "faq/_suggestions.html", context)
    form = EndContactForm(request.GET or None)
    return render(request, "faq/suggestions.html", context | {"form": form})


# --- dynamic content on the citizen record -------------------------------------------------------


@require_GET
@permission_required("faq.view_article", raise_exception=True)
def citizen_content_view(request, citizen_id):
    """The citizen's dynamic-content panels (loaded into the record page; never cached)."""
    citizen = get_object_or_404(Citizen.objects.active(), pk=citizen_id)
    contact = contact_open_for(staff=request.user)
    panels = dynamic_content_for(
        actor=request.user, citizen=citizen, contact=contact, request=request
    )
    audit_view(request=request, obj=citizen, detail={"page": "account information"})
    template = "faq/_dynamic_content.html" if request.htmx else "faq/dynamic_content.html"
    response = render(
        request, template, {"citizen": citizen, "panels": panels, "contact": contact}
    )
    response["Cache-Control"] = "no-store, private"
    return response


# --- insights for administrators -----------------------------------------------------------------


@permission_required("faq.view_search_insights", raise_exception=True)
def insights_view(request):
    days = _int(request.GET.get("days")) or 28
    days = max(1, min(days, 366))
    today = timezone.localdate()
    date_from = today - timedelta(days=days - 1)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        detail={"what": "knowledge insights", "days": days},
        request=request,
    )
    context = {
        "days": days,
        "date_from": date_from,
        "date_to": today,
        "no_result": selectors.searches_without_result(date_from=date_from, date_to=today),
        "figures": selectors.search_figures(date_from=date_from, date_to=today),
        "sent": selectors.articles_sent(date_from=date_from, date_to=today, limit=10),
        "overdue": selectors.articles_review_overdue(),
        "admin_url": reverse("admin:faq_article_changelist"),
    }
    return render(request, "faq/insights.html", context)


@require_GET
@permission_required("faq.view_article", raise_exception=True)
def contact_knowledge_view(request):
    """The record page's part for the open contact: reason picker, suggestions, opened/sent."""
    contact = contact_open_for(staff=request.user)
    citizen_id = _int(request.GET.get("citizen"))
    if contact is None or (citizen_id and contact.citizen_id != citizen_id):
        contact = None
    context = {"contact": contact}
    if contact is not None:
        form = EndContactForm(
            initial={
                "service_area": contact.service_area_id,
                "contact_type": contact.contact_type_id,
            }
        )
        opened, sent = selectors.contact_knowledge(contact=contact)
        context |= {
            "form": form,
            "suggestions": selectors.article_suggestions(
                service_area_id=contact.service_area_id, contact_type_id=contact.contact_type_id
            ),
            "picked": bool(contact.service_area_id),
            "opened": _distinct_articles(opened),
            "sent": sent,
        }
    response = render(request, "faq/_contact_knowledge.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _distinct_articles(opens):
    seen, out = set(), []
    for item in opens:
        if item.article_id not in seen:
            seen.add(item.article_id)
            out.append(item)
    return out
