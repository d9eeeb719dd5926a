"""Search: ranking, misspellings, what is searched, and the search log."""

import pytest
from django.urls import reverse

from faq.models import Article, SearchLog
from faq.search import article_search
from faq.services import articles_index_all
from tests.factories.faq import ArticleFactory

pytestmark = pytest.mark.django_db


def _titles(result):
    return [a.title for a in result.articles]


def test_title_match_ranks_above_body_match():
    ArticleFactory(title="Council tax payments", body="Bulky waste is mentioned here, bulky.")
    ArticleFactory(title="Bulky waste collection", body="Book a collection.")
    assert _titles(article_search(query="bulky")) == [
        "Bulky waste collection",
        "Council tax payments",
    ]


def test_keyword_match_ranks_above_body_match():
    ArticleFactory(title="Large items", keywords="sofa, fridge", body="Book online.")
    ArticleFactory(title="Moving home", body="Take your sofa with you. Sofa sofa.")
    assert _titles(article_search(query="sofa"))[0] == "Large items"


def test_summary_match_ranks_above_body_match():
    ArticleFactory(title="One", summary="Renewal of a licence.", body="Nothing else.")
    ArticleFactory(title="Two", summary="Something else.", body="licence renewal details")
    assert _titles(article_search(query="licence renewal")) == ["One", "Two"]


def test_misspelt_word_is_corrected_and_found():
    ArticleFactory(title="Single person discount", body="Live alone? Get 25% off.")
    ArticleFactory(title="Garden waste", body="Green bin.")
    result = article_search(query="singel persn discount")
    assert _titles(result) == ["Single person discount"]
    assert result.corrected == "single person discount"


def test_last_word_is_matched_as_a_prefix_while_typing():
    ArticleFactory(title="Bulky waste collection")
    result = article_search(query="bul")
    assert _titles(result) == ["Bulky waste collection"]
    assert result.corrected == ""


def test_most_used_breaks_ties():
    ArticleFactory(title="Rent payments A", body="rent")
    used = ArticleFactory(title="Rent payments B", body="rent")
    Article.objects.filter(pk=used.pk).update(use_count=10)
    assert _titles(article_search(query="rent payments")) == ["Rent payments B", "Rent payments A"]


def test_only_published_articles_are_found():
    ArticleFactory(title="Bins published")
    for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.ARCHIVED):
        ArticleFactory(title=f"Bins {status}", status=status)
    assert _titles(article_search(query="bins", staff_guidance=True)) == ["Bins published"]


def test_staff_only_articles_need_staff_guidance():
    ArticleFactory(title="Refund rules", audience=Article.Audience.STAFF)
    ArticleFactory(title="Refund a payment")
    assert _titles(article_search(query="refund")) == ["Refund a payment"]
    assert sorted(_titles(article_search(query="refund", staff_guidance=True))) == [
        "Refund a payment",
        "Refund rules",
    ]


def test_internal_section_is_not_searchable():
    ArticleFactory(title="Missed bin", internal_notes="Escalate to the zebrafish supervisor")
    assert article_search(query="zebrafish", staff_guidance=True).articles == []


def test_any_word_matches_when_no_article_has_all():
    ArticleFactory(title="Report a pothole")
    result = article_search(query="pothole unicorn")
    assert _titles(result) == ["Report a pothole"]
    assert result.loose is True


def test_search_by_service_area_narrows_results():
    a = ArticleFactory(title="Pay online")
    ArticleFactory(title="Pay rent online")
    result = article_search(query="pay", service_area_id=None)
    assert len(result.articles) == 2
    from tests.factories import ServiceAreaFactory

    area = ServiceAreaFactory(name="Council Tax")
    Article.objects.filter(pk=a.pk).update(service_area=area)
    assert _titles(article_search(query="pay", service_area_id=area.pk)) == ["Pay online"]


def test_reindex_rebuilds_vocabulary_and_search():
    ArticleFactory(title="Abandoned vehicle")
    articles_index_all()
    assert _titles(article_search(query="abandonned vehicle")) == ["Abandoned vehicle"]


# --- the staff page and the search log --------------------------------------------------


