from django.db import migrations

# The audit log is append-only at the database level: no code path, shell or
# admin can rewrite or remove history. TRUNCATE and switching the trigger off
# need rights the app's runtime role never gets (pastoral.database).
FORWARD = """
CREATE OR REPLACE FUNCTION pastoral_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'pastoral_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER pastoral_audit_append_only
    BEFORE UPDATE OR DELETE ON pastoral_auditentry
    FOR EACH ROW EXECUTE FUNCTION pastoral_audit_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS pastoral_audit_append_only ON pastoral_auditentry;
DROP FUNCTION IF EXISTS pastoral_audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("pastoral", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
