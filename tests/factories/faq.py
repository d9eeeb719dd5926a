import factory

from faq.models import Article, DynamicBlock
from faq.services import article_save


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published public article, saved through `article_save` (HTML, index, version)."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short answer that fits a text message."
    body = "Some helpful words."
    audience = Article.Audience.PUBLIC
    status = Article.Status.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        contact_types = kwargs.pop("contact_types", None)
        article = model_class(*args, **kwargs)
        article_save(actor=None, article=article)
        if contact_types:
            article.contact_types.set(contact_types)
        return article


class DynamicBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DynamicBlock

    name = factory.Sequence(lambda n: f"Block {n}")
    service_account_kind = "council_tax"
    text = (
        "Your balance is ((balance)); next instalment ((next_instalment_amount)) on "
        "((next_instalment_date))."
    )
