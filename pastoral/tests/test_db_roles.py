"""The app's database role cannot empty or rewrite the audit log, whatever SQL it sends."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from pastoral import audit
from pastoral.database import as_owner
from pastoral.models import AuditEntry, School
from pastoral.tests.factories import SchoolFactory


def fetch(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def refused(sql):
    """Run sql in a savepoint and return the database's error message, or None if it ran."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as exc:
        return str(exc)
    return None


@pytest.fixture
def entry(teacher, pupil):
    return audit.record("pastoral.pupil.viewed", actor=teacher, obj=pupil)


def test_tests_run_as_the_runtime_role_which_is_no_superuser_and_owns_nothing(db):
    assert settings.DATABASE_APP_ROLE and settings.DATABASE_OWNER
    [(user, superuser, createdb, createrole, bypassrls)] = fetch(
        "SELECT current_user, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles"
        " WHERE rolname = current_user"
    )
    assert user == settings.DATABASE_APP_ROLE != settings.DATABASE_OWNER["USER"]
    assert (superuser, createdb, createrole, bypassrls) == (False, False, False, False)
    assert fetch("SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole") == [(0,)]
    assert fetch("SELECT count(*) FROM pg_proc WHERE proowner = current_user::regrole") == [(0,)]


def test_the_runtime_role_cannot_truncate_the_audit_log(entry):
    assert "permission denied" in refused("TRUNCATE pastoral_auditentry")
    assert "permission denied" in refused("TRUNCATE pastoral_auditentry, pastoral_pupil CASCADE")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_runtime_role_cannot_switch_off_the_append_only_trigger(entry):
    assert "must be owner" in refused("ALTER TABLE pastoral_auditentry DISABLE TRIGGER pastoral_audit_append_only")
    assert "must be owner" in refused("ALTER TABLE pastoral_auditentry DISABLE TRIGGER ALL")
    assert "must be owner" in refused("DROP TRIGGER pastoral_audit_append_only ON pastoral_auditentry")
    assert "permission denied" in refused(
        "CREATE OR REPLACE FUNCTION pastoral_audit_refuse_change() RETURNS trigger AS 'BEGIN RETURN OLD; END' "
        "LANGUAGE plpgsql"
    )
    assert fetch("SELECT tgenabled FROM pg_trigger WHERE tgname = 'pastoral_audit_append_only'") == [("O",)]


def test_the_runtime_role_cannot_skip_triggers_with_session_replication_role(entry):
    assert "permission denied" in refused("SET session_replication_role = replica")
    assert "permission denied" in refused("SET LOCAL session_replication_role = replica")
    assert fetch("SHOW session_replication_role") == [("origin",)]
    assert refused(f"DELETE FROM pastoral_auditentry WHERE id = {entry.pk}")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_runtime_role_may_only_read_and_add_to_the_audit_log(entry):
    granted = fetch(
        "SELECT privilege_type FROM information_schema.role_table_grants"
        " WHERE grantee = current_user AND table_name = 'pastoral_auditentry'"
    )
    assert sorted(row[0] for row in granted) == ["INSERT", "SELECT"]
    assert "permission denied" in refused(f"UPDATE pastoral_auditentry SET action = 'x' WHERE id = {entry.pk}")
    assert "permission denied" in refused(f"DELETE FROM pastoral_auditentry WHERE id = {entry.pk}")
    # Nowhere else either: TRUNCATE, TRIGGER and REFERENCES are owner business.
    assert (
        fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind = 'r'"
            " AND has_table_privilege(current_user, c.oid, 'TRUNCATE, TRIGGER, REFERENCES')"
        )
        == []
    )
    assert "permission denied" in refused("CREATE TABLE pastoral_shadow (id int)")


def test_the_runtime_role_cannot_create_tables_even_temporary_ones(db):
    # A table it created would be its own, outside every grant and revoke the owner makes.
    assert "permission denied" in refused("CREATE TABLE public.x (id int)")
    assert "permission denied" in refused("CREATE TEMP TABLE x (id int)")
    assert fetch("SELECT has_database_privilege(current_user, current_database(), 'TEMPORARY')") == [(False,)]
    # The owner keeps what migrations could need.
    owner = settings.DATABASE_OWNER["USER"]
    assert fetch(
        "SELECT has_schema_privilege(%s, 'public', 'CREATE'), has_database_privilege(%s, current_database(), 'TEMP')",
        [owner, owner],
    ) == [(True, True)]


def test_ordinary_app_writes_work_as_the_runtime_role(client, as_user, teacher, pupil):
    from django.urls import reverse

    as_user(teacher)
    assert client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).status_code == 200
    assert AuditEntry.objects.filter(action="pastoral.pupil.viewed", pupil=pupil).count() == 1
    school = SchoolFactory(name="Granted Academy")
    School.objects.filter(pk=school.pk).update(name="Renamed Academy")
    assert School.objects.get(pk=school.pk).name == "Renamed Academy"


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_grants_the_runtime_role_again():
    with as_owner() as owner_connection, owner_connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (settings.DATABASE_OWNER["USER"],)
        cursor.execute(f'REVOKE ALL ON pastoral_school FROM "{settings.DATABASE_APP_ROLE}"')
    assert fetch("SELECT has_table_privilege(current_user, 'pastoral_school', 'SELECT')") == [(False,)]
    call_command("migrate", verbosity=0)
    assert fetch("SELECT current_user") == [(settings.DATABASE_APP_ROLE,)]
    SchoolFactory(name="After Migrate Academy")
    assert School.objects.filter(name="After Migrate Academy").exists()


def test_in_production_the_app_refuses_a_superuser_connection(db, settings):
    settings.DATABASE_REFUSE_SUPERUSER = True
    wrapper = connections["default"].__class__
    superuser = wrapper({**connection.settings_dict, "USER": "postgres", "PASSWORD": ""}, "default")
    with pytest.raises(ImproperlyConfigured, match="superuser"):
        superuser.ensure_connection()
    assert superuser.connection is None
    with pytest.raises(ImproperlyConfigured):
        superuser.ensure_connection()
    runtime = wrapper(dict(connection.settings_dict), "default")
    try:
        runtime.ensure_connection()
        assert runtime.connection is not None
    finally:
        runtime.close()
