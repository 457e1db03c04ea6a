"""PostgreSQL: a deferred constraint trigger refuses a commit in which a journal's postings do not sum to 0.

The service layer (``kefu.corebank.ledger``) already refuses unbalanced journals; this is the database's
backstop against any other writer. It runs at commit (DEFERRABLE INITIALLY DEFERRED) so a journal's
postings may be inserted one by one inside the transaction. SQLite has no equivalent; there the code
check is the guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION corebank_check_journal_balanced() RETURNS trigger AS $$
DECLARE
    total bigint;
BEGIN
    SELECT COALESCE(SUM(amount_fen), 0) INTO total FROM corebank_posting WHERE journal_id = NEW.journal_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'corebank: journal % postings sum to % fen, not 0', NEW.journal_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS corebank_posting_balanced ON corebank_posting;
CREATE CONSTRAINT TRIGGER corebank_posting_balanced
    AFTER INSERT OR UPDATE OR DELETE ON corebank_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION corebank_check_journal_balanced();
"""
# DELETE passes NEW as NULL; check the old journal instead.
CREATE = CREATE.replace("WHERE journal_id = NEW.journal_id",
                        "WHERE journal_id = COALESCE(NEW.journal_id, OLD.journal_id)")
CREATE = CREATE.replace("RAISE EXCEPTION 'corebank: journal % postings sum to % fen, not 0', NEW.journal_id",
                        "RAISE EXCEPTION 'corebank: journal % postings sum to % fen, not 0', "
                        "COALESCE(NEW.journal_id, OLD.journal_id)")
DROP = """
DROP TRIGGER IF EXISTS corebank_posting_balanced ON corebank_posting;
DROP FUNCTION IF EXISTS corebank_check_journal_balanced();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("corebank", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
