"""Re-segment every knowledge-base article (after the domain dictionary changes)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from tongban.appeals.models import Article
from tongban.appeals.search import reindex


class Command(BaseCommand):
    help = "Re-segment all knowledge-base articles with the current dictionaries (jieba)."

    def handle(self, *args, **options):
        changed = 0
        ids = list(Article.objects.values_list("id", flat=True))
        for start in range(0, len(ids), 1000):
            with transaction.atomic():
                for article in Article.objects.filter(id__in=ids[start : start + 1000]):
                    before = (article.search_question, article.search_body)
                    reindex(article)
                    if (article.search_question, article.search_body) != before:
                        Article.objects.filter(pk=article.pk).update(
                            search_question=article.search_question, search_body=article.search_body)
                        changed += 1
        from django.db import connection

        if connection.vendor == "sqlite":
            # Merge the FTS5 segments that many updates leave behind (PostgreSQL's GIN needs nothing).
            with connection.cursor() as cur:
                cur.execute("INSERT INTO appeals_article_fts(appeals_article_fts) VALUES ('optimize')")
        self.stdout.write(f"{len(ids)} articles, {changed} re-segmented")
