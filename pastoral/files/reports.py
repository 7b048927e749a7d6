"""The termly report for the headteacher and governors: a PDF built from sections each duty area registers.

    reports.register_section("behaviour", build_behaviour, order=10, permission="behaviour.view_analytics")

`builder(user, schools, start, end, previous_start, previous_end)` returns a `Section` (or None when it has
nothing to say). It reads every row through the requesting user's own `*_visible_to(user)` selectors and
aggregates in the database, so a term of a large school costs a fixed number of queries. A section is
included only when the user holds its permission in at least one of the schools covered; the schools passed
to the builder are those ones. A section marked OFFICIAL-SENSITIVE makes the whole PDF OFFICIAL-SENSITIVE.

The export kind `pastoral.termly_report` takes `school` (a school code, or "trust" for the trust roll-up),
`start` and `end` (ISO dates). Without dates it covers the last finished term of the school's calendar and
compares it with the term before (or, for any other range, with the same number of days just before).
Scheduled (termly) runs pass `period_start` / `period_end`, which are used the same way.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from pastoral.dates import uk_date

from .. import audit
from ..accounts import access
from ..accounts.roles import Role
from ..dashboard import Panel
from ..models import GeneratedFile, Membership, ScheduledReport, School, Term
from ..widgets import DateInput
from . import exports
from .pdf import OFFICIAL, OFFICIAL_SENSITIVE, render_pdf

log = logging.getLogger(__name__)

KIND = "pastoral.termly_report"
VIEW = "pastoral.view_termly_report"
VIEW_TRUST = "pastoral.view_trust_report"
TRUST = "trust"
# Without a school calendar, the default period is the last 13 weeks up to yesterday.
FALLBACK_DAYS = 91
MAX_DAYS = 400


@dataclass
class Table:
    title: str
    headers: list
    rows: list


@dataclass
class Section:
    title: str
    headlines: list = field(default_factory=list)  # [(label, value)]
    charts: list = field(default_factory=list)  # pastoral.files.charts.Chart
    tables: list = field(default_factory=list)  # Table
    notes: list = field(default_factory=list)  # short sentences under the heading
    sensitivity: str = OFFICIAL


@dataclass(frozen=True)
class SectionSpec:
    name: str
    builder: object
    order: int
    permission: str
    title: str


_SECTIONS = {}


def register_section(name, builder, order=100, permission=None, title=""):
    """`title` names the section in the "not included for your role" line when the user lacks `permission`."""
    if permission is not None:
        access._check_name(permission)
    _SECTIONS[name] = SectionSpec(name, builder, order, permission, title or name.replace("_", " ").capitalize())


def sections():
    return sorted(_SECTIONS.values(), key=lambda spec: (spec.order, spec.name))


# --- small helpers for section builders --------------------------------------------------------------


def change(current, previous):
    """ "+3 (+25%)", "−2 (−10%)", "no change", or "+3" when the previous period had none."""
    difference = (current or 0) - (previous or 0)
    if difference == 0:
        return "no change"
    sign = "+" if difference > 0 else "−"
    if previous:
        return f"{sign}{abs(difference):g} ({sign}{abs(100 * difference / previous):.0f}%)"
    return f"{sign}{abs(difference):g}"


def comparison_table(title, rows):
    """rows: [(label, this period, previous period)] → a Table with the change column."""
    return Table(
        title,
        ["Measure", "This period", "Previous period", "Change"],
        [(label, current, previous, change(current, previous)) for label, current, previous in rows],
    )


def bounds(start, end):
    """[start 00:00, the day after end 00:00) in local time."""
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


# --- periods -----------------------------------------------------------------------------------------


def _terms(school):
    """The school's terms, oldest first: the calendar other panels of the page have already read (one request's
    copy, pastoral.calendar.school_days), or read now."""
    from ..calendar.school_days import SchoolCalendar

    return list(SchoolCalendar.for_school(school).terms)


def default_period(school, today=None):
    """(start, end, label) of the last term that has ended; without one, the last 13 weeks to yesterday."""
    today = today or timezone.localdate()
    finished = [term for term in _terms(school) if term.end < today]
    if finished:
        term = finished[-1]
        return term.start, term.end
    end = today - datetime.timedelta(days=1)
    return end - datetime.timedelta(days=FALLBACK_DAYS - 1), end


def previous_period(school, start, end):
    """The term before when (start, end) is exactly a term; otherwise the same number of days just before."""
    terms = _terms(school)
    for index, term in enumerate(terms):
        if term.start == start and term.end == end and index > 0:
            return terms[index - 1].start, terms[index - 1].end
    length = end - start
    previous_end = start - datetime.timedelta(days=1)
    return previous_end - length, previous_end


def term_name(school, start, end):
    term = Term.objects.filter(academic_year__school=school, start=start, end=end).select_related("academic_year")
    term = term.first()
    return f"{term.name} term {term.academic_year.name}" if term else ""


def _date(value, name):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise exports.ExportRefused(f"The {name} date is not a date.") from exc


def period_from(parameters, school, today=None):
    start = _date(parameters.get("start") or parameters.get("period_start"), "start")
    end = _date(parameters.get("end") or parameters.get("period_end"), "end")
    if start is None or end is None:
        default_start, default_end = default_period(school, today)
        start, end = start or default_start, end or default_end
    if end < start:
        raise exports.ExportRefused("The end date is before the start date.")
    if (end - start).days >= MAX_DAYS:
        raise exports.ExportRefused(f"A report covers at most {MAX_DAYS} days.")
    return start, end


# --- the export kind -----------------------------------------------------------------------------------


def trust_schools(user, school):
    """The schools of the working school's trust where the user may read the trust roll-up."""
    ids = access.schools_with_perm(user, VIEW_TRUST)
    return list(School.objects.filter(trust_id=school.trust_id, id__in=ids).select_related("trust").order_by("name"))


