"""A small cast of staff, one per role, in two schools of one trust and one school of another."""

import pytest
from django.conf import settings
from django.test import TransactionTestCase
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.accounts.roles import Role
from pastoral.database import as_owner, connect_every_thread_as
from pastoral.tests.factories import MembershipFactory, PupilFactory, SchoolFactory, TrustFactory, UserFactory

# The test databases are created and migrated by the owner role, as a deploy
# does, and every test then runs as the runtime role the app uses in
# production, so a missing grant fails here rather than after a release.
# Threads (live_server, Celery worker threads) open their connections from
# the same settings, so they follow the switch too.
RUNTIME = {key: settings.DATABASES["default"][key] for key in ("USER", "PASSWORD")}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    if settings.DATABASE_OWNER:
        connect_every_thread_as(settings.DATABASE_OWNER)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connect_every_thread_as(RUNTIME)
    yield
    if settings.DATABASE_OWNER:
        with django_db_blocker.unblock():
            connect_every_thread_as(settings.DATABASE_OWNER)


def flush_as_owner(original):
    # transaction=True tests end with a flush, a TRUNCATE of every table,
    # which the runtime role may not do (that is the point).
    def fixture_teardown(self):
        with as_owner():
            original(self)

    return fixture_teardown


TransactionTestCase._fixture_teardown = flush_as_owner(TransactionTestCase._fixture_teardown)


@pytest.fixture
def trust(db):
    return TrustFactory(name="Northfield Learning Trust")


@pytest.fixture
def school(trust):
    return SchoolFactory(trust=trust, name="Northfield Academy")


@pytest.fixture
def sister_school(trust):
    return SchoolFactory(trust=trust, name="Riverside Primary")


@pytest.fixture
def other_trust_school(db):
    return SchoolFactory(name="Elsewhere High")


def make_staff(school, role, username, trust=None):
    user = UserFactory(username=username, first_name=username.capitalize(), last_name="Tester")
    if school is None:
        MembershipFactory(user=user, school=None, trust=trust, role=role)
    else:
        MembershipFactory(user=user, school=school, trust=school.trust, role=role)
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


@pytest.fixture
def headteacher(school):
    return make_staff(school, Role.HEADTEACHER, "head")


@pytest.fixture
def dsl(school):
    return make_staff(school, Role.DSL, "dsl")


@pytest.fixture
def deputy_dsl(school):
    return make_staff(school, Role.DEPUTY_DSL, "ddsl")


@pytest.fixture
def pastoral_lead(school):
    return make_staff(school, Role.PASTORAL_LEAD, "plead")


@pytest.fixture
def pastoral_staff(school):
    return make_staff(school, Role.PASTORAL_STAFF, "pastoral")


@pytest.fixture
def senco(school):
    return make_staff(school, Role.SENCO, "senco")


@pytest.fixture
def teacher(school):
    return make_staff(school, Role.TEACHER, "teacher")


@pytest.fixture
def it_admin(school):
    return make_staff(school, Role.IT_ADMIN, "itadmin")


@pytest.fixture
def trust_leader(trust, school):
    return make_staff(None, Role.TRUST_LEADER, "trustlead", trust=trust)


@pytest.fixture
def other_school_dsl(sister_school):
    return make_staff(sister_school, Role.DSL, "otherdsl")


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")


@pytest.fixture
def other_school_pupil(sister_school):
    return PupilFactory(school=sister_school, legal_first_name="Oscar", legal_last_name="Outside")


def verified_client(client, user):
    """Sign the user in with a passed TOTP check, as after a real two-factor login."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user, backend="pastoral.accounts.auth_backends.UsernameOrEmailBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_user(client):
    def sign_in(user):
        return verified_client(client, user)

    return sign_in
