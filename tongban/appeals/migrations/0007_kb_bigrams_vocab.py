"""Knowledge-base search ranks partial matches: the index also holds character bigrams
(segment.index_text), so every article is re-segmented here; SQLite gets an fts5vocab table over
the FTS5 index, from which the search reads how many articles hold each token (PostgreSQL reads
its statistics instead). Large knowledge bases can run `tongban kb_reindex` again at any time."""

from django.db import migrations

SQLITE_UP = ["CREATE VIRTUAL TABLE IF NOT EXISTS appeals_article_fts_vocab USING fts5vocab(appeals_article_fts, 'row')"]
SQLITE_DOWN = ["DROP TABLE IF EXISTS appeals_article_fts_vocab"]


def _resegment(apps, schema_editor):
    from tongban.appeals import segment

    Article = apps.get_model("appeals", "Article")
    for article in Article.objects.using(schema_editor.connection.alias).iterator(chunk_size=1000):
        question = segment.index_text(article.question + " " + article.keywords)
        body = segment.index_text(article.answer + " " + article.legal_basis)
        if (question, body) != (article.search_question, article.search_body):
            Article.objects.using(schema_editor.connection.alias).filter(pk=article.pk).update(
                search_question=question, search_body=body)


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)
    _resegment(apps, schema_editor)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0006_appeal_division_name")]

    operations = [migrations.RunPython(up, down)]
