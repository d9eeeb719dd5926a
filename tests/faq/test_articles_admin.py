"""Articles in Django admin: validation in plain words, preview, versions and restore; blocks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from faq.models import Article, ArticleVersion, DynamicBlock
from faq.services import article_restore, article_save
from tests.factories import ContactTypeFactory, ServiceAreaFactory
from tests.factories.faq import ArticleFactory

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "title": "Book a bulky waste collection",
        "slug": "bulky-waste",
        "summary": "Book online: up to 5 items for £35.",
        "body": "Up to **5 items**.",
        "internal_notes": "",
        "keywords": "sofa, fridge",
        "audience": "public",
        "status": "published",
        "change_note": "First version",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_admin_adds_an_article_with_a_first_version(admin_client_, administrator):
    response = admin_client_.post(reverse("admin:faq_article_add"), _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="bulky-waste")
    assert "<strong>5 items</strong>" in article.body_html
    version = article.versions.get()
    assert (version.number, version.changed_by, version.change_note) == (
        1,
        administrator,
        "First version",
    )


def test_admin_refuses_a_summary_that_does_not_fit_one_text(admin_client_):
    response = admin_client_.post(reverse("admin:faq_article_add"), _form(summary="x" * 150))
    assert response.status_code == 200
    assert "one text message holds 160" in response.content.decode()
    assert not Article.objects.exists()


def test_admin_refuses_contact_types_of_another_service_area(admin_client_):
    waste = ServiceAreaFactory(name="Waste Management")
    other = ContactTypeFactory(service_area=ServiceAreaFactory(name="Council Tax"), name="Balance")
    response = admin_client_.post(
        reverse("admin:faq_article_add"),
        _form(service_area=waste.pk, contact_types=[other.pk]),
    )
    assert response.status_code == 200
    assert "is not a contact type of Waste Management" in response.content.decode()


def test_admin_preview_shows_a_draft_as_residents_would_see_it(admin_client_):
    article = ArticleFactory(
        title="Draft one",
        status="draft",
        body="Hello <script>bad()</script> **there**",
        internal_notes="Staff bit",
    )
    page = admin_client_.get(reverse("admin:faq_article_preview", args=[article.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<strong>there</strong>" in body
    assert "bad()" not in body
    assert "Staff bit" in body
    assert "/help/" in body  # the text message with its link


def test_changing_an_article_keeps_versions_with_who_and_what(administrator):
    article = ArticleFactory(title="Old title", body="Old body")
    article.title = "New title"
    article_save(actor=administrator, article=article, change_note="Clearer title")
    latest = article.versions.order_by("-number").first()
    assert latest.number == 2
    assert latest.changed_fields == ["title"]
    assert latest.changed_by == administrator
    assert article.version == 2


def test_restoring_a_version_brings_its_text_back_as_a_new_version(admin_client_, administrator):
    article = ArticleFactory(title="First", body="First body")
    article.title, article.body = "Second", "Second body"
    article_save(actor=administrator, article=article)
    first = article.versions.get(number=1)
    url = reverse("admin:faq_article_restore", args=[article.pk, first.pk])
    assert "Restore version 1" in admin_client_.get(url).content.decode()
    admin_client_.post(url)
    article.refresh_from_db()
    assert (article.title, article.body, article.version) == ("First", "First body", 3)
    assert "First body" in article.body_html
    assert article.versions.get(number=3).change_note == "Restored version 1"


def test_restore_refuses_another_articles_version():
    a, b = ArticleFactory(), ArticleFactory()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        article_restore(actor=None, article=a, version=ArticleVersion.objects.get(article=b))


def test_changelist_lists_overdue_reviews(admin_client_):
    ArticleFactory(title="Stale", review_date=timezone.localdate() - datetime.timedelta(days=3))
    ArticleFactory(title="Fresh", review_date=timezone.localdate() + datetime.timedelta(days=30))
    page = admin_client_.get(reverse("admin:faq_article_changelist")).content.decode()
    assert "1 article past its review date" in page
    overdue = admin_client_.get(reverse("admin:faq_article_changelist"), {"review": "overdue"})
    titles = [a.title for a in overdue.context["cl"].result_list]
    assert titles == ["Stale"]


def test_admin_block_with_unknown_placeholder_is_refused(admin_client_):
    response = admin_client_.post(
        reverse("admin:faq_dynamicblock_add"),
        {
            "name": "Bad",
            "service_account_kind": "council_tax",
            "text": "Owed ((balanse))",
            "active": "on",
            "ordering": "10",
        },
    )
    assert response.status_code == 200
    assert "The placeholder ((balanse)) does not exist" in response.content.decode()
    assert not DynamicBlock.objects.exists()


def test_admin_no_result_searches_page(admin_client_):
    from faq.models import SearchLog

    SearchLog.objects.create(
        query="blue badge", normalised="blue badge", where="public", result_count=0
    )
    page = admin_client_.get(reverse("admin:faq_article_no_result")).content.decode()
    assert "blue badge" in page


def test_roles_grant_the_faq_permissions(agent, officer, team_leader):
    assert agent.has_perm("faq.view_article")
    assert agent.has_perm("faq.send_article")
    assert not agent.has_perm("faq.view_search_insights")
    assert officer.has_perm("faq.view_article")
    assert not officer.has_perm("faq.send_article")
    assert team_leader.has_perm("faq.view_search_insights")