def test_search_page_renders_results_and_a_partial_for_htmx(agent_client):
    ArticleFactory(title="Bulky waste collection")
    page = agent_client.get(reverse("faq:list"), {"q": "bulky"})
    assert page.status_code == 200
    assert "Bulky waste collection" in page.content.decode()
    assert "<h1" in page.content.decode()
    partial = agent_client.get(reverse("faq:list"), {"q": "bulky"}, HTTP_HX_REQUEST="true")
    assert "Bulky waste collection" in partial.content.decode()
    assert "<h1" not in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_search_with_no_result_is_recorded(agent_client, agent):
    ArticleFactory(title="Bulky waste collection")
    agent_client.get(reverse("faq:list"), {"q": "allotment waiting list"})
    log = SearchLog.objects.get()
    assert log.result_count == 0
    assert log.normalised == "allotment waiting list"
    assert log.staff == agent
    assert log.where == SearchLog.Where.STAFF


def test_typing_keeps_one_search_row_with_the_final_words(agent_client):
    ArticleFactory(title="Bulky waste collection")
    for text in ("bu", "bulk", "bulky", "bulky wa"):
        agent_client.get(reverse("faq:list"), {"q": text}, HTTP_HX_REQUEST="true")
    log = SearchLog.objects.get()
    assert log.query == "bulky wa"
    assert log.result_count == 1


def test_a_new_search_after_opening_an_article_is_a_new_row(agent_client):
    article = ArticleFactory(title="Bulky waste collection")
    agent_client.get(reverse("faq:list"), {"q": "bulky"})
    first = SearchLog.objects.get()
    agent_client.get(reverse("faq:detail", args=[article.pk]), {"sq": first.pk, "via": "search"})
    agent_client.get(reverse("faq:list"), {"q": "bulky waste"})
    assert SearchLog.objects.count() == 2
    first.refresh_from_db()
    assert first.opened_article == article


def test_opening_someone_elses_search_does_not_mark_it(agent_client, team_leader):
    article = ArticleFactory(title="Bins")
    other = SearchLog.objects.create(
        query="bins", normalised="bins", where="staff", result_count=1, staff=team_leader
    )
    agent_client.get(reverse("faq:detail", args=[article.pk]), {"sq": other.pk})
    other.refresh_from_db()
    assert other.opened_article is None


def test_drafts_and_staff_only_articles_404_for_those_who_may_not_see_them(
    agent_client, client, officer
):
    draft = ArticleFactory(title="Draft", status=Article.Status.DRAFT)
    assert agent_client.get(reverse("faq:detail", args=[draft.pk])).status_code == 404


def test_article_page_shows_internal_section_to_staff(agent_client):
    article = ArticleFactory(title="Missed bin", internal_notes="Check the **crew notes**.")
    page = agent_client.get(reverse("faq:detail", args=[article.pk])).content.decode()
    assert "<strong>crew notes</strong>" in page
    assert "For staff only" in page


def test_browse_by_service_area_and_most_used(agent_client):
    from tests.factories import ServiceAreaFactory

    area = ServiceAreaFactory(name="Waste Management")
    article = ArticleFactory(title="Garden waste", service_area=area)
    agent_client.get(reverse("faq:detail", args=[article.pk]))
    page = agent_client.get(reverse("faq:list")).content.decode()
    assert "Waste Management" in page
    assert "Garden waste" in page  # most used this week
    listing = agent_client.get(reverse("faq:list"), {"area": area.pk}).content.decode()
    assert "Garden waste" in listing


def test_insights_show_top_searches_without_result(team_leader_client):
    for _ in range(3):
        SearchLog.objects.create(
            query="Blue badge", normalised="blue badge", where="public", result_count=0
        )
    SearchLog.objects.create(query="bins", normalised="bins", where="staff", result_count=4)
    page = team_leader_client.get(reverse("faq:insights"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "blue badge" in body
    assert page.context["no_result"][0].searches == 3
    assert [r.query for r in page.context["no_result"]] == ["blue badge"]


def test_insights_are_for_team_leaders_and_administrators(agent_client):
    assert agent_client.get(reverse("faq:insights")).status_code == 403


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("reenw", "renew"), ("craers", "carers"), ("licnce", "licence"), ("licencee", "licence")],
)
def test_one_edit_misspellings_are_corrected_even_in_short_words(typed, meant):
    ArticleFactory(title="Renew a licence for carers")
    ArticleFactory(title="Report a pothole")
    result = article_search(query=f"{typed} pothole", as_you_type=False)
    assert result.corrected == f"{meant} pothole"


def test_vocabulary_change_made_elsewhere_is_picked_up(monkeypatch):
    from faq import search
    from faq.models import SearchTerm

    ArticleFactory(title="Garden waste")
    assert article_search(query="gardin").corrected == "garden"
    SearchTerm.objects.create(word="gardening")  # another process added a word
    monkeypatch.setattr(search._Vocabulary, "CHECK_EVERY", 0.0)
    assert "gardening" in search._vocabulary.current().words
