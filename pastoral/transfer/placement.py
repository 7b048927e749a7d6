"""Which rows of which tables belong to one school, decided from the models themselves.

Every concrete model of the project's apps is placed in one of these kinds (see `plan()`):

- ``school``: the School row itself;
- ``trust``: the school's trust, exported as its code and name only;
- ``users``: staff accounts, exported when they hold a membership in the school or when an exported row names them;
- ``reference``: deployment-wide lists seeded by migrations (ethnicity and register codes, exclusion reasons),
  exported when referred to and matched on import by their natural key;
- ``trust_level``: rows of the trust that the school's records cannot do without (the AP providers its placements
  use), exported when referred to;
- ``scoped``: rows reached from the school by foreign keys: a ``school`` foreign key, else a ``pupil`` one, else
  one to a parent row that is itself placed (a case note through its concern, a dose through its agreement);
- ``granted``: per-record grants (django-guardian), exported with the record they are about.

Anything else must be listed in SKIPPED with the reason it stays behind. A model that is neither placed nor skipped
makes `plan()` fail (and the test that calls it), so a new model is never silently left out of an export.

Nothing here imports a duty app: the models are read from Django's app registry.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings

PROJECT_APPS = ("pastoral", "behaviour", "safeguarding", "provision", "medical")

# Deployment-level tables: they describe this installation, not any school, and never go into an export.
# A whole app is named by "label.*".
SKIPPED = {
    # The transactional outbox: tasks and emails waiting for this deployment's workers.
    "pastoral.OutboxMessage": "tasks waiting for this deployment's workers",
    # Counters of requests per client, kept for minutes.
    "pastoral.RateLimitHit": "rate-limit counters of this deployment",
    # Exports and reports built on request; they expire within days and are rebuilt on demand in the target.
    "pastoral.GeneratedFile": "generated exports and reports, which expire",
    # Counts derived from the behaviour events by database triggers: the import's inserts of the events rebuild them.
    "behaviour.EventDayCount": "derived counts, rebuilt by triggers as the events are imported",
    # Retention periods are the deployment's defaults and each trust's overrides: the receiving trust keeps its own.
    "pastoral.RetentionRule": "retention rules of the deployment and its trusts",
    # The nightly listing's work queue, tied to those rules: the receiving deployment lists due records again under
    # its own rules, and nothing is disposed of without a person confirming it (keep-longer decisions stay in the
    # exported audit log).
    "pastoral.DisposalCandidate": "the retention work queue, listed again by the receiving deployment",
    # The trust's own AP settings: the receiving trust keeps its own.
    "provision.APTrustSettings": "settings of the trust, not of the school",
    # Django's admin history; the app's own audit log is exported.
    "admin.*": "Django admin history of this deployment",
    # Roles come from memberships: groups and model-wide permissions are not used.
    "auth.Group": "not used (roles come from memberships)",
    # Per-record grants always name a person, never a group.
    "guardian.GroupObjectPermission": "not used (grants name a person)",
    # Sign-in sessions of this deployment.
    "sessions.*": "sign-in sessions",
    # Failed sign-in tracking and lock-outs of this deployment.
    "axes.*": "sign-in lock-out records",
    # Two-factor secrets never leave the deployment: imported staff enrol a new authenticator.
    "otp_totp.*": "two-factor secrets",
    "otp_static.*": "two-factor backup codes",
    # Celery beat's schedule of this deployment.
    "django_celery_beat.*": "the task schedule of this deployment",
}

# Looked up by natural key wherever a foreign key points at them; the rows themselves are not exported.
NATURAL_KEYS = {
    "contenttypes.ContentType": ("app_label", "model"),
    "auth.Permission": ("content_type", "codename"),
}

# Deployment-wide lists seeded by migrations: the rows the export refers to are exported, and an import matches
# each on these fields (adding it when the target lacks it).
REFERENCE = {
    "pastoral.EthnicityCategory": ("code",),
    "pastoral.AttendanceCode": ("code",),
    "behaviour.ExclusionReasonCode": ("list_version", "census_code"),
}

# Rows of the trust that the school's rows point at: exported when referred to, with their own child rows; an
# import reuses a row of the same code already in the receiving trust.
TRUST_LEVEL = {"provision.Provider"}

# Per-record grants: exported for the records of the export. (Model label, content-type field, object id field.)
GRANTS = {"guardian.UserObjectPermission": ("content_type", "object_pk")}

# Fields of the user model that never leave the deployment (an imported account sets its own password), and
# fields that are not exported because access comes from memberships.
USER_SECRET_FIELDS = {"password"}
USER_LEFT_OUT_FIELDS = {"groups", "user_permissions"}


class PlacementError(Exception):
    """A model the exporter cannot place: give it a path to School, or list it in SKIPPED with a reason."""


@dataclass
class Placement:
    model: type
    kind: str
    paths: list = field(default_factory=list)  # scoped: the foreign keys, any of which leads to the school
    natural: tuple = ()

    @property
    def label(self):
        return self.model._meta.label


def label(model):
    return model._meta.label


def skip_reason(model):
    meta = model._meta
    return SKIPPED.get(meta.label) or SKIPPED.get(f"{meta.app_label}.*")


def relations(model):
    """The concrete foreign keys (and one-to-ones) of a model."""
    return [f for f in model._meta.concrete_fields if f.is_relation]


def many_to_many(model):
    """Many-to-many fields whose join table Django made (an explicit `through` model is a model of its own)."""
    return [f for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]


def file_fields(model):
    return [f for f in model._meta.concrete_fields if f.get_internal_type() in ("FileField", "ImageField")]


def candidate_models():
    """Every concrete model of the deployment: the project's apps and the installed third-party ones."""
    return [m for m in apps.get_models() if not m._meta.proxy and not m._meta.abstract and m._meta.managed]


