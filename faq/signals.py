"""Domain signals of the knowledge base (sent inside the service's transaction).

- `article_sent(instance=ArticleSend, actor=Staff)`: an article went to a citizen by SMS or
  email (the timeline writes "Information sent"). `instance.article` and `instance.contact`
  are loaded.
- `article_saved(instance=Article, actor=Staff, created=bool, version=ArticleVersion)`.
"""

from django.dispatch import Signal

article_sent = Signal()
article_saved = Signal()
