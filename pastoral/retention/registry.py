"""The record types the retention rules apply to. Each area registers its own from its apps.py (the core never
imports a duty app): where the school, the pupil and the basis dates are, and what disposing of a row removes.

A record is due when its basis date plus the rule's years has come. A basis of 29 February is due on 1 March in a
year without one (never a day early); `cutoff()` gives the latest basis date that is due on a given day, so the
nightly listing is one SQL comparison per record type.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate

from .models import Action, Basis


@dataclass(frozen=True)
class Default:
    basis: str
    years: int
    action: str
    source: str


@dataclass(frozen=True)
class RecordType:
    """One kind of record. Paths are ORM lookups from the record's model.

    - `school`, `pupil`: the relations to the school and the pupil (`pupil=None` for records about no pupil);
    - `pupils`: instead of `pupil`, a many-to-many relation to the pupils a record is about; the youngest of them
      (the latest date of birth) sets the date, and a hold on any of them holds the record;
    - `record_date`: the record's own date (a date or a date-time field);
    - `closed`: date fields that close the record; the first one set counts, else the day the pupil left;
    - `only`: a filter of the rows that count (e.g. finished ones);
    - `describe(obj)`: a short plain phrase for the review page (no free text of the record);
    - `files(pks)`: files outside the rows' own file fields to remove with them, as (storage, name).
    """

    key: str
    label: str
    model: str
    default: Default
    school: str = "school"
    pupil: str | None = "pupil"
    pupils: str | None = None
    record_date: str = "created_at"
    closed: tuple = ()
    only: Q | None = None
    describe: object = None
    order: int = 50
    files: object = None

    def get_model(self):
        return apps.get_model(self.model)

    @property
    def school_path(self):
        return f"{self.school}_id"

    @property
    def pupils_path(self):
        """The lookup to the pupil id(s) a record is about, or None."""
        if self.pupils:
            return self.pupils
        return f"{self.pupil}_id" if self.pupil else None

    def _youngest(self):
        from pastoral.models import Pupil

        field = self.get_model()._meta.get_field(self.pupils)
        return Pupil._base_manager.filter(**{field.related_query_name(): OuterRef("pk")}).order_by(
            "-date_of_birth", "pk"
        )

    def pupil_expression(self):
        """The one pupil a candidate names: the record's pupil, or the youngest of its pupils."""
        if self.pupils:
            return Subquery(self._youngest().values("pk")[:1])
        return F(f"{self.pupil}_id") if self.pupil else None

    def _date(self, path):
        model = self.get_model()
        target = _field_at(model, path)
        return TruncDate(F(path)) if isinstance(target, models.DateTimeField) else F(path)

    def record_date_expression(self):
        return self._date(self.record_date)

    def basis_expression(self, basis):
        if basis == Basis.DOB:
            if self.pupils:
                return Subquery(self._youngest().values("date_of_birth")[:1], output_field=models.DateField())
            if not self.pupil:
                return None
            return F(f"{self.pupil}__date_of_birth")
        if basis == Basis.RECORD_DATE:
            return self.record_date_expression()
        dates = [self._date(path) for path in self.closed]
        if self.pupil:
            dates.append(F(f"{self.pupil}__leaving_date"))
        if not dates:
            return None
        return dates[0] if len(dates) == 1 else Coalesce(*dates, output_field=models.DateField())

    def held(self):
        """A filter of the rows an active legal hold covers: a hold on their school (for every pupil), or on one of
        their pupils, for every record type or this one."""
        from .models import LegalHold

        active = LegalHold.objects.filter(released_at__isnull=True).filter(Q(record_type="") | Q(record_type=self.key))
        held = Q(**{f"{self.school_path}__in": active.filter(pupil__isnull=True).values("school_id")})
        if self.pupils_path:
            held |= Q(**{f"{self.pupils_path}__in": active.filter(pupil__isnull=False).values("pupil_id")})
        return held

    def rows(self):
        queryset = self.get_model()._base_manager.all()
        return queryset.filter(self.only) if self.only is not None else queryset

    def text(self, obj):
        if self.describe:
            return self.describe(obj)
        return self.label


def _field_at(model, path):
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


_TYPES = {}


def register(record_type):
    _TYPES[record_type.key] = record_type


def get(key):
    return _TYPES.get(key)


def record_types():
    return sorted(_TYPES.values(), key=lambda t: (t.order, t.label))


def choices():
    return [(t.key, t.label) for t in record_types()]


def label(key):
    record_type = _TYPES.get(key)
    return record_type.label if record_type else key


def models_registered():
    return {t.get_model(): t for t in _TYPES.values()}


def add_years(day, years):
    """`day` plus `years` years; 29 February becomes 1 March in a year without one (never early)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def cutoff(today, years):
    """The latest basis date that is due on `today` (its date plus `years` has come)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # today is 29 February: a basis of 28 February is due, one of 29 February (none exists).
        return datetime.date(today.year - years, 2, 28)


DESTROY, REVIEW = Action.DESTROY, Action.REVIEW
DOB, RECORD_DATE, CLOSED = Basis.DOB, Basis.RECORD_DATE, Basis.CLOSED
