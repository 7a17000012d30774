"""Full-text index of knowledge-base articles over their jieba-segmented text.

SQLite: an FTS5 table with external content (the article table), kept in step by triggers.
PostgreSQL: a stored generated tsvector column ('simple' configuration: the text is already
segmented) with a GIN index. Either way the application only writes the segmented fields.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE appeals_article_fts USING fts5("
    "search_question, search_body, content='appeals_article', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER appeals_article_fts_ai AFTER INSERT ON appeals_article BEGIN "
    "INSERT INTO appeals_article_fts(rowid, search_question, search_body) "
    "VALUES (new.id, new.search_question, new.search_body); END",
    "CREATE TRIGGER appeals_article_fts_ad AFTER DELETE ON appeals_article BEGIN "
    "INSERT INTO appeals_article_fts(appeals_article_fts, rowid, search_question, search_body) "
    "VALUES ('delete', old.id, old.search_question, old.search_body); END",
    "CREATE TRIGGER appeals_article_fts_au AFTER UPDATE OF search_question, search_body ON appeals_article BEGIN "
    "INSERT INTO appeals_article_fts(appeals_article_fts, rowid, search_question, search_body) "
    "VALUES ('delete', old.id, old.search_question, old.search_body); "
    "INSERT INTO appeals_article_fts(rowid, search_question, search_body) "
    "VALUES (new.id, new.search_question, new.search_body); END",
    "INSERT INTO appeals_article_fts(appeals_article_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS appeals_article_fts_ai",
    "DROP TRIGGER IF EXISTS appeals_article_fts_ad",
    "DROP TRIGGER IF EXISTS appeals_article_fts_au",
    "DROP TABLE IF EXISTS appeals_article_fts",
]
POSTGRES_UP = [
    "ALTER TABLE appeals_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_question, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'B')) STORED",
    "CREATE INDEX appeals_article_search_gin ON appeals_article USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS appeals_article_search_gin",
    "ALTER TABLE appeals_article DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"knowledge-base search supports SQLite and PostgreSQL, not {schema_editor.connection.vendor}")
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