def plan():
    """{model: Placement} for every model that is exported. Raises PlacementError naming every model that is
    neither placed nor listed in SKIPPED."""
    school_model = apps.get_model("pastoral", "School")
    trust_model = apps.get_model("pastoral", "Trust")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    pupil_model = apps.get_model("pastoral", "Pupil")

    placements = {}
    pending = []
    unplaceable = []
    for model in candidate_models():
        name = label(model)
        if skip_reason(model) or name in NATURAL_KEYS:
            continue
        if model is school_model:
            placements[model] = Placement(model, "school")
        elif model is trust_model:
            placements[model] = Placement(model, "trust")
        elif model is user_model:
            placements[model] = Placement(model, "users")
        elif name in REFERENCE:
            placements[model] = Placement(model, "reference", natural=REFERENCE[name])
        elif name in TRUST_LEVEL:
            placements[model] = Placement(model, "trust_level")
        elif name in GRANTS:
            placements[model] = Placement(model, "granted")
        elif model._meta.app_label in PROJECT_APPS:
            pending.append(model)
        else:
            unplaceable.append(model)

    parents = ("school", "scoped", "trust_level")
    progress = True
    while pending and progress:
        progress = False
        for model in list(pending):
            fks = [f for f in relations(model) if f.related_model is not model]
            usable = [f for f in fks if f.related_model in placements and placements[f.related_model].kind in parents]
            required = [f for f in usable if not f.null]
            chosen = None
            for preferred in (school_model, pupil_model, None):
                found = [f for f in required if preferred is None or f.related_model is preferred]
                if found:
                    chosen = [found[0]]
                    break
            if chosen is None:
                # Only nullable paths: decide once every project model it points at is decided, then take them all.
                undecided = [f for f in fks if f.related_model in pending]
                if undecided or not usable:
                    continue
                chosen = usable
            placements[model] = Placement(model, "scoped", paths=chosen)
            pending.remove(model)
            progress = True

    unplaceable += pending
    if unplaceable:
        names = ", ".join(sorted(label(m) for m in unplaceable))
        raise PlacementError(
            f"The school export cannot place {names}: give each a foreign key path to School (directly, through a "
            "pupil or through a parent row), or list it in pastoral/transfer/placement.py SKIPPED with the reason "
            "it stays behind"
        )
    return placements


def ancestors(placements, model, seen=None):
    """The models a scoped model's rows are chosen through, all the way up."""
    seen = set() if seen is None else seen
    for path in placements[model].paths:
        parent = path.related_model
        if parent not in seen:
            seen.add(parent)
            if placements[parent].kind == "scoped":
                ancestors(placements, parent, seen)
    return seen


def export_order(placements):
    """The models in the order their rows are selected: every parent before its children, trust-level rows after
    every row that refers to them (their own children after them), then reference lists, grants, users and the trust."""
    order = []
    done = set()
    kinds = {m: p.kind for m, p in placements.items()}

    def visit(model, stack=()):
        if model in done:
            return
        if model in stack:
            raise PlacementError(f"The placement paths of {label(model)} form a cycle")
        placement = placements[model]
        if placement.kind == "scoped":
            for path in placement.paths:
                visit(path.related_model, (*stack, model))
        elif placement.kind == "trust_level":
            for referrer in referrers(placements, model):
                visit(referrer, (*stack, model))
        done.add(model)
        order.append(model)

    for model in sorted(placements, key=label):
        if kinds[model] in ("school", "scoped", "trust_level"):
            visit(model)
    for kind in ("reference", "granted", "users", "trust"):
        order += sorted((m for m in placements if kinds[m] == kind), key=label)
    return order


def referrers(placements, target):
    """The scoped models with a foreign key to `target` that are not chosen through it."""
    found = []
    for model, placement in placements.items():
        if placement.kind != "scoped" or target in ancestors(placements, model):
            continue
        if any(f.related_model is target for f in relations(model)):
            found.append(model)
    return sorted(found, key=label)
