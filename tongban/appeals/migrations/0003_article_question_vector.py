"""PostgreSQL: a tsvector of the question alone with its own GIN index, so the question-first
stage of a broad one-word search is answered from the index without rechecking the weighted
vector of every matching row. SQLite needs nothing (FTS5 column filters are in the index)."""

from django.db import migrations

UP = [
    "ALTER TABLE appeals_article ADD COLUMN search_qvector tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, coalesce(search_question, ''))) STORED",
    "CREATE INDEX appeals_article_question_gin ON appeals_article USING gin (search_qvector)",
]
DOWN = [
    "DROP INDEX IF EXISTS appeals_article_question_gin",
    "ALTER TABLE appeals_article DROP COLUMN IF EXISTS search_qvector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("appeals", "0002_article_fulltext")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
