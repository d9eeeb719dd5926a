"""Public help pages and the articles API: residents see public, published articles only."""

import pytest
from django.core.cache import cache

from faq.models import Article, SearchLog
from tests.factories.faq import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def articles():
    return {
        "public": ArticleFactory(
            title="Bulky waste collection",
            slug="bulky-waste",
            body="Up to 5 items.",
            internal_notes="Refund if the crew SECRETNOTE missed it.",
        ),
        "staff": ArticleFactory(
            title="Bulky waste refunds", slug="bulky-refunds", audience=Article.Audience.STAFF
        ),
        "draft": ArticleFactory(title="Bulky waste draft", slug="bulky-draft", status="draft"),
        "review": ArticleFactory(title="Bulky waste review", slug="bulky-review", status="review"),
        "archived": ArticleFactory(title="Bulky old", slug="bulky-old", status="archived"),
    }


def test_help_pages_need_no_sign_in(client, articles):
    assert client.get("/help/").status_code == 200
    assert client.get("/help/bulky-waste/").status_code == 200


def test_help_search_lists_only_public_published_articles(client, articles):
    page = client.get("/help/", {"q": "bulky"}).content.decode()
    assert "Bulky waste collection" in page
    for hidden in ("Bulky waste refunds", "Bulky waste draft", "Bulky waste review", "Bulky old"):
        assert hidden not in page


def test_help_article_never_shows_the_internal_section(client, articles):
    page = client.get("/help/bulky-waste/").content.decode()
    assert "Up to 5 items." in page
    assert "SECRETNOTE" not in page


@pytest.mark.parametrize(
    "slug", ["bulky-refunds", "bulky-draft", "bulky-review", "bulky-old", "nope"]
)
def test_help_article_is_404_unless_public_and_published(client, articles, slug):
    response = client.get(f"/help/{slug}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_help_area_listing_hides_staff_articles(client, articles):
    from tests.factories import ServiceAreaFactory

    area = ServiceAreaFactory(name="Waste Management", slug="waste-management")
    Article.objects.update(service_area=area)
    page = client.get("/help/", {"area": "waste-management"}).content.decode()
    assert "Bulky waste collection" in page
    assert "Bulky waste refunds" not in page
    topics = client.get("/help/").content.decode()
    assert "Waste Management" in topics


def test_public_search_is_recorded_without_a_person(client, articles):
    client.get("/help/", {"q": "council housing waiting list"})
    log = SearchLog.objects.get()
    assert log.where == SearchLog.Where.PUBLIC
    assert log.result_count == 0
    assert log.staff is None


def test_public_open_after_search_marks_the_search(client, articles):
    client.get("/help/", {"q": "bulky"})
    log = SearchLog.objects.get()
    client.get("/help/bulky-waste/", {"sq": log.pk})
    log.refresh_from_db()
    assert log.opened_article == articles["public"]


def test_help_pages_are_rate_limited_per_client(client, articles, settings):
    settings.HELP_RATE_LIMIT_PER_MINUTE = 3
    statuses = [client.get("/help/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/help/bulky-waste/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    other = client.get("/help/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_help_page_is_phone_sized_and_not_cached_publicly(client, articles):
    response = client.get("/help/bulky-waste/")
    assert 'name="viewport"' in response.content.decode()
    assert "private" in response["Cache-Control"]


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def token_for():
    from tests.factories.accounts import api_token_for

    def make(user):
        return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}

    return make


def test_api_search_returns_public_articles_only_without_staff_guidance(
    client, articles, token_for
):
    from tests.factories import StaffFactory

    channel = StaffFactory(username="website")
    from django.contrib.auth.models import Permission

    channel.user_permissions.add(Permission.objects.get(codename="view_article"))
    response = client.get("/api/v1/articles/", {"q": "bulky"}, **token_for(channel))
    assert response.status_code == 200
    body = response.json()
    assert [a["slug"] for a in body["results"]] == ["bulky-waste"]
    assert body["results"][0]["internal_html"] is None
    assert body["results"][0]["public_url"].endswith("/help/bulky-waste/")
    detail = client.get(f"/api/v1/articles/{articles['staff'].pk}/", **token_for(channel))
    assert detail.status_code == 404
    draft = client.get(f"/api/v1/articles/{articles['draft'].pk}/", **token_for(channel))
    assert draft.status_code == 404


def test_api_with_staff_guidance_includes_staff_articles_and_internal_section(
    client, articles, agent, token_for
):
    response = client.get("/api/v1/articles/", {"q": "bulky"}, **token_for(agent))
    slugs = [a["slug"] for a in response.json()["results"]]
    assert sorted(slugs) == ["bulky-refunds", "bulky-waste"]
    detail = client.get(f"/api/v1/articles/{articles['public'].pk}/", **token_for(agent)).json()
    assert "SECRETNOTE" in detail["internal_html"]
    staff = client.get(f"/api/v1/articles/{articles['staff'].pk}/", **token_for(agent)).json()
    assert staff["public_url"] is None


def test_api_list_without_query_is_by_title_and_paginated(client, articles, agent, token_for):
    body = client.get("/api/v1/articles/", **token_for(agent)).json()
    assert body["count"] == 2
    assert [a["title"] for a in body["results"]] == [
        "Bulky waste collection",
        "Bulky waste refunds",
    ]


def test_api_needs_a_token(client, articles):
    assert client.get("/api/v1/articles/").status_code == 401
