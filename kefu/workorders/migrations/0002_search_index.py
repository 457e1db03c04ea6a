"""Full-text index over the jieba-segmented search document, per database vendor.

SQLite (embedded default): an external-content FTS5 table kept in step by triggers.
PostgreSQL (production): a generated tsvector column ('simple' config: the text is already segmented)
with a GIN index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE workorders_fts USING fts5("
    "tokens, content='workorders_searchdocument', content_rowid='workorder_id')",
    "CREATE TRIGGER workorders_fts_ai AFTER INSERT ON workorders_searchdocument BEGIN "
    "INSERT INTO workorders_fts(rowid, tokens) VALUES (new.workorder_id, new.tokens); END",
    "CREATE TRIGGER workorders_fts_ad AFTER DELETE ON workorders_searchdocument BEGIN "
    "INSERT INTO workorders_fts(workorders_fts, rowid, tokens) VALUES ('delete', old.workorder_id, old.tokens); END",
    "CREATE TRIGGER workorders_fts_au AFTER UPDATE ON workorders_searchdocument BEGIN "
    "INSERT INTO workorders_fts(workorders_fts, rowid, tokens) VALUES ('delete', old.workorder_id, old.tokens); "
    "INSERT INTO workorders_fts(rowid, tokens) VALUES (new.workorder_id, new.tokens); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS workorders_fts_au",
    "DROP TRIGGER IF EXISTS workorders_fts_ad",
    "DROP TRIGGER IF EXISTS workorders_fts_ai",
    "DROP TABLE IF EXISTS workorders_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE workorders_searchdocument ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED",
    "CREATE INDEX workorders_search_tsv ON workorders_searchdocument USING GIN (tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS workorders_search_tsv",
    "ALTER TABLE workorders_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
