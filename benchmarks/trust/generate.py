"""A trust of twenty schools with three years of records, written straight into the app's tables.

The small tables (trust, schools, calendars, staff, pupils and their contacts) go through the ORM and the demo
seeder's pupil maker, so they look like the demo's. The big ones (behaviour events and what hangs off them,
safeguarding concerns, restrictive interventions, the audit log) are written with COPY, school by school.

Everything random comes from `random.Random(plan.seed)` except record codes and submission keys (uuid4).
"""

import array
import bisect
import contextlib
import datetime
import itertools
import random
import uuid
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from behaviour.detentions.models import Detention, DetentionSession, DetentionType
from behaviour.events.demo import DESCRIPTIONS
from behaviour.events.models import PupilRole
from behaviour.events.services import categories_seed_defaults, milestones_seed
from behaviour.interventions.services import techniques_seed_defaults
from behaviour.models import (
    BehaviourCategory,
    BehaviourEvent,
    BullyingIncident,
    BullyingInvolvement,
    BullyingType,
    ExclusionReasonCode,
    Incident,
    InterventionTechnique,
    Location,
    Removal,
    RestorativeMeeting,
    RestrictiveIntervention,
    Suspension,
)
from behaviour.removals.demo import REMOVAL_REASONS, REMOVED_TO
from behaviour.rules.models import BehaviourRuleHit, BehaviourRuleRecipient
from behaviour.rules.services import rules_seed_default
from pastoral.accounts.roles import Role
from pastoral.demo import SchoolPlan, _Seeder, closure_dates, term_dates
from pastoral.models import AcademicYear, AuditEntry, Membership, Pupil, School, SchoolClosure, Term, Trust, User
from pastoral.pupils.upn import make_upn
from safeguarding.demo import SCENARIOS
from safeguarding.models import Concern, ConcernCategory, DecisionRecord

from . import bulk

TRUST_NAME = "Pennine Schools Trust"
PASSWORD = "bench-pastoral-2026"
# Bumped whenever the shape of the data changes, so an older data set is rebuilt rather than measured.
# 2: events carry the pupil's role; each school has its rising rule (with alerts from it), detention types, sessions
# and detentions.
VERSION = 2
LONDON = ZoneInfo("Europe/London")

# The full trust the issue describes; Plan.at_scale shrinks it by whole schools.
FULL = {
    "schools": 20,
    "events": 2_050_000,
    "concerns": 40_500,
    "interventions": 10_300,
    "audit": 2_200_000,
}

TOWNS = (
    "Halifax Moor", "Todmorden", "Hebden Bridge", "Sowerby", "Elland", "Brighouse", "Ripponden", "Mytholm",
    "Luddenden", "Heptonstall", "Holmfirth", "Marsden", "Slaithwaite", "Meltham", "Honley", "Denby Dale",
    "Kirkburton", "Skelmanthorpe", "Lindley", "Golcar", "Outlane", "Stainland",
)  # fmt: skip

# Staff of one school, in the order they are made: a small plan keeps the first ones.
ROLE_MIX = (
    (Role.HEADTEACHER, "head", 1),
    (Role.DSL, "dsl", 1),
    (Role.PASTORAL_LEAD, "pastorallead", 1),
    (Role.PASTORAL_STAFF, "pastoral", 5),
    (Role.DEPUTY_DSL, "deputy", 2),
    (Role.SENCO, "senco", 1),
    (Role.TEACHER, "teacher", 10_000),
)


def staff_of(count, index):
    """[(role, username)] for one school: the full mix when there is room, otherwise one of each and teachers."""
    quotas = [limit for _role, _prefix, limit in ROLE_MIX[:-1]]
    if count < sum(quotas) + 1:
        quotas = [1] * len(quotas)
    quotas.append(count - sum(quotas))
    return [
        (role, f"{prefix}{n if limit > 1 else ''}.s{index:02d}")
        for (role, prefix, limit), quota in zip(ROLE_MIX, quotas, strict=True)
        for n in range(1, quota + 1)
    ]


# Detention types every bench school runs, Monday to Thursday: name, kind, start, minutes, capacity, room.
DETENTION_TYPES = (
    ("Lunch detention", DetentionType.Kind.LUNCH, datetime.time(12, 30), 30, 25, "Room 12"),
    ("After-school detention", DetentionType.Kind.AFTER_SCHOOL, datetime.time(15, 20), 60, 30, "Library"),
)
DETENTION_DAYS = 70
RULE_HIT_DAYS = 56
# A negative event's pupil is mostly just "involved"; the rest as the quick log's role picker offers.
NEGATIVE_ROLES = (PupilRole.INVOLVED, PupilRole.INSTIGATOR, PupilRole.TARGET, PupilRole.WITNESS, PupilRole.BYSTANDER)
NEGATIVE_ROLE_WEIGHTS = (70, 14, 9, 4, 3)

PERIODS = (
    ("Registration", 8, 40), ("P1", 9, 0), ("P2", 10, 0), ("Break", 10, 55), ("P3", 11, 15), ("P4", 12, 15),
    ("Lunch", 12, 50), ("P5", 13, 40), ("P6", 14, 40), ("After school", 15, 30),
)  # fmt: skip
PERIOD_WEIGHTS = (4, 12, 12, 6, 12, 12, 8, 12, 10, 2)
CONCERN_WEIGHTS = {
    "Neglect": 14, "Emotional abuse": 10, "Mental health": 18, "Domestic abuse": 9, "Online safety": 8,
    "Attendance / children missing education": 9, "Physical abuse": 6, "Other": 6,
}  # fmt: skip
DEESCALATION_KEYS = [key for key, _label in RestrictiveIntervention.DEESCALATION]
IPS = [f"10.20.{n // 250}.{n % 250 + 2}" for n in range(40)]