def report_school(user, parameters, school):
    """The school the file belongs to: the chosen school, or the working school for the trust roll-up."""
    chosen = (parameters or {}).get("school") or ""
    if chosen == TRUST:
        if school is None or not access.has_school_perm(user, school, VIEW_TRUST):
            raise PermissionDenied
        return school
    if chosen:
        try:
            found = School.objects.filter(code=uuid.UUID(str(chosen))).first()
        except ValueError as exc:
            raise Http404("No such school") from exc
        if found is None or not access.is_member_of(user, found.pk):
            raise Http404("No such school")
        return found
    return school


def schools_for(user, generated_file):
    if generated_file.parameters.get("school") == TRUST:
        schools = trust_schools(user, generated_file.school)
        if not schools:
            raise exports.ExportRefused("You no longer have access to the trust report.")
        return schools
    return [generated_file.school]


def build_context(user, schools, start, end, previous_start, previous_end):
    built = []
    for spec in sections():
        allowed = (
            schools
            if spec.permission is None
            else [s for s in schools if access.has_school_perm(user, s, spec.permission)]
        )
        if not allowed:
            continue
        section = spec.builder(user, allowed, start, end, previous_start, previous_end)
        if section is not None:
            built.append(section)
    sensitivity = OFFICIAL_SENSITIVE if any(s.sensitivity == OFFICIAL_SENSITIVE for s in built) else OFFICIAL
    return built, sensitivity


def omitted_sections(user, schools):
    """Titles of the sections the user holds no permission for in any of the schools."""
    return [
        spec.title
        for spec in sections()
        if spec.permission is not None
        and not any(access.has_school_perm(user, school, spec.permission) for school in schools)
    ]


def period_text(start, end):
    return f"{uk_date(start)} to {uk_date(end)}"


def build_termly_report(generated_file, user):
    school = generated_file.school
    schools = schools_for(user, generated_file)
    start, end = period_from(generated_file.parameters, school)
    previous_start, previous_end = previous_period(school, start, end)
    exports.progress(generated_file, 10)
    built, sensitivity = build_context(user, schools, start, end, previous_start, previous_end)
    exports.progress(generated_file, 60)
    trust = len(schools) > 1 or generated_file.parameters.get("school") == TRUST
    title = f"Trust termly report: {school.trust.name}" if trust else f"Termly report: {school.name}"
    content = render_pdf(
        "pdf/termly_report.html",
        {
            "sections": built,
            "schools": schools,
            "trust": trust,
            "term_name": term_name(school, start, end),
            "previous": period_text(previous_start, previous_end),
            "omitted": omitted_sections(user, schools),
        },
        user=user,
        # The page header names the trust on a roll-up (it has no logo), the school otherwise.
        school=SimpleNamespace(name=school.trust.name) if trust else school,
        title=title,
        period=period_text(start, end),
        sensitivity=sensitivity,
    )
    audit.record(
        "pastoral.termly_report.generated",
        actor=user,
        obj=generated_file,
        school=school,
        data={"schools": len(schools), "start": start.isoformat(), "end": end.isoformat()},
    )
    exports.progress(generated_file, 95)
    scope = slugify(school.trust.name) if trust else slugify(school.name)
    return exports.Built(f"termly-report-{scope}-{start:%Y%m%d}-{end:%Y%m%d}.pdf", "application/pdf", content)


