import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral import audit, demo
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry, FamilyContact, Membership, Professional, Pupil, School, Term, User
from pastoral.pupils.upn import upn_problem


@pytest.fixture
def seeded(db):
    return demo.seed_demo()


def run_seed_command(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def totp_code(username):
    out = io.StringIO()
    call_command("totp_code", username, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


@pytest.mark.django_db
def test_it_creates_a_trust_with_a_secondary_and_a_primary_school_of_about_600_pupils(seeded):
    assert seeded.created
    schools = {s.name: s for s in School.objects.filter(trust=seeded.trust)}
    assert set(schools) == {"Northfield Academy", "Riverside Primary"}
    assert schools["Northfield Academy"].phase == School.Phase.SECONDARY
    assert schools["Riverside Primary"].phase == School.Phase.PRIMARY
    assert 550 <= Pupil.objects.filter(school__trust=seeded.trust).count() <= 650
    secondary = Pupil.objects.filter(school=schools["Northfield Academy"])
    secondary_years = set(secondary.values_list("year_group", flat=True))
    primary_years = set(Pupil.objects.filter(school=schools["Riverside Primary"]).values_list("year_group", flat=True))
    assert secondary_years == {7, 8, 9, 10, 11}
    assert primary_years == {0, 1, 2, 3, 4, 5, 6}
    assert Pupil.objects.filter(school=schools["Northfield Academy"], form="7N").exists()
    assert Pupil.objects.filter(school=schools["Riverside Primary"], form="Oak").exists()


@pytest.mark.django_db
def test_it_gives_every_pupil_a_valid_unique_upn_and_an_age_that_fits_their_year_group(seeded):
    pupils = list(Pupil.objects.all())
    assert [p.upn for p in pupils if upn_problem(p.upn) is not None] == []
    assert len({p.upn for p in pupils}) == len(pupils)
    # On 31 August before the academic year a Reception child is 4 and a Year 7 pupil 11.
    year_start = demo.academic_year_start(timezone.localdate())
    cut_off = datetime.date(year_start, 8, 31)
    assert [p for p in pupils if p.age_on(cut_off) != p.year_group + 4] == []


@pytest.mark.django_db
def test_it_fills_every_role_with_a_current_membership(seeded):
    current = [m for m in Membership.objects.filter(trust=seeded.trust) if m.is_current]
    assert {m.role for m in current} == set(Role.values)
    assert Membership.objects.filter(trust=seeded.trust, school=None, role=Role.TRUST_LEADER).exists()
    dsl = User.objects.get(username="dsl.northfield")
    assert {(m.school.name, m.role) for m in dsl.memberships.all()} == {
        ("Northfield Academy", Role.DSL),
        ("Riverside Primary", Role.DEPUTY_DSL),
    }


@pytest.mark.django_db
def test_it_signs_every_account_in_with_the_demo_password_and_a_known_authenticator(seeded):
    users = User.objects.filter(memberships__trust=seeded.trust).distinct()
    assert users.count() == len(demo.STAFF)
    assert all(user.check_password(demo.DEMO_PASSWORD) for user in users)
    without_device = users.exclude(totpdevice__confirmed=True)
    assert list(without_device.values_list("username", flat=True)) == ["newstarter.northfield"]
    device = TOTPDevice.objects.get(user__username="head.northfield")
    assert device.name == "Authenticator app"
    assert device.key == demo.totp_key("head.northfield")
    account = next(a for a in seeded.accounts if a.username == "head.northfield")
    assert account.totp_secret == demo.base32_secret(device.key)


@pytest.mark.django_db
def test_it_gives_every_pupil_a_family_contact_and_vulnerable_pupils_their_professionals(seeded):
    assert not Pupil.objects.filter(contacts__isnull=True).exists()
    assert FamilyContact.objects.filter(mobile__startswith="07700 900").count() == FamilyContact.objects.count()
    cp = Pupil.objects.filter(child_protection_plan=True)
    assert cp.exists()
    assert not cp.exclude(professionals__kind=Professional.Kind.SOCIAL_WORKER).exists()
    cla = Pupil.objects.filter(looked_after=True)
    assert cla.exists()
    assert not cla.exclude(professionals__kind=Professional.Kind.VIRTUAL_SCHOOL).exists()
    assert not cla.filter(pupil_premium=False).exists()


@pytest.mark.django_db
def test_it_sets_flags_at_realistic_rates_and_uses_accented_names(seeded):
    pupils = Pupil.objects.all()
    n = pupils.count()

    def rate(**lookup):
        return pupils.filter(**lookup).count() / n

    assert 0.11 <= rate(sen_status=Pupil.SEN.SUPPORT) <= 0.15
    assert 0.02 <= rate(sen_status=Pupil.SEN.EHCP) <= 0.04
    assert 0.22 <= rate(pupil_premium=True) <= 0.28
    assert 0.15 <= rate(eal=True) <= 0.21
    assert 0.04 <= pupils.exclude(medical_alert="").count() / n <= 0.06
    assert pupils.filter(medical_alert__icontains="adrenaline pen").exists()
    assert pupils.filter(leaving_date__lt=timezone.localdate()).exists()
    assert not pupils.filter(leaving_date__gte=timezone.localdate()).exists()
    assert pupils.filter(school__name="Northfield Academy", keyworker__isnull=False).exists()
    assert any(not name.isascii() for name in pupils.values_list("legal_first_name", flat=True))
    assert pupils.filter(legal_first_name__in=["Zoë", "Chloé", "Siobhán", "José", "Amélie", "Jürgen"]).exists()


@pytest.mark.django_db
def test_it_builds_this_and_last_academic_year_with_three_terms_each(seeded):
    today = timezone.localdate()
    for school in seeded.schools:
        years = list(school.academic_years.order_by("start"))
        assert len(years) == 2
        assert years[1].start <= today <= years[1].end
        for year in years:
            terms = list(year.terms.order_by("start"))
            assert [t.name for t in terms] == ["Autumn", "Spring", "Summer"]
            assert all(year.start <= t.start < t.end <= year.end for t in terms)
        assert demo.activity_term(school).start <= today


@pytest.mark.django_db
def test_it_does_not_duplicate_on_a_second_run(seeded):
    before = (Pupil.objects.count(), User.objects.count(), Membership.objects.count(), FamilyContact.objects.count())
    again = demo.seed_demo()
    assert not again.created
    assert again.trust == seeded.trust
    after = (Pupil.objects.count(), User.objects.count(), Membership.objects.count(), FamilyContact.objects.count())
    assert after == before


@pytest.mark.django_db
def test_it_reports_an_existing_demo_trust_from_the_command_and_exits_cleanly(seeded, settings):
    settings.DEBUG = True
    output = run_seed_command()
    assert "already exists" in output
    assert "head.northfield" in output
    assert Pupil.objects.count() == seeded.pupil_count


@pytest.mark.django_db
def test_it_prints_the_accounts_table_when_seeding_from_the_command(settings):
    settings.DEBUG = True
    output = run_seed_command("--seed", "7")
    assert "Created Northfield Learning Trust" in output
    assert demo.DEMO_PASSWORD in output
    assert "python manage.py totp_code <username>" in output
    assert demo.base32_secret(demo.totp_key("teacher.riverside", 7)) in output


@pytest.mark.django_db
def test_it_rebuilds_identical_data_after_a_reset_when_nobody_has_used_the_demo(seeded, settings):
    settings.DEBUG = True
    before = sorted(Pupil.objects.values_list("upn", "legal_first_name", "legal_last_name", "code"))
    run_seed_command("--reset")
    after = sorted(Pupil.objects.values_list("upn", "legal_first_name", "legal_last_name", "code"))
    assert after == before
    assert Pupil.objects.count() == seeded.pupil_count


@pytest.mark.django_db
def test_it_refuses_a_reset_once_the_audit_log_refers_to_the_demo(seeded, settings):
    settings.DEBUG = True
    audit.record("auth.login.succeeded", actor=User.objects.get(username="dsl.northfield"))
    with pytest.raises(CommandError, match="make reset-db"):
        run_seed_command("--reset")
    assert Pupil.objects.count() == seeded.pupil_count


@pytest.mark.django_db
def test_it_refuses_to_seed_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run_seed_command()
    assert not School.objects.exists()


@pytest.mark.django_db
def test_it_writes_nothing_to_the_audit_log(seeded):
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_it_calls_each_registered_seeder_once_per_school_with_the_term_to_fill(monkeypatch):
    monkeypatch.setattr(demo, "_SEEDERS", {})
    calls = []
    demo.register_seeder("example", lambda *args: calls.append(args))

    result = demo.seed_demo()

    assert [school.name for school, *_ in calls] == ["Northfield Academy", "Riverside Primary"]
    today = timezone.localdate()
    for school, staff_by_role, pupils, rng, term in calls:
        assert isinstance(rng, random.Random)
        assert isinstance(term, Term) and term.academic_year.school == school and term.start <= today
        assert staff_by_role[Role.DSL] and staff_by_role[Role.TRUST_LEADER]
        assert all(p.pk and p.school_id == school.pk and p.on_roll for p in pupils)
        assert len(pupils) == school.pupils.filter(leaving_date__isnull=True).count()
    riverside_deputies = {u.username for u in calls[1][1][Role.DEPUTY_DSL]}
    assert riverside_deputies == {"deputy.riverside", "dsl.northfield"}
    assert result.created


@pytest.mark.django_db
def test_it_prints_a_totp_code_that_the_device_accepts(seeded, settings):
    settings.DEBUG = True
    code = totp_code("dsl.northfield")
    assert len(code) == 6 and code.isdigit()
    assert TOTPDevice.objects.get(user__username="dsl.northfield").verify_token(code) is True


@pytest.mark.django_db
def test_it_refuses_to_print_a_totp_code_when_debug_is_off(seeded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        totp_code("dsl.northfield")


@pytest.mark.django_db
def test_it_explains_when_an_account_has_no_authenticator_or_does_not_exist(seeded, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="no confirmed authenticator"):
        totp_code("newstarter.northfield")
    with pytest.raises(CommandError, match="no account"):
        totp_code("nobody.northfield")


def test_it_records_the_closures_of_both_years_and_they_validate(seeded):
    from pastoral.models import SchoolClosure

    for school in seeded.schools:
        closures = list(SchoolClosure.objects.filter(school=school))
        assert {c.kind for c in closures} == {"half_term", "inset", "bank_holiday"}
        assert sum(c.kind == "half_term" for c in closures) == 6
        for closure in closures:
            closure.full_clean()


def test_demo_calendar_has_half_terms_an_inset_day_and_bank_holidays_in_term():
    from pastoral.demo import closure_dates, term_dates
    from pastoral.models import SchoolClosure

    rows = closure_dates(2026)
    kinds = [kind for kind, *_rest in rows]
    assert kinds.count(SchoolClosure.Kind.HALF_TERM) == 3
    assert kinds.count(SchoolClosure.Kind.INSET) == 1
    assert (
        SchoolClosure.Kind.BANK_HOLIDAY,
        "Early May bank holiday",
        datetime.date(2027, 5, 3),
        datetime.date(2027, 5, 3),
    ) in rows
    terms = term_dates(2026)
    for _kind, _name, start, end in rows:
        assert any(first <= start and end <= last for _term, first, last in terms)