@dataclass(frozen=True)
class Plan:
    schools: int = FULL["schools"]
    secondary_pupils: int = 1400
    primary_pupils: int = 437
    staff_per_school: int = 50
    events: int = FULL["events"]
    concerns: int = FULL["concerns"]
    interventions: int = FULL["interventions"]
    audit: int = FULL["audit"]
    profile_events: int = 840
    years: int = 3
    seed: int = 2026

    @classmethod
    def at_scale(cls, scale):
        """The full trust with fewer schools: every per-school figure stays as it is."""
        schools = max(1, round(FULL["schools"] * scale))
        share = schools / FULL["schools"]
        return cls(
            schools=schools,
            events=round(FULL["events"] * share),
            concerns=round(FULL["concerns"] * share),
            interventions=round(FULL["interventions"] * share),
            audit=round(FULL["audit"] * share),
        )

    def is_secondary(self, index):
        # Twelve of twenty are secondaries, spread through the list; a one-school trust is a secondary.
        return index % 5 in (0, 1, 3)

    def describe(self):
        return asdict(self)


@dataclass
class SchoolData:
    index: int
    school: School
    pupils: list  # (id, year_group, date_of_birth, sen_status, on_roll)
    staff: dict  # Role -> [user id]
    categories: list  # (id, kind, name)
    locations: list
    concern_categories: list  # (id, name)
    techniques: list
    days: list  # school days, oldest first, up to today
    rising_rule: int = 0
    detention_types: list = field(default_factory=list)  # (id, start time, minutes, capacity, location, run by)
    share: float = 0.0
    counts: dict = field(default_factory=dict)


class _PupilMaker(_Seeder):
    """The demo's pupil maker, with UPNs numbered per bench school so twenty schools never collide."""

    establishment = 4000

    def upn(self, la_code, establishment, reception_year):
        bucket = (self.establishment, reception_year % 100)
        serial = self.upn_serials.get(bucket, 0) + 1
        self.upn_serials[bucket] = serial
        return make_upn(383, self.establishment, reception_year, serial)