def register_kind():
    exports.register(
        KIND,
        label="Termly report (PDF)",
        permission=VIEW,
        fmt="pdf",
        build=build_termly_report,
        school_for=report_school,
        description="Behaviour, sanctions, restrictive interventions and safeguarding in numbers for governors.",
    )


# --- automatic termly runs ------------------------------------------------------------------------------


def ensure_termly_schedules(now=None):
    """Give every current headteacher an active termly schedule of the report for their school.

    Run daily by beat (and by the demo seeder). Idempotent: a headteacher who already has one (or stopped
    one: an inactive row counts as a choice) gets nothing new. The schedule's runs are made by
    `run_scheduled_reports`, three days after each term ends, and email a link, never the report.
    Returns the schedules created.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    heads = (
        Membership.objects.filter(
            role=Role.HEADTEACHER, school__isnull=False, starts_on__lte=today, user__is_active=True
        )
        .exclude(ends_on__lt=today)
        .select_related("user", "school")
    )
    existing = set(ScheduledReport.objects.filter(kind=KIND).values_list("recipient_id", "school_id"))
    created = []
    for membership in heads:
        if (membership.user_id, membership.school_id) in existing:
            continue
        access.forget(membership.user)
        if not exports.may_have(membership.user, exports.get_kind(KIND), membership.school):
            continue
        with transaction.atomic():
            from .scheduled_reports import schedule

            report = schedule(
                ScheduledReport(
                    recipient=membership.user,
                    school=membership.school,
                    kind=KIND,
                    frequency=ScheduledReport.Frequency.TERMLY,
                    parameters={"school": str(membership.school.code)},
                ),
                after=now,
            )
            report.save()
            audit.record(
                "pastoral.scheduled_report.created",
                school=membership.school,
                obj=report,
                actor_label="system",
                data={"kind": KIND, "frequency": "termly", "recipient": membership.user.get_username()},
            )
        existing.add((membership.user_id, membership.school_id))
        created.append(report)
    return created


# --- dashboard panel and the date-range form -------------------------------------------------------------


class TermlyReportForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())
    scope = forms.ChoiceField(label="Covering", required=False)

    def __init__(self, *args, school=None, can_trust=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("school", school.name if school else "This school")]
        if can_trust:
            choices.append((TRUST, "Every school in the trust I can see"))
        self.fields["scope"].choices = choices
        if not can_trust:
            self.fields["scope"].widget = forms.HiddenInput()
            self.fields["scope"].initial = "school"
        # The home page's panel writes these fields out itself (pastoral/_panel_field.html) with the markup the
        # rest of the app's forms have (crispy forms took 1.5 ms of the headteacher's home page).
        for name, css in (("start", "dateinput form-control"), ("end", "dateinput form-control")):
            self.fields[name].widget.attrs["class"] = css
        if can_trust:
            self.fields["scope"].widget.attrs["class"] = "select form-select"

    def full_clean(self):
        super().full_clean()
        # A field in error is marked for assistive technology and points at its message, shown beside it.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be on or after the start date.")
            elif (end - start).days >= MAX_DAYS:
                self.add_error("end", f"Choose a range of at most {MAX_DAYS} days.")
            elif start > timezone.localdate():
                self.add_error("start", "The start date is in the future.")
        return cleaned

    def parameters(self, school):
        scope = self.cleaned_data.get("scope") or "school"
        return {
            "school": TRUST if scope == TRUST else str(school.code),
            "start": self.cleaned_data["start"].isoformat(),
            "end": self.cleaned_data["end"].isoformat(),
        }


PANEL_FILES = 5


def panel_context(user, school, form=None):
    files = list(
        exports.files_visible_to(user)
        .filter(kind=KIND, school=school, status=GeneratedFile.Status.DONE, expires_at__gt=timezone.now())
        .order_by("-finished_at")[:PANEL_FILES]
    )
    can_trust = access.has_school_perm(user, school, VIEW_TRUST)
    if form is None:
        start, end = default_period(school)
        form = TermlyReportForm(initial={"start": start, "end": end}, school=school, can_trust=can_trust)
    return {"files": files, "form": form, "school": school, "can_trust": can_trust, "key": uuid.uuid4()}


def termly_report_panel(request, school):
    """Headteachers' (and trust leaders') home panel: latest termly reports, and a date-range form."""
    if not access.has_school_perm(request.user, school, VIEW):
        return None
    return Panel("Termly reports", "pastoral/_termly_panel.html", panel_context(request.user, school))