def _school_plan(plan, index):
    letters = "ABCDEFGHJKLMNPRSTUVW"
    if plan.is_secondary(index):
        per_year = max(plan.secondary_pupils // 5, 1)
        forms = max(1, min(len(letters), round(per_year / 28)))
        return SchoolPlan(
            key=f"s{index:02d}",
            name=f"{TOWNS[index % len(TOWNS)]} Academy",
            phase=School.Phase.SECONDARY,
            urn=f"{150000 + index}",
            establishment=4000 + index,
            year_groups=(7, 8, 9, 10, 11),
            per_year=per_year,
            classes={year: [f"{year}{letter}" for letter in letters[:forms]] for year in range(7, 12)},
            houses=("Brontë", "Hughes", "Lister", "Shackleton"),
            domain=f"s{index:02d}.bench.example.org",
        )
    per_year = max(plan.primary_pupils // 7, 1)
    trees = ("Alder", "Birch", "Cherry", "Elm", "Hawthorn", "Larch", "Maple", "Pine", "Rowan", "Yew")
    classes = {year: [f"{trees[(year * 2 + n) % len(trees)]}" for n in range(1 + (per_year > 40))] for year in range(7)}
    return SchoolPlan(
        key=f"s{index:02d}",
        name=f"{TOWNS[index % len(TOWNS)]} Primary",
        phase=School.Phase.PRIMARY,
        urn=f"{150000 + index}",
        establishment=4000 + index,
        year_groups=tuple(range(7)),
        per_year=per_year,
        classes=classes,
        domain=f"s{index:02d}.bench.example.org",
    )


def _lognormal_weights(rng, count, sigma):
    return [rng.lognormvariate(0, sigma) for _ in range(count)]


def _cumulative(weights):
    return list(itertools.accumulate(weights))


def _aware(day, hour, minute):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


class Generator:
    def __init__(self, plan, *, today=None, log=print, drop_indexes=True):
        self.plan = plan
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.rng = random.Random(plan.seed)
        self.log = log
        self.drop_indexes = drop_indexes
        self.stats = {}

    # -- core: ORM ---------------------------------------------------------------------------------

    def run(self):
        with transaction.atomic():
            self.make_core()
            raw = connection.cursor().cursor
            raw.execute("SET LOCAL synchronous_commit = off")
            self.prepare_tables(raw)
            tables = [table.table for table in self.tables.values()] + [name for name, _l, _r in self.m2m.values()]
            dropping = bulk.indexes_dropped(raw, tables) if self.drop_indexes else contextlib.nullcontext()
            with dropping:
                for data in self.schools:
                    self.load_school(raw, data)
                self.log("rebuilding indexes and foreign keys")
        self.stats.update({name: table.rows for name, table in self.tables.items()})
        return self.stats

    def make_core(self):
        plan, rng = self.plan, self.rng
        trust = Trust.objects.create(name=TRUST_NAME)
        self.trust = trust
        maker = _PupilMaker(plan.seed, self.today)
        year_start = maker.year_start
        password = make_password(PASSWORD)
        leaders = [
            self._user("leader.trust", "Alison", "Gray", "Chief Executive Officer", password),
            self._user("dsl.trust", "Imran", "Saleem", "Trust Safeguarding Lead", password),
        ]
        User.objects.bulk_create(leaders)
        Membership.objects.bulk_create(
            [
                Membership(user=leaders[0], trust=trust, role=Role.TRUST_LEADER, starts_on=datetime.date(2019, 9, 1)),
                Membership(user=leaders[1], trust=trust, role=Role.TRUST_DSL, starts_on=datetime.date(2019, 9, 1)),
            ]
        )
        devices = [self._device(user) for user in leaders]
        self.schools = []
        weights = []
        for index in range(plan.schools):
            school_plan = _school_plan(plan, index)
            school = School.objects.create(
                trust=trust,
                name=school_plan.name,
                urn=school_plan.urn,
                phase=school_plan.phase,
                local_authority="Calderdale" if index % 2 else "Kirklees",
                pastoral_email=f"pastoral@{school_plan.domain}",
            )
            self.make_calendar(school, year_start)
            categories_seed_defaults(school=school)
            techniques_seed_defaults(school=school)
            milestones_seed(school=school)
            rising = rules_seed_default(school=school)
            users, memberships, staff = [], [], {}
            for made, (role, username) in enumerate(staff_of(max(plan.staff_per_school, 8), index)):
                first = rng.choice(("Sam", "Jo", "Alex", "Chris", "Nadia", "Priya", "Tom", "Ruth", "Kwame"))
                user = self._user(username, first, f"Staff{index:02d}{made:03d}", role.label, password)
                users.append(user)
                memberships.append(
                    Membership(
                        user=user,
                        trust=trust,
                        school=school,
                        role=role,
                        starts_on=datetime.date(year_start - rng.randint(3, 10), 9, 1),
                    )
                )
                staff.setdefault(role, []).append(user)
            User.objects.bulk_create(users)
            Membership.objects.bulk_create(memberships)
            devices += [self._device(user) for user in users]
            maker.establishment = 4000 + index
            maker.rng = random.Random(f"{plan.seed}:{index}")
            pupils = maker.make_pupils(school_plan, school, keyworkers=staff.get(Role.PASTORAL_STAFF, []))
            rows = [
                (p.pk, p.year_group, p.date_of_birth, p.sen_status, p.leaving_date is None)
                for p in sorted(pupils, key=lambda p: p.pk)
            ]
            data = SchoolData(
                index=index,
                school=school,
                pupils=rows,
                staff={role: [user.pk for user in users] for role, users in staff.items()},
                categories=list(BehaviourCategory.objects.filter(school=school).values_list("id", "kind", "name")),
                locations=list(Location.objects.filter(school=school).values_list("id", flat=True)),
                concern_categories=list(ConcernCategory.objects.filter(school=school).values_list("id", "name")),
                techniques=list(InterventionTechnique.objects.filter(school=school).values_list("id", flat=True)),
                days=self.school_days(school),
                rising_rule=rising.pk,
            )
            data.detention_types = self.make_detention_types(school, staff)
            self.schools.append(data)
            weights.append(len(rows) * (1.0 if plan.is_secondary(index) else 0.45))
        TOTPDevice.objects.bulk_create(devices)
        total = sum(weights)
        for data, weight in zip(self.schools, weights, strict=True):
            data.share = weight / total
        offered = ExclusionReasonCode.objects.filter(confirmed=True)
        self.reasons = list(offered.values_list("id", "valid_from", "valid_to"))
        self.content_types = {
            model: ContentType.objects.get_for_model(model).pk
            for model in (BehaviourEvent, Concern, RestrictiveIntervention, Removal, Pupil)
        }
        self.stats.update(
            schools=len(self.schools),
            pupils=sum(len(data.pupils) for data in self.schools),
            staff=User.objects.count(),
        )
        self.log(f"made {len(self.schools)} schools, {self.stats['pupils']} pupils and {self.stats['staff']} staff")

    def make_detention_types(self, school, staff):
        runners = staff.get(Role.TEACHER) or [user for users in staff.values() for user in users]
        made = []
        for index, (name, kind, start, minutes, capacity, location) in enumerate(DETENTION_TYPES):
            kept = DetentionType.objects.create(
                school=school,
                name=name,
                kind=kind,
                start_time=start,
                duration_minutes=minutes,
                capacity=capacity,
                location=location,
                run_by=runners[index % len(runners)],
                notice_required=kind == DetentionType.Kind.AFTER_SCHOOL,
                weekdays="0123",
            )
            made.append((kept.pk, start, minutes, capacity, location, kept.run_by_id))
        return made

    def _user(self, username, first, last, title, password):
        return User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@bench.example.org",
            job_title=title,
            password=password,
        )

    def _device(self, user):
        return TOTPDevice(user=user, name="Authenticator app", confirmed=True, key=self.rng.randbytes(20).hex())

    def make_calendar(self, school, year_start):
        terms, closures = [], []
        for start_year in range(year_start - self.plan.years + 1, year_start + 1):
            year = AcademicYear.objects.create(
                school=school,
                name=f"{start_year}/{(start_year + 1) % 100:02d}",
                start=datetime.date(start_year, 9, 1),
                end=datetime.date(start_year + 1, 8, 31),
            )
            terms += [Term(academic_year=year, name=n, start=s, end=e) for n, s, e in term_dates(start_year)]
            closures += [
                SchoolClosure(school=school, kind=kind, name=name, start=start, end=end)
                for kind, name, start, end in closure_dates(start_year)
            ]
        Term.objects.bulk_create(terms)
        SchoolClosure.objects.bulk_create(closures)

    def school_days(self, school):
        closed = set()
        for closure in SchoolClosure.objects.filter(school=school):
            day = closure.start
            while day <= closure.end:
                closed.add(day)
                day += datetime.timedelta(days=1)
        days = []
        for term in Term.objects.filter(academic_year__school=school).order_by("start"):
            day = term.start
            while day <= min(term.end, self.today):
                if day.weekday() < 5 and day not in closed:
                    days.append(day)
                day += datetime.timedelta(days=1)
        return days

    # -- bulk: COPY ---------------------------------------------------------------------------------

    def prepare_tables(self, raw):
        T = bulk.Table
        self.tables = {
            "behaviour_events": T(
                BehaviourEvent,
                [
                    "code", "school", "pupil", "category", "occurred_at", "location", "period", "description",
                    "recorded_by", "created_at", "group", "submission_key", "voided_at", "voided_by", "void_reason",
                    "role",
                ],
            ),
            "removals": T(
                Removal,
                [
                    "code", "school", "pupil", "event", "removed_at", "lesson", "reason", "removed_to",
                    "duration_minutes", "parents_told", "parents_told_at", "parents_told_how", "parents_told_by",
                    "recorded_by", "created_at", "submission_key",
                ],
            ),
            "incidents": T(
                Incident,
                [
                    "code", "school", "group", "antecedent", "behaviour", "consequence", "dysregulated",
                    "parents_informed", "parents_informed_at", "parents_informed_how", "parents_informed_by",
                    "recorded_by", "created_at", "submission_key",
                ],
            ),
            "suspensions": T(
                Suspension,
                [
                    "code", "school", "pupil", "kind", "status", "start_date", "length_units", "end_date", "summary",
                    "decided_by", "decided_at", "recorded_by", "created_at", "updated_at", "submission_key",
                ],
            ),
            "bullying": T(
                BullyingIncident,
                [
                    "code", "school", "occurred_on", "types", "description", "outcome", "recorded_by", "created_at",
                    "submission_key",
                ],
            ),
            "bullying_involvements": T(BullyingInvolvement, ["bullying", "pupil", "role"]),
            "restorative": T(
                RestorativeMeeting,
                [
                    "code", "school", "held_on", "people_present", "agreed", "repair_happened", "recorded_by",
                    "created_at", "submission_key",
                ],
            ),
            "concerns": T(
                Concern,
                [
                    "code", "school", "reporter", "reported_at", "occurred_at", "location", "category", "account",
                    "child_words", "immediate_action", "urgent", "status", "owner", "decision", "outcome",
                    "referral_made", "closed_at", "closed_by", "submission_key",
                ],
            ),
            "decisions": T(DecisionRecord, ["concern", "decision", "reason", "decided_by", "decided_at"]),
            "interventions": T(
                RestrictiveIntervention,
                [
                    "code", "school", "pupil", "sen_status", "age", "occurred_on", "started_at", "ended_at",
                    "duration_minutes", "location", "antecedents", "deescalation", "intervention_type", "technique",
                    "rationale", "support_offered", "recorded_by", "recorded_at", "submission_key",
                    "parent_reported_at", "parent_report_method", "parent_reported_to", "parent_report_content",
                    "parent_reported_by", "reviewed_at", "reviewed_by", "proportionate", "in_line_with_training",
                ],
            ),
            "detention_sessions": T(
                DetentionSession,
                ["code", "school", "type", "date", "start_time", "duration_minutes", "capacity", "location", "run_by"],
            ),
            "detentions": T(
                Detention,
                [
                    "code", "school", "pupil", "session", "starts_at", "event", "reason", "status", "notice_required",
                    "set_by", "set_at", "marked_by", "marked_at", "mark_note", "escalation_note", "submission_key",
                    "void_reason",
                ],
            ),
            "rule_hits": T(
                BehaviourRuleHit,
                ["code", "school", "rule", "pupil", "window_start", "fired_at", "summary", "detention_suggested"],
            ),
            "rule_recipients": T(BehaviourRuleRecipient, ["hit", "user", "seen_at"]),
            "audit_entries": T(
                AuditEntry,
                [
                    "at", "actor", "actor_label", "school", "action", "content_type", "object_id", "object_repr",
                    "pupil", "ip_address",
                ],
            ),
        }  # fmt: skip
        self.m2m = {
            "incident_events": bulk.through(Incident, "events"),
            "incident_pupils": bulk.through(Incident, "pupils"),
            "suspension_reasons": bulk.through(Suspension, "reasons"),
            "suspension_incidents": bulk.through(Suspension, "incidents"),
            "bullying_events": bulk.through(BullyingIncident, "events"),
            "restorative_incidents": bulk.through(RestorativeMeeting, "incidents"),
            "restorative_pupils": bulk.through(RestorativeMeeting, "pupils"),
            "concern_pupils": bulk.through(Concern, "pupils"),
            "intervention_staff": bulk.through(RestrictiveIntervention, "staff_involved"),
            "rule_hit_events": bulk.through(BehaviourRuleHit, "events"),
        }
        self.usernames = dict(User.objects.values_list("id", "username"))

    def take_ids(self, raw, name, count):
        """`count` ids from the table's own sequence, so rows saved later through the ORM never collide."""
        return bulk.take_ids(raw, self.tables[name].table, count)

    def pairs(self, raw, name, pairs):
        table, left, right = self.m2m[name]
        count = bulk.copy_pairs(raw, table, left, right, pairs)
        self.stats[name] = self.stats.get(name, 0) + count

    def load_school(self, raw, data):
        rng = random.Random(f"{self.plan.seed}:events:{data.index}")
        events = self.load_events(raw, data, rng)
        self.load_behaviour_records(raw, data, events, rng)
        self.load_detentions(raw, data, events, rng)
        self.load_rule_hits(raw, data, events, rng)
        concerns = self.load_concerns(raw, data, rng)
        interventions = self.load_interventions(raw, data, rng)
        self.load_audit(raw, data, events, concerns, interventions, rng)
        self.log(
            f"{data.school.name}: {len(data.pupils)} pupils, {len(events.ids)} events, {len(concerns)} concerns, "
            f"{len(interventions)} interventions"
        )

    def staff_ids(self, data, *roles):
        return [user for role in roles for user in data.staff.get(role, [])]

    def when(self, data, rng, period_index=None):
        day = data.days[rng.randrange(len(data.days))]
        if period_index is None:
            period_index = rng.choices(range(len(PERIODS)), PERIOD_WEIGHTS)[0]
        _name, hour, minute = PERIODS[period_index]
        moment = _aware(day, hour, min(minute + rng.randrange(20), 59))
        return min(moment, self.now), period_index

    def load_events(self, raw, data, rng):
        plan = self.plan
        count = round(plan.events * data.share)
        pupils = [row[0] for row in data.pupils]
        # Most pupils have a few events a term, a few have hundreds: negative events follow a heavier tail.
        positive_weights = _lognormal_weights(rng, len(pupils), 0.6)
        negative_weights = _lognormal_weights(rng, len(pupils), 1.5)
        profile = None
        if data.index == 0 and plan.profile_events and count > plan.profile_events * 2:
            # One pupil with a long history, for the profile page: a Year 10 on roll since Year 7. Their events
            # are all given to them below, so the random draws skip them.
            candidates = [row for row in data.pupils if row[1] == 10 and row[4]] or data.pupils
            profile = candidates[0][0]
            positive_weights[pupils.index(profile)] = 0
            negative_weights[pupils.index(profile)] = 0
            self.stats["profile_pupil"] = str(Pupil.objects.values_list("code", flat=True).get(pk=profile))
            self.stats["profile_school"] = data.school.name
        positive_weights = _cumulative(positive_weights)
        negative_weights = _cumulative(negative_weights)
        positive = [row for row in data.categories if row[1] == "positive"]
        negative = [row for row in data.categories if row[1] == "negative"]
        fighting = [row for row in negative if row[2] == "Fighting"]
        other_negative = [row for row in negative if row[2] != "Fighting"] or negative
        recorders = self.staff_ids(data, Role.TEACHER, Role.PASTORAL_STAFF, Role.PASTORAL_LEAD) or self.staff_ids(
            data, *data.staff
        )
        leads = self.staff_ids(data, Role.PASTORAL_LEAD, Role.HEADTEACHER, Role.DSL)
        locations = data.locations
        table = self.tables["behaviour_events"]
        ids = self.take_ids(raw, "behaviour_events", count)
        kept = _Events()
        forced = plan.profile_events if profile is not None else 0
        school_id = data.school.pk

        def rows():
            for offset in range(count):
                if offset < forced:
                    pupil = profile
                    category = rng.choice(other_negative if rng.random() < 0.55 else positive)
                elif rng.random() < 0.7:
                    category = rng.choice(positive)
                    pupil = pupils[bisect.bisect(positive_weights, rng.random() * positive_weights[-1])]
                else:
                    category = fighting[0] if fighting and rng.random() < 0.02 else rng.choice(other_negative)
                    pupil = pupils[bisect.bisect(negative_weights, rng.random() * negative_weights[-1])]
                occurred_at, period_index = self.when(data, rng)
                recorder = rng.choice(recorders)
                voided = rng.random() < 0.01
                event_id = ids[offset]
                group = uuid.uuid4()
                kept.add(event_id, pupil, category[0], category[1] == "negative", occurred_at, recorder, group,
                         PERIODS[period_index][0], voided)  # fmt: skip
                yield (
                    event_id,
                    uuid.uuid4(),
                    school_id,
                    pupil,
                    category[0],
                    occurred_at,
                    rng.choice(locations) if rng.random() < 0.9 else None,
                    PERIODS[period_index][0] if rng.random() < 0.85 else "",
                    DESCRIPTIONS.get(category[2], category[2]),
                    recorder,
                    min(occurred_at + datetime.timedelta(minutes=rng.randrange(2, 90)), self.now),
                    group,
                    uuid.uuid4(),
                    occurred_at + datetime.timedelta(days=1) if voided else None,
                    rng.choice(leads) if voided else None,
                    "Logged against the wrong pupil" if voided else "",
                    rng.choices(NEGATIVE_ROLES, NEGATIVE_ROLE_WEIGHTS)[0]
                    if category[1] == "negative"
                    else PupilRole.INVOLVED,
                )

        table.copy(raw, rows())
        return kept

    def load_behaviour_records(self, raw, data, events, rng):
        school_id = data.school.pk
        negatives = [i for i in range(len(events.ids)) if events.negative[i] and not events.voided[i]]
        staff = self.staff_ids(data, Role.PASTORAL_STAFF, Role.PASTORAL_LEAD) or self.staff_ids(data, *data.staff)
        head = (data.staff.get(Role.HEADTEACHER) or staff)[0]
        now = self.now

        def sample(share):
            return sorted(rng.sample(negatives, k=min(len(negatives), round(len(negatives) * share))))

        # Removals: one negative event in twelve.
        chosen = sample(1 / 12)
        ids = self.take_ids(raw, "removals", len(chosen))
        rows = []
        for offset, i in enumerate(chosen):
            removed_at = min(events.occurred[i] + datetime.timedelta(minutes=rng.randint(1, 10)), now)
            told = rng.random() < 0.6
            rows.append(
                (
                    ids[offset], uuid.uuid4(), school_id, events.pupil[i], events.ids[i], removed_at,
                    events.period[i], rng.choice(REMOVAL_REASONS), rng.choice(REMOVED_TO),
                    rng.choice((15, 20, 30, 45, 60)), told,
                    min(removed_at + datetime.timedelta(hours=rng.randint(1, 4)), now) if told else None,
                    rng.choice(Removal.ParentsToldHow.values) if told else "",
                    events.recorder[i] if told else None, events.recorder[i], removed_at, uuid.uuid4(),
                )
            )  # fmt: skip
        self.tables["removals"].copy(raw, rows)
        data.counts["removals"] = len(rows)

        # Incident detail for one negative event in thirty.
        chosen = sample(1 / 30)
        ids = self.take_ids(raw, "incidents", len(chosen))
        rows, event_pairs, pupil_pairs = [], [], []
        for offset, i in enumerate(chosen):
            informed = rng.random() < 0.7
            created = min(events.occurred[i] + datetime.timedelta(hours=rng.randint(1, 30)), now)
            incident_id = ids[offset]
            rows.append(
                (
                    incident_id, uuid.uuid4(), school_id, events.group[i],
                    "Had been wound up by comments at break.", "Shouted and threw a chair across the room.",
                    "Removed to the inclusion base for the rest of the day.", rng.choice(("yes", "no", "unsure")),
                    informed, created if informed else None, rng.choice(("phone", "email")) if informed else "",
                    events.recorder[i] if informed else None, events.recorder[i], created, uuid.uuid4(),
                )
            )  # fmt: skip
            event_pairs.append((incident_id, events.ids[i]))
            pupil_pairs.append((incident_id, events.pupil[i]))
        self.tables["incidents"].copy(raw, rows)
        self.pairs(raw, "incident_events", event_pairs)
        self.pairs(raw, "incident_pupils", pupil_pairs)
        data.counts["incidents"] = len(rows)

        # Suspensions: one negative event in two hundred, mostly finalised.
        chosen = sample(1 / 200)
        ids = self.take_ids(raw, "suspensions", len(chosen))
        rows, reason_pairs, incident_pairs = [], [], []
        for offset, i in enumerate(chosen):
            day = events.occurred[i].date() + datetime.timedelta(days=1)
            kind = rng.choices(("suspension", "lunchtime", "permanent"), (85, 12, 3))[0]
            units = rng.randint(1, 3) if kind == "lunchtime" else 2 * rng.randint(1, 5)
            units = None if kind == "permanent" else units
            end = None if kind == "permanent" else day + datetime.timedelta(days=((units or 2) + 1) // 2)
            final = rng.random() < 0.95 or day < self.today - datetime.timedelta(days=30)
            created = min(events.occurred[i] + datetime.timedelta(hours=3), now)
            suspension_id = ids[offset]
            rows.append(
                (
                    suspension_id, uuid.uuid4(), school_id, events.pupil[i], kind, "finalised" if final else "draft",
                    day, units, end, "Serious breach of the behaviour policy after repeated warnings.",
                    head if final else None, created if final else None, events.recorder[i], created, created,
                    uuid.uuid4(),
                )
            )  # fmt: skip
            valid = [r for r in self.reasons if r[1] <= day and (r[2] is None or r[2] >= day)] or self.reasons
            reason_pairs.append((suspension_id, rng.choice(valid)[0]))
            incident_pairs.append((suspension_id, events.ids[i]))
        self.tables["suspensions"].copy(raw, rows)
        self.pairs(raw, "suspension_reasons", reason_pairs)
        self.pairs(raw, "suspension_incidents", incident_pairs)
        data.counts["suspensions"] = len(rows)

        # Bullying: one negative event in two hundred and fifty, with a victim and the pupil who did it.
        chosen = sample(1 / 250)
        ids = self.take_ids(raw, "bullying", len(chosen))
        rows, event_pairs, involvements = [], [], []
        pupils = [row[0] for row in data.pupils]
        for offset, i in enumerate(chosen):
            bullying_id = ids[offset]
            types = sorted(set(rng.sample(list(BullyingType.values), k=rng.choice((1, 1, 2)))))
            recent = events.occurred[i].date() > self.today - datetime.timedelta(days=21)
            rows.append(
                (
                    bullying_id, uuid.uuid4(), school_id, events.occurred[i].date(), types,
                    "Repeated name-calling and being left out on purpose over several weeks.",
                    "investigating" if recent else rng.choice(("resolved", "monitoring", "not_upheld", "referred")),
                    events.recorder[i], events.occurred[i], uuid.uuid4(),
                )
            )  # fmt: skip
            event_pairs.append((bullying_id, events.ids[i]))
            victim = rng.choice(pupils)
            while victim == events.pupil[i] and len(pupils) > 1:
                victim = rng.choice(pupils)
            involvements.append((bullying_id, events.pupil[i], "perpetrator"))
            if victim != events.pupil[i]:
                involvements.append((bullying_id, victim, "victim"))
        self.tables["bullying"].copy(raw, rows)
        self.pairs(raw, "bullying_events", event_pairs)
        ids = self.take_ids(raw, "bullying_involvements", len(involvements))
        self.tables["bullying_involvements"].copy(raw, ((ids[n], *row) for n, row in enumerate(involvements)))
        data.counts["bullying"] = len(rows)

        # Restorative meetings: one negative event in forty.
        chosen = sample(1 / 40)
        ids = self.take_ids(raw, "restorative", len(chosen))
        rows, incident_pairs, pupil_pairs = [], [], []
        for offset, i in enumerate(chosen):
            meeting_id = ids[offset]
            held = min(events.occurred[i].date() + datetime.timedelta(days=rng.randint(0, 2)), self.today)
            rows.append(
                (
                    meeting_id, uuid.uuid4(), school_id, held, "Pupils involved and their head of year",
                    "Apologised to each other and agreed to sit apart for two weeks.",
                    rng.choice(RestorativeMeeting.Repair.values), rng.choice(staff),
                    _aware(held, 15, 30), uuid.uuid4(),
                )
            )  # fmt: skip
            incident_pairs.append((meeting_id, events.ids[i]))
            pupil_pairs.append((meeting_id, events.pupil[i]))
        self.tables["restorative"].copy(raw, rows)
        self.pairs(raw, "restorative_incidents", incident_pairs)
        self.pairs(raw, "restorative_pupils", pupil_pairs)
        data.counts["restorative"] = len(rows)

    def _recent_negatives(self, data, events, days):
        since = self.now - datetime.timedelta(days=days)
        return [
            i
            for i in range(len(events.ids))
            if events.negative[i] and not events.voided[i] and events.occurred[i] >= since
        ]

    def load_detentions(self, raw, data, events, rng):
        """A session of each type on every detention day of the last ten weeks, and a detention for one recent
        negative event in eight at the next session after it: attended, missed or excused once it has run."""
        if not data.detention_types:
            return
        today = self.today
        first = today - datetime.timedelta(days=DETENTION_DAYS)
        days = [day for day in data.days if first <= day <= today and day.weekday() < 4]
        if not days:
            return
        school_id = data.school.pk
        sessions, session_rows = {}, []
        ids = self.take_ids(raw, "detention_sessions", len(days) * len(data.detention_types))
        offset = 0
        for day in days:
            for type_id, start, minutes, capacity, location, run_by in data.detention_types:
                sessions[(type_id, day)] = (ids[offset], _aware(day, start.hour, start.minute))
                session_rows.append(
                    (ids[offset], uuid.uuid4(), school_id, type_id, day, start, minutes, capacity, location, run_by)
                )
                offset += 1
        self.tables["detention_sessions"].copy(raw, session_rows)
        chosen = [i for i in self._recent_negatives(data, events, DETENTION_DAYS) if rng.random() < 1 / 8]
        ids = self.take_ids(raw, "detentions", len(chosen))
        rows, taken = [], set()
        for offset, i in enumerate(chosen):
            occurred = events.occurred[i]
            later = [day for day in days if day > occurred.date()] or [today]
            type_id = data.detention_types[rng.randrange(len(data.detention_types))][0]
            if (type_id, later[0]) not in sessions:
                continue
            session_id, starts_at = sessions[(type_id, later[0])]
            pupil = events.pupil[i]
            if (session_id, pupil) in taken:
                continue
            taken.add((session_id, pupil))
            ran = starts_at < self.now
            status = rng.choices(("attended", "missed", "excused"), (80, 15, 5))[0] if ran else "set"
            marker = events.recorder[i]
            rows.append(
                (
                    ids[offset], uuid.uuid4(), school_id, pupil, session_id, starts_at, events.ids[i],
                    "Set after the behaviour logged", status, False, marker, occurred, marker if ran else None,
                    starts_at + datetime.timedelta(hours=1) if ran else None, "", "", uuid.uuid4(), "",
                )
            )  # fmt: skip
        self.tables["detentions"].copy(raw, rows)
        data.counts["detentions"] = len(rows)

    def load_rule_hits(self, raw, data, events, rng):
        """Alerts from the school's rising rule over the last eight weeks, each told to the pastoral leads (opened
        after a day, except the last three days'), with the negative event that fired it."""
        leads = self.staff_ids(data, Role.PASTORAL_LEAD) or self.staff_ids(data, Role.HEADTEACHER)
        chosen = [i for i in self._recent_negatives(data, events, RULE_HIT_DAYS) if rng.random() < 1 / 40]
        ids = self.take_ids(raw, "rule_hits", len(chosen))
        rows, recipients, event_pairs, taken = [], [], [], set()
        for offset, i in enumerate(chosen):
            fired = min(events.occurred[i] + datetime.timedelta(minutes=1), self.now)
            window_start = fired.date() - datetime.timedelta(days=13)
            key = (events.pupil[i], window_start)
            if key in taken:
                continue
            taken.add(key)
            hit_id = ids[offset]
            rows.append(
                (
                    hit_id, uuid.uuid4(), data.school.pk, data.rising_rule, events.pupil[i], window_start, fired,
                    "Negative behaviour rising: at least twice the pupil's own baseline", False,
                )
            )  # fmt: skip
            event_pairs.append((hit_id, events.ids[i]))
            seen = fired + datetime.timedelta(days=1) if self.now - fired > datetime.timedelta(days=3) else None
            recipients += [(hit_id, lead, seen) for lead in leads]
        self.tables["rule_hits"].copy(raw, rows)
        recipient_ids = self.take_ids(raw, "rule_recipients", len(recipients))
        self.tables["rule_recipients"].copy(raw, ((n, *row) for n, row in zip(recipient_ids, recipients, strict=True)))
        self.pairs(raw, "rule_hit_events", event_pairs)
        data.counts["rule_hits"] = len(rows)

    def load_concerns(self, raw, data, rng):
        count = round(self.plan.concerns * data.share)
        school_id = data.school.pk
        pupils = [row[0] for row in data.pupils]
        weights = _cumulative(_lognormal_weights(rng, len(pupils), 1.3))
        reporters = self.staff_ids(data, *data.staff)
        dsls = self.staff_ids(data, Role.DSL, Role.DEPUTY_DSL) or reporters
        categories = data.concern_categories
        category_weights = [CONCERN_WEIGHTS.get(name, 3) for _id, name in categories]
        scenarios = {scenario[0]: scenario for scenario in SCENARIOS}
        ids = self.take_ids(raw, "concerns", count)
        rows, decisions, pupil_pairs, made = [], [], [], []
        for offset in range(count):
            concern_id = ids[offset]
            occurred_at, _period = self.when(data, rng)
            reported_at = min(occurred_at + datetime.timedelta(minutes=rng.randint(5, 240)), self.now)
            age = (self.today - reported_at.date()).days
            if age > 30:
                status = "closed" if rng.random() < 0.9 else "open"
            else:
                status = rng.choices(("new", "open", "closed"), (40, 40, 20))[0]
            category_id, category_name = rng.choices(categories, category_weights)[0]
            scenario = scenarios.get(category_name, (None, "Pupil said something worrying in class.", "", False))
            owner = rng.choice(dsls) if status != "new" else None
            decision = "" if status == "new" else rng.choices(
                ("nfa", "monitor", "early_help", "csc", "police", "other"), (30, 40, 12, 12, 3, 3)
            )[0]  # fmt: skip
            closed_at = min(reported_at + datetime.timedelta(days=rng.randint(1, 60)), self.now)
            urgent = scenario[3] and rng.random() < 0.5
            rows.append(
                (
                    concern_id, uuid.uuid4(), school_id, rng.choice(reporters), reported_at, occurred_at,
                    "Classroom", category_id, scenario[1], scenario[2],
                    "Reassured the pupil and passed this to the DSL straight away.", urgent, status, owner,
                    decision, "Monitored for six weeks; no further concerns." if status == "closed" else "",
                    decision in ("csc", "police") if decision else None, closed_at if status == "closed" else None,
                    owner if status == "closed" else None, uuid.uuid4(),
                )
            )  # fmt: skip
            chosen = {pupils[bisect.bisect(weights, rng.random() * weights[-1])]}
            if rng.random() < 0.1:
                chosen.add(rng.choice(pupils))
            pupil_pairs += [(concern_id, pupil) for pupil in sorted(chosen)]
            if decision:
                decisions.append(
                    (concern_id, decision, "Discussed with the pastoral team; see the case notes.", owner,
                     min(reported_at + datetime.timedelta(hours=rng.randint(1, 48)), self.now))
                )  # fmt: skip
            made.append((concern_id, reported_at, rows[-1][3], min(chosen)))
        self.tables["concerns"].copy(raw, rows)
        self.pairs(raw, "concern_pupils", pupil_pairs)
        ids = self.take_ids(raw, "decisions", len(decisions))
        self.tables["decisions"].copy(raw, ((ids[n], *row) for n, row in enumerate(decisions)))
        return made

    def load_interventions(self, raw, data, rng):
        count = round(self.plan.interventions * data.share)
        school_id = data.school.pk
        # A few pupils account for nearly all of them, most with SEN.
        candidates = sorted(data.pupils, key=lambda row: (row[3] == "N", rng.random()))
        pupils = candidates[: max(1, len(candidates) // 35)]
        weights = _cumulative(_lognormal_weights(rng, len(pupils), 1.0))
        staff = self.staff_ids(data, *data.staff)
        reviewers = self.staff_ids(data, Role.HEADTEACHER, Role.DSL, Role.PASTORAL_LEAD) or staff
        ids = self.take_ids(raw, "interventions", count)
        rows, staff_pairs, made = [], [], []
        for offset in range(count):
            intervention_id = ids[offset]
            pupil = pupils[bisect.bisect(weights, rng.random() * weights[-1])]
            occurred_at, _period = self.when(data, rng)
            day = occurred_at.date()
            minutes = rng.choice((1, 2, 3, 5, 5, 8, 10, 15, 20))
            start = occurred_at.time().replace(second=0, microsecond=0, tzinfo=None)
            end_minutes = min(start.hour * 60 + start.minute + minutes, 23 * 60 + 59)
            end = datetime.time(end_minutes // 60, end_minutes % 60)
            kind = rng.choices(("reasonable_force", "restraint", "seclusion"), (60, 30, 10))[0]
            recorded_at = min(occurred_at + datetime.timedelta(hours=rng.choice((1, 2, 4, 20))), self.now)
            old = (self.today - day).days > 14
            reported = old or rng.random() < 0.6
            reviewed = old and rng.random() < 0.9
            born = pupil[2]
            age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
            recorder = rng.choice(staff)
            rows.append(
                (
                    intervention_id, uuid.uuid4(), school_id, pupil[0], pupil[3], max(age, 0), day, start, end,
                    max(end_minutes - (start.hour * 60 + start.minute), 1), rng.choice(data.locations),
                    "Became distressed when asked to leave the classroom.",
                    sorted(rng.sample(DEESCALATION_KEYS, k=3)), kind,
                    rng.choice(data.techniques) if kind == "reasonable_force" or rng.random() < 0.3 else None,
                    "To stop the pupil running into the road.", "Quiet time with a trusted adult and a drink.",
                    recorder, recorded_at, uuid.uuid4(),
                    min(recorded_at + datetime.timedelta(hours=2), self.now) if reported else None,
                    rng.choice(("phone", "in_person", "email")) if reported else "",
                    "Parent / carer" if reported else "",
                    "Told what happened, why and what support followed." if reported else "",
                    recorder if reported else None,
                    recorded_at + datetime.timedelta(days=3) if reviewed else None,
                    rng.choice(reviewers) if reviewed else None,
                    True if reviewed else None, True if reviewed else None,
                )
            )  # fmt: skip
            involved = rng.sample(staff, k=min(2, len(staff)))
            staff_pairs += [(intervention_id, user) for user in sorted(involved)]
            made.append((intervention_id, recorded_at, recorder, pupil[0]))
        self.tables["interventions"].copy(raw, rows)
        self.pairs(raw, "intervention_staff", staff_pairs)
        return made

    def load_audit(self, raw, data, events, concerns, interventions, rng):
        """The school's audit log: what recording those records wrote, then views of pupils and concerns."""
        target = round(self.plan.audit * data.share)
        names = self.usernames
        school_id = data.school.pk
        types = self.content_types
        pupils = [row[0] for row in data.pupils]
        staff = self.staff_ids(data, *data.staff)
        dsls = self.staff_ids(data, Role.DSL, Role.DEPUTY_DSL) or staff
        fixed = len(concerns) + len(interventions)
        event_share = min(1.0, 0.93 * max(target - fixed, 0) / max(len(events.ids), 1))
        rows = []
        for i in range(len(events.ids)):
            if rng.random() < event_share:
                rows.append(("behaviour.event.recorded", events.occurred[i], events.recorder[i],
                             types[BehaviourEvent], events.ids[i], "Behaviour event", events.pupil[i]))  # fmt: skip
        for concern_id, at, reporter, pupil in concerns:
            rows.append(("safeguarding.concern.raised", at, reporter, types[Concern], concern_id,
                         "Safeguarding concern", pupil))  # fmt: skip
        for intervention_id, at, recorder, pupil in interventions:
            rows.append(("behaviour.intervention.recorded", at, recorder, types[RestrictiveIntervention],
                         intervention_id, "Restrictive intervention", pupil))  # fmt: skip
        for _ in range(max(target - len(rows), 0)):
            at, _period = self.when(data, rng)
            if concerns and rng.random() < 0.15:
                concern_id, _at, _reporter, pupil = rng.choice(concerns)
                rows.append(("safeguarding.concern.viewed", at, rng.choice(dsls), types[Concern], concern_id,
                             "Safeguarding concern", pupil))  # fmt: skip
            else:
                pupil = rng.choice(pupils)
                rows.append(("pastoral.pupil.viewed", at, rng.choice(staff), types[Pupil], pupil, "Pupil", pupil))
        ids = self.take_ids(raw, "audit_entries", len(rows))
        self.tables["audit_entries"].copy(
            raw,
            (
                (
                    ids[n],
                    at,
                    actor,
                    names[actor],
                    school_id,
                    action,
                    content_type,
                    str(object_id),
                    label,
                    pupil,
                    rng.choice(IPS),
                )  # fmt: skip
                for n, (action, at, actor, content_type, object_id, label, pupil) in enumerate(rows)
            ),
        )


class _Events:
    """The loaded events of one school, column by column, for the records that hang off them."""

    def __init__(self):
        self.ids = array.array("q")
        self.pupil = array.array("q")
        self.category = array.array("q")
        self.negative = bytearray()
        self.voided = bytearray()
        self.recorder = array.array("q")
        self.occurred = []
        self.group = []
        self.period = []

    def add(self, event_id, pupil, category, negative, occurred, recorder, group, period, voided):
        self.ids.append(event_id)
        self.pupil.append(pupil)
        self.category.append(category)
        self.negative.append(negative)
        self.voided.append(voided)
        self.recorder.append(recorder)
        self.occurred.append(occurred)
        self.group.append(group)
        self.period.append(period)
