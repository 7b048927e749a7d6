"""Pupil and family-contact import from a school MIS export (SIMS, Arbor, Bromcom and the like).

The whole file is checked before anything is written: whoever fixes the
spreadsheet needs every problem at once, and a half-applied import would leave
the roll in a state nobody chose. Headings are matched by meaning rather than
exact spelling because every MIS names its columns differently.

Rules the rest of the code relies on (and docs/pupil-import.md explains):

* Rows are numbered as a spreadsheet shows them: the heading row is row 1.
* A column left out of the file leaves that detail as it is; a column present
  but blank clears it, because the MIS is the source of truth for what it exports.
* Pupils are matched on UPN within the school, contacts on name within the
  pupil. Nothing is ever deleted.
"""

import csv
import functools
import io
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone

from .. import audit, outbox
from ..accounts import access
from ..exceptions import ImportRejected
from ..files.storage import generated_storage
from ..models import FamilyContact, ImportJob, Pupil, YearGroup
from ..selectors import on_roll
from .upn import upn_problem

NAMES_SHOWN = 50
BATCH_SIZE = 500
CONTACT_SLOTS = (1, 2)
VALUE_SHOWN = 100

# Checked in bulk against one query instead (see _validate_pupil), or never
# written by the import, so full_clean need not query the database per row.
# The ethnicity code is checked against the census table by its column, once per file rather than once per row.
PUPIL_CLEAN_EXCLUDE = ("school", "keyworker", "photo", "ethnicity")
CONTACT_CLEAN_EXCLUDE = ("pupil",)


class CellError(ValueError):
    """A cell value that cannot be used; the message is shown to the school as it is."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    not_in_file: int = 0
    created_names: list[str] = field(default_factory=list)
    updated_names: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rows(self):
        return self.created + self.updated + self.unchanged

    def as_audit_data(self):
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "contacts_created": self.contacts_created,
            "contacts_updated": self.contacts_updated,
            "not_in_file": self.not_in_file,
        }


# Cell parsers ---------------------------------------------------------------
# Each takes the stripped cell text ("" when blank) and returns the value to store.


def heading_key(text):
    """'Legal_Surname', 'legal surname' and 'LEGAL-SURNAME' all become 'legalsurname'."""
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _text(value):
    return value


def _upn(value):
    value = value.upper()
    problem = upn_problem(value)
    if problem:
        raise CellError(problem)
    return value


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Excel often appends midnight when a date column is saved as CSV.
_MIDNIGHT = re.compile(r"[ T]0?0:00(:00)?$")


def _date(value):
    if not value:
        return None
    value = _MIDNIGHT.sub("", value)
    if match := _ISO_DATE.match(value):
        year, month, day = match.groups()
    elif match := _UK_DATE.match(value):
        day, month, year = match.groups()
    else:
        raise CellError(
            "Write dates as YYYY-MM-DD or DD/MM/YYYY with a four-digit year, e.g. 2014-03-28 or 28/03/2014."
        )
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise CellError("This is not a real date; check the day and month (DD/MM/YYYY is day first).") from None


def _lookup(table, reason):
    def parse(value):
        try:
            return table[heading_key(value)]
        except KeyError:
            raise CellError(reason) from None

    return parse


GENDERS = {"m": "M", "male": "M", "f": "F", "female": "F", "x": "X", "other": "X", "notstated": "X", "unknown": "X"}
SEN_STATUSES = {
    "": "N",
    "n": "N",
    "no": "N",
    "none": "N",
    "nosen": "N",
    "k": "K",
    "sensupport": "K",
    "e": "E",
    "ehcp": "E",
    "ehcplan": "E",
    "educationhealthandcareplan": "E",
}
BOOLEANS = {
    "": False,
    "n": False,
    "no": False,
    "false": False,
    "0": False,
    "y": True,
    "yes": True,
    "true": True,
    "1": True,
}

_gender = _lookup(GENDERS, "Use M, F or X (or Male, Female, Other).")
_sen_status = _lookup(SEN_STATUSES, "Use N (No SEN), K (SEN support) or E (EHCP).")
_boolean = _lookup(BOOLEANS, "Use Y or N (Yes/No, True/False and 1/0 also work; blank means No).")


def _year_group(value):
    # Only spaces are dropped: stripping '-' would turn '-1' into Year 1.
    key = value.casefold().replace(" ", "")
    for prefix in ("year", "yr", "nc", "y"):
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key.removeprefix(prefix)
            break
    if key in ("r", "rec", "reception"):
        return int(YearGroup.RECEPTION)
    if key in ("n", "n1", "n2", "nur", "nursery"):
        return int(YearGroup.NURSERY)
    if key.isdigit() and int(key) in YearGroup.values:
        return int(key)
    raise CellError("Not a year group this app knows; use N1, N2, R or 1 to 13 (e.g. 7, Y7 or Year 7).")


@functools.lru_cache(maxsize=1)
def ethnicity_lookup():
    """{code or label, folded: code} from the census categories; read once per import (cleared at its start)."""
    from ..models import EthnicityCategory
    from .ethnicity import ensure_census_categories

    ensure_census_categories()
    table = {}
    for code, label in EthnicityCategory.objects.values_list("code", "label"):
        table[heading_key(code)] = code
        table[heading_key(label)] = code
    return table


def _ethnicity(value):
    if not value:
        return None
    code = ethnicity_lookup().get(heading_key(value))
    if code is None:
        raise CellError("Not a census ethnicity code; use the four-letter code, e.g. WBRI, MWBC, APKN or REFU.")
    return code


def _priority(value):
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 99:
        raise CellError("Priority must be a whole number from 1 (contacted first) to 99.")
    return int(value)


# Columns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the Pupil field, or "contact<slot>.<FamilyContact field>"
    heading: str
    parse: Callable[[str], object]
    required: bool = False
    synonyms: tuple[str, ...] = ()
    format: str = "Text"
    example: str = ""

    @property
    def slot(self):
        prefix, _, _ = self.key.partition(".")
        return int(prefix.removeprefix("contact")) if prefix.startswith("contact") else None

    @property
    def field_name(self):
        return self.key.split(".", 1)[1] if self.slot else self.key


YES_NO = "Y or N (Yes/No, True/False, 1/0; blank means No)"
DATE = "YYYY-MM-DD or DD/MM/YYYY"

PUPIL_COLUMNS = (
    Column(
        "upn",
        "UPN",
        _upn,
        True,
        ("Unique Pupil Number", "Pupil UPN"),
        "13 characters: a check letter, 11 digits, then a digit (or a letter for a temporary UPN)",
        "A820432125100",
    ),
    Column(
        "legal_first_name",
        "Legal Forename",
        _text,
        True,
        ("Forename", "First Name", "Legal First Name", "Given Name"),
        "Text, up to 100 characters",
        "Amelia",
    ),
    Column("middle_names", "Middle Names", _text, False, ("Middle Name",), "Text, up to 100 characters", "Rose"),
    Column(
        "legal_last_name",
        "Legal Surname",
        _text,
        True,
        ("Surname", "Last Name", "Legal Last Name", "Family Name"),
        "Text, up to 100 characters",
        "Okafor",
    ),
    Column(
        "preferred_first_name",
        "Preferred Forename",
        _text,
        False,
        ("Preferred First Name", "Preferred Name", "Known As", "Chosen Name"),
        "Text, up to 100 characters",
        "Millie",
    ),
    Column(
        "preferred_last_name",
        "Preferred Surname",
        _text,
        False,
        ("Preferred Last Name",),
        "Text, up to 100 characters",
        "Okafor-Hill",
    ),
    Column("date_of_birth", "Date of Birth", _date, True, ("DOB", "Birth Date", "Birthdate"), DATE, "28/03/2013"),
    Column("gender", "Gender", _gender, True, ("Sex",), "M, F or X (or Male, Female, Other)", "F"),
    Column(
        "year_group",
        "Year Group",
        _year_group,
        True,
        ("Year", "NC Year", "NC Year Actual", "National Curriculum Year", "Curriculum Year"),
        "N1, N2 or Nursery; R or Reception; 1 to 13 (also Y7, Year 7)",
        "Year 8",
    ),
    Column(
        "form",
        "Form",
        _text,
        False,
        ("Reg Group", "Registration Group", "Reg Form", "Tutor Group", "Class"),
        "Text, up to 20 characters",
        "8OK",
    ),
    Column("house", "House", _text, False, (), "Text, up to 40 characters", "Fry"),
    Column(
        "ethnicity_id",
        "Ethnicity",
        _ethnicity,
        False,
        ("Ethnic Group", "Ethnicity Code", "Ethnic Origin"),
        "The four-letter census code (e.g. WBRI) or its name; blank if not known",
        "WBRI",
    ),
    Column(
        "admission_date",
        "Admission Date",
        _date,
        False,
        ("Date of Admission", "Entry Date", "Start Date"),
        DATE + "; blank if not known",
        "2024-09-04",
    ),
    Column(
        "leaving_date",
        "Leaving Date",
        _date,
        False,
        ("Date of Leaving", "Leave Date"),
        DATE + "; blank if still on roll",
        "22/07/2026",
    ),
    Column(
        "sen_status",
        "SEN Status",
        _sen_status,
        False,
        ("SEN", "SEN Provision", "SEND Status"),
        "N (No SEN), K (SEN support) or E (EHCP), or those words; blank means No SEN",
        "K",
    ),
    Column("pupil_premium", "Pupil Premium", _boolean, False, ("PP", "Pupil Premium Indicator"), YES_NO, "Y"),
    Column(
        "looked_after",
        "CLA",
        _boolean,
        False,
        ("Looked After", "Child Looked After", "In Care", "LAC"),
        YES_NO,
        "N",
    ),
    Column("child_in_need", "CIN", _boolean, False, ("Child in Need",), YES_NO, "N"),
    Column("child_protection_plan", "CP Plan", _boolean, False, ("CP", "Child Protection Plan", "CPP"), YES_NO, "N"),
    Column("young_carer", "Young Carer", _boolean, False, (), YES_NO, "N"),
    Column("eal", "EAL", _boolean, False, ("English as an Additional Language",), YES_NO, "N"),
    Column(
        "medical_alert",
        "Medical Alert",
        _text,
        False,
        ("Medical",),
        "Text, up to 200 characters; shown to every member of staff",
        "Asthma – inhaler in bag",
    ),
    Column("dietary_needs", "Dietary Needs", _text, False, ("Dietary",), "Text", "Vegetarian"),
    Column("religious_needs", "Religious Needs", _text, False, (), "Text", "Friday prayers – leaves period 5"),
    Column(
        "cultural_needs",
        "Cultural Needs",
        _text,
        False,
        (),
        "Text",
        "Parents prefer meetings with a Polish interpreter",
    ),
    Column("communication_needs", "Communication Needs", _text, False, (), "Text", "Uses a communication book"),
)


def _contact_columns(slot):
    label = f"Contact {slot}"

    def column(name, heading, parse, synonyms, fmt, example):
        return Column(
            f"contact{slot}.{name}",
            f"{label} {heading}",
            parse,
            False,
            tuple(f"{label} {synonym}" for synonym in synonyms),
            fmt,
            example,
        )

    return (
        column(
            "name",
            "Name",
            _text,
            ("Full Name",),
            "Text, up to 200 characters; matched to the pupil's existing contacts",
            "Grace Okafor",
        ),
        column(
            "relationship",
            "Relationship",
            _text,
            ("Relation", "Relationship to Pupil"),
            "Text, up to 60 characters; needed for a new contact",
            "Mother",
        ),
        column(
            "parental_responsibility",
            "Parental Responsibility",
            _boolean,
            ("PR", "Has Parental Responsibility"),
            YES_NO,
            "Y",
        ),
        column("priority", "Priority", _priority, ("Order",), f"1 to 99; blank means {slot}", str(slot)),
        column(
            "mobile", "Mobile", _text, ("Mobile Phone", "Mobile Number"), "Text, up to 40 characters", "07700 900123"
        ),
        column(
            "phone",
            "Phone",
            _text,
            ("Telephone", "Home Phone", "Phone Number"),
            "Text, up to 40 characters",
            "0161 496 0000",
        ),
        column("email", "Email", _text, ("Email Address",), "An email address", "grace.okafor@example.com"),
        column(
            "address",
            "Address",
            _text,
            ("Home Address",),
            "Text; may run over several lines inside quotes",
            "1 Mill Lane, Northfield",
        ),
    )


CONTACT_COLUMNS = tuple(column for slot in CONTACT_SLOTS for column in _contact_columns(slot))
COLUMNS = PUPIL_COLUMNS + CONTACT_COLUMNS
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


def _heading_index():
    index = {}
    for column in COLUMNS:
        for text in (column.heading, *column.synonyms):
            key = heading_key(text)
            if key in index and index[key] is not column:
                raise AssertionError(f"{text!r} would mean both {index[key].heading!r} and {column.heading!r}")
            index[key] = column
    return index


HEADINGS = _heading_index()


def column_guide():
    """The pupil columns and the Contact 1 columns (Contact 2 is the same), for the page and the docs."""
    return [column for column in COLUMNS if column.slot in (None, 1)]


def template_csv():
    # The BOM makes Excel open the file as UTF-8, so names with accents survive being saved again.
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\r\n").writerow(column.heading for column in COLUMNS)
    return buffer.getvalue()


# Reading the file -------------------------------------------------------------

_SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx/.ods (zip) and old .xls
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS_CSV = "In Excel use File › Save As and choose “CSV UTF-8 (Comma delimited)”, then upload that file."


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


def _read_bytes(uploaded_file):
    limit = settings.PUPIL_IMPORT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ImportRejected(f"The file is {_megabytes(size)}; the largest file accepted is {_megabytes(limit)}.")
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ImportRejected(f"The file is larger than {_megabytes(limit)}, the largest file accepted.")
    return data


def _decode(data):
    if not data.strip():
        raise ImportRejected("The file is empty.")
    if data.startswith(_SPREADSHEET_SIGNATURES):
        raise ImportRejected(f"This is a spreadsheet workbook, not a CSV file. {SAVE_AS_CSV}")
    if data.startswith(_UTF16_BOMS):
        raise ImportRejected(f"The file is saved as UTF-16 (“Unicode Text”), not UTF-8. {SAVE_AS_CSV}")
    if b"\x00" in data:
        raise ImportRejected(f"This does not look like a CSV file (it contains binary data). {SAVE_AS_CSV}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRejected(
            f"The file is not saved as UTF-8 (the first unreadable character is on line {line}), "
            f"so names with accents would come out wrong. {SAVE_AS_CSV}"
        ) from None


def _delimiter(text):
    # Some European Excel installs save with semicolons, and "text" exports use tabs.
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for candidate in ("\t", ";"):
            if candidate in first_line:
                return candidate
    return ","


def _records(text):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return list(reader)
    except csv.Error as exc:
        raise ImportRejected(
            f"The file could not be read as CSV (line {reader.line_num}: {exc}). {SAVE_AS_CSV}"
        ) from None


def _is_blank(cells):
    return not any(cell.strip() for cell in cells)


# Headings ---------------------------------------------------------------------


@dataclass
class Layout:
    columns: dict[int, Column]  # cell position → column
    written: dict[str, str]  # column key → the heading as the file spells it
    width: int
    ignored: list[str]

    def heading(self, key):
        if not key:
            return ""
        return self.written.get(key) or COLUMNS_BY_KEY[key].heading

    def has(self, key):
        return key in self.written


def _read_headings(cells, header_row):
    columns, written, ignored, problems = {}, {}, [], []
    for position, text in enumerate(cells):
        text = text.strip()
        if not text:
            continue
        column = HEADINGS.get(heading_key(text))
        if column is None:
            ignored.append(text)
        elif column.key in written:
            problems.append(
                Problem(
                    header_row,
                    text,
                    text,
                    f"“{written[column.key]}” and “{text}” both mean {column.heading}; remove one.",
                )
            )
        else:
            columns[position] = column
            written[column.key] = text
    layout = Layout(columns, written, len(cells), ignored)
    problems += _missing_columns(layout, header_row)
    if problems:
        raise ImportRejected(_heading_message(layout), problems=problems)
    return layout


def _missing_columns(layout, header_row):
    problems = []
    for column in COLUMNS:
        if column.required and not layout.has(column.key):
            also = ", ".join(f"“{synonym}”" for synonym in column.synonyms)
            reason = "This column is required." + (f" These headings also work: {also}." if also else "")
            problems.append(Problem(header_row, column.heading, "", reason))
    for slot in CONTACT_SLOTS:
        name_key = f"contact{slot}.name"
        if not layout.has(name_key) and any(COLUMNS_BY_KEY[key].slot == slot for key in layout.written):
            problems.append(
                Problem(
                    header_row,
                    f"Contact {slot} Name",
                    "",
                    f"Contact {slot} details need a “Contact {slot} Name” column.",
                )
            )
    return problems


def _heading_message(layout):
    missing = [column.heading for column in COLUMNS if column.required and not layout.has(column.key)]
    if not layout.columns:
        # Usually a report title above the headings, or a file that is not a pupil export at all.
        return (
            "None of the headings in the first row are recognised. The first row of the file must hold the "
            f"column headings, including {', '.join(missing)}. Nothing was imported."
        )
    if missing:
        return f"The file is missing required columns: {', '.join(missing)}. Nothing was imported."
    return "The column headings need fixing before the file can be imported. Nothing was imported."


# Rows -----------------------------------------------------------------------


@dataclass
class Row:
    number: int
    layout: Layout
    raw: dict[str, str] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    bad_keys: set[str] = field(default_factory=set)

    def problem(self, key, reason, value=None):
        if value is None:
            value = self.raw.get(key, "")
        self.bad_keys.add(key)
        self.problems.append(Problem(self.number, self.layout.heading(key), value[:VALUE_SHOWN], reason))

    def pupil_values(self):
        return {key: value for key, value in self.values.items() if COLUMNS_BY_KEY[key].slot is None}

    def contact_values(self, slot):
        return {
            COLUMNS_BY_KEY[key].field_name: value
            for key, value in self.values.items()
            if COLUMNS_BY_KEY[key].slot == slot
        }

    def contact_raw(self, slot):
        return {key: value for key, value in self.raw.items() if COLUMNS_BY_KEY[key].slot == slot}

    @property
    def upn(self):
        return self.values.get("upn")


def _parse_row(number, cells, layout):
    row = Row(number, layout)
    for position, column in layout.columns.items():
        raw = cells[position].strip() if position < len(cells) else ""
        row.raw[column.key] = raw
        if column.required and not raw:
            row.problem(column.key, f"{column.heading} is required but this cell is empty.")
            continue
        try:
            row.values[column.key] = column.parse(raw)
        except CellError as exc:
            row.problem(column.key, str(exc))
    if not _is_blank(cells[layout.width :]):
        row.problem("", "This row has more cells than there are headings; look for a stray comma.", "")
    return row


def _parse_rows(records, start, layout):
    rows = []
    for number, cells in enumerate(records[start:], start=start + 1):
        if not _is_blank(cells):
            rows.append(_parse_row(number, cells, layout))
    if not rows:
        raise ImportRejected("The file has column headings but no pupils.")
    return rows


def _flag_duplicate_upns(rows):
    first_seen = {}
    for row in rows:
        if row.upn is None:
            continue
        if row.upn in first_seen:
            row.problem("upn", f"This UPN is also on row {first_seen[row.upn]}; each pupil should appear once.")
        else:
            first_seen[row.upn] = row.number


# Turning rows into pupils and contacts --------------------------------------------


def _assign(instance, values):
    """Set the values and return the names of the fields that really changed."""
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _reason(error, heading, in_file):
    if error.code in ("blank", "null", "required"):
        if in_file:
            return f"{heading} is required but this cell is empty."
        return f"The file has no “{heading}” column, and a new record needs one."
    if error.code == "max_length":
        return (
            f"This is too long: at most {error.params['limit_value']} characters (it has {error.params['show_value']})."
        )
    if error.code == "invalid" and heading.casefold().endswith("email"):
        return "This is not a valid email address."
    return " ".join(error.messages)


def _report_model_errors(row, exc, prefix=""):
    for name, errors in exc.error_dict.items():
        key = "" if name == NON_FIELD_ERRORS else prefix + name
        if key and key not in COLUMNS_BY_KEY:
            key = ""
        heading = row.layout.heading(key)
        for error in errors:
            row.problem(key, _reason(error, heading, row.layout.has(key)))


def _full_clean(row, instance, always_exclude, prefix=""):
    exclude = [*always_exclude, *(key.removeprefix(prefix) for key in row.bad_keys if key.startswith(prefix))]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _report_model_errors(row, exc, prefix)


def _check_dates(row, pupil):
    if pupil.admission_date and pupil.date_of_birth and pupil.admission_date < pupil.date_of_birth:
        row.problem("admission_date", "The admission date is before the date of birth.")


@dataclass
class Plan:
    """What the import will write, built while the rows are checked."""

    new_pupils: list[Pupil] = field(default_factory=list)
    changed_pupils: list[Pupil] = field(default_factory=list)
    pupil_fields: set[str] = field(default_factory=set)
    unchanged: int = 0
    new_contacts: list[FamilyContact] = field(default_factory=list)
    changed_contacts: list[FamilyContact] = field(default_factory=list)
    contact_fields: set[str] = field(default_factory=set)


def _plan_pupil(row, school, existing, plan):
    pupil = existing.get(row.upn)
    if pupil is None:
        pupil = Pupil(school=school)
    changed = _assign(pupil, row.pupil_values())
    # Uniqueness within the school is settled by the one bulk lookup and the duplicate check.
    _full_clean(row, pupil, PUPIL_CLEAN_EXCLUDE)
    _check_dates(row, pupil)
    if pupil.pk is None:
        plan.new_pupils.append(pupil)
    elif changed:
        plan.changed_pupils.append(pupil)
        plan.pupil_fields.update(changed)
    else:
        plan.unchanged += 1
    return pupil


def _contact_values(row, slot):
    values = row.contact_values(slot)
    name = values.get("name", "")
    if not name:
        if any(value for value in row.contact_raw(slot).values()):
            row.problem(f"contact{slot}.name", f"Contact {slot} has other details but no name.")
        return None
    if row.layout.has(f"contact{slot}.priority") and values.get("priority") is None:
        values["priority"] = slot
    return values


def _plan_contacts(row, pupil, existing_contacts, plan):
    seen = {}
    for slot in CONTACT_SLOTS:
        values = _contact_values(row, slot)
        if values is None:
            continue
        match_key = values["name"].casefold()
        if match_key in seen:
            row.problem(f"contact{slot}.name", f"This is the same name as Contact {seen[match_key]}.")
            continue
        seen[match_key] = slot
        contact = existing_contacts.get((pupil.pk, match_key)) if pupil.pk else None
        if contact is None:
            contact = FamilyContact(pupil=pupil, priority=slot)
        changed = _assign(contact, values)
        _full_clean(row, contact, CONTACT_CLEAN_EXCLUDE, prefix=f"contact{slot}.")
        if contact.pk is None:
            plan.new_contacts.append(contact)
        elif changed:
            plan.changed_contacts.append(contact)
            plan.contact_fields.update(changed)


def _existing_pupils(school, rows):
    upns = {row.upn for row in rows if row.upn}
    pupils = Pupil.objects.annotate(upn_upper=Upper("upn")).filter(school=school, upn_upper__in=upns)
    return {pupil.upn_upper: pupil for pupil in pupils}


def _existing_contacts(pupils):
    contacts = {}
    for contact in FamilyContact.objects.filter(pupil__in=[pupil.pk for pupil in pupils]).order_by("priority", "pk"):
        contacts.setdefault((contact.pupil_id, contact.name.casefold()), contact)
    return contacts


def _build_plan(school, rows, progress):
    existing = _existing_pupils(school, rows)
    existing_contacts = _existing_contacts(existing.values())
    plan = Plan()
    for checked, row in enumerate(rows, start=1):
        pupil = _plan_pupil(row, school, existing, plan)
        _plan_contacts(row, pupil, existing_contacts, plan)
        if checked % BATCH_SIZE == 0 or checked == len(rows):
            progress(checked, len(rows))
    return plan


def _in_file_order(row):
    # Problems are found check by check; people fix them reading the row left to right.
    positions = {row.layout.written[column.key]: position for position, column in row.layout.columns.items()}
    return sorted(row.problems, key=lambda problem: positions.get(problem.column, row.layout.width))


def _rejection(rows):
    problems = [problem for row in rows for problem in _in_file_order(row)]
    bad_rows = sum(1 for row in rows if row.problems)
    noun = "problem" if len(problems) == 1 else "problems"
    row_noun = "row" if bad_rows == 1 else "rows"
    return ImportRejected(
        f"Nothing was imported: {len(problems)} {noun} in {bad_rows} {row_noun}. "
        "Fix them in the file and upload it again.",
        problems=problems,
    )


# Writing --------------------------------------------------------------------------


def _write(plan):
    Pupil.objects.bulk_create(plan.new_pupils, batch_size=BATCH_SIZE)
    if plan.changed_pupils:
        # bulk_update skips auto_now, so the change time is set here.
        now = timezone.now()
        for pupil in plan.changed_pupils:
            pupil.updated_at = now
        Pupil.objects.bulk_update(
            plan.changed_pupils, [*sorted(plan.pupil_fields), "updated_at"], batch_size=BATCH_SIZE
        )
    FamilyContact.objects.bulk_create(plan.new_contacts, batch_size=BATCH_SIZE)
    if plan.changed_contacts:
        FamilyContact.objects.bulk_update(plan.changed_contacts, sorted(plan.contact_fields), batch_size=BATCH_SIZE)


def _not_in_file(school, rows):
    upns = [row.upn for row in rows]
    pupils = on_roll(Pupil.objects.filter(school=school)).annotate(upn_upper=Upper("upn"))
    return pupils.exclude(upn_upper__in=upns).count()


def _result(plan, layout, not_in_file):
    return ImportResult(
        created=len(plan.new_pupils),
        updated=len(plan.changed_pupils),
        unchanged=plan.unchanged,
        contacts_created=len(plan.new_contacts),
        contacts_updated=len(plan.changed_contacts),
        not_in_file=not_in_file,
        created_names=[pupil.display_name for pupil in plan.new_pupils[:NAMES_SHOWN]],
        updated_names=[pupil.display_name for pupil in plan.changed_pupils[:NAMES_SHOWN]],
        ignored_columns=layout.ignored,
    )


def read_file(uploaded_file):
    """The column layout and the parsed rows, or ImportRejected if the file as a whole is unusable."""
    records = _records(_decode(_read_bytes(uploaded_file)))
    header_index = next((index for index, cells in enumerate(records) if not _is_blank(cells)), None)
    if header_index is None:
        raise ImportRejected("The file is empty.")
    layout = _read_headings(records[header_index], header_index + 1)
    return layout, _parse_rows(records, header_index + 1, layout)


def _no_progress(checked, total):
    pass


def pupils_import(*, actor, school, uploaded_file, progress=_no_progress):
    """Create and update the school's pupils and family contacts from an MIS CSV export.

    Raises ImportRejected (with every problem found) and writes nothing if any row is bad.
    ``progress(checked, total)`` is called as rows are checked, once per batch.
    """
    if not access.has_school_perm(actor, school, "pastoral.import_pupils"):
        raise PermissionDenied
    ethnicity_lookup.cache_clear()
    layout, rows = read_file(uploaded_file)
    progress(0, len(rows))
    _flag_duplicate_upns(rows)
    # Checking only reads, and is the slow part; keeping it outside the transaction lets the
    # progress written between batches reach the page that polls it. Writing stays all or nothing.
    plan = _build_plan(school, rows, progress)
    if any(row.problems for row in rows):
        raise _rejection(rows)
    try:
        with transaction.atomic():
            _write(plan)
            result = _result(plan, layout, _not_in_file(school, rows))
            audit.record("pastoral.pupils.imported", actor=actor, school=school, data=result.as_audit_data())
    except IntegrityError:
        # Only another import of the same pupils at the same moment gets past the checks above.
        raise ImportRejected("Someone else imported pupils at the same moment; upload the file again.") from None
    return result


# Import jobs: the upload is stored and a Celery task does the work ------------------------------

PROBLEMS_STORED = 1000
IMPORTS_DIR = "imports"
NO_LONGER_ALLOWED = "The import was stopped: you no longer have permission to import pupils for this school."


def _store(data):
    """Keep the upload under a random name, outside anything served, until its task has read it."""
    return generated_storage().save(f"{IMPORTS_DIR}/{secrets.token_hex(16)}.csv", ContentFile(data))


def _delete_stored(storage_name):
    if storage_name:
        generated_storage().delete(storage_name)


def import_job_create(*, actor, school, uploaded_file):
    """Store the file and queue its import; ImportRejected if it is too large or not a UTF-8 CSV file.

    The cheap whole-file checks run here so the person hears about a workbook or a wrong
    encoding beside the upload field at once; headings and rows are checked by the task.
    """
    if not access.has_school_perm(actor, school, "pastoral.import_pupils"):
        raise PermissionDenied
    data = _read_bytes(uploaded_file)
    _decode(data)
    storage_name = _store(data)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                school=school,
                created_by=actor,
                original_name=(getattr(uploaded_file, "name", "") or "")[:200],
                storage_name=storage_name,
            )
            # Through the outbox: a broker that is down at this moment must not lose the import.
            outbox.enqueue("pastoral.tasks.pupil_import_task", job.pk)
    except BaseException:
        _delete_stored(storage_name)
        raise
    return job


def _record_progress(job_id, checked, total):
    ImportJob.objects.filter(pk=job_id).update(processed=checked, total=total)


def _finish(job, **fields):
    # Conditional, so a duplicate delivery of the task cannot overwrite the first run's outcome.
    fields.setdefault("finished_at", timezone.now())
    ImportJob.objects.filter(pk=job.pk, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]).update(**fields)


def _problem_dicts(problems):
    return [asdict(problem) for problem in problems[:PROBLEMS_STORED]]


def import_job_run(job_id):
    """Check and apply one stored upload, recording progress and the outcome on the job; deletes the file."""
    job = ImportJob.objects.select_related("school", "created_by").filter(pk=job_id, kind=ImportJob.Kind.PUPILS).first()
    if job is None or job.finished:
        return "skipped"
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    actor = job.created_by
    try:
        if not actor.is_active or not access.has_school_perm(actor, job.school, "pastoral.import_pupils"):
            raise ImportRejected(NO_LONGER_ALLOWED)
        with generated_storage().open(job.storage_name, "rb") as handle:
            result = pupils_import(
                actor=actor,
                school=job.school,
                uploaded_file=File(handle, name=job.original_name),
                progress=partial(_record_progress, job.pk),
            )
    except FileNotFoundError:
        _finish(job, status=ImportJob.Status.FAILED, message="The uploaded file is no longer here; upload it again.")
        return "failed"
    except ImportRejected as exc:
        _finish(
            job,
            status=ImportJob.Status.FAILED,
            message=str(exc)[:500],
            errors=len(exc.problems),
            problems=_problem_dicts(exc.problems),
        )
        return "failed"
    except BaseException:
        _finish(
            job, status=ImportJob.Status.FAILED, message="The import stopped because of an error; nothing was saved."
        )
        raise
    finally:
        _delete_stored(job.storage_name)
    _finish(
        job,
        status=ImportJob.Status.DONE,
        created=result.created,
        updated=result.updated,
        result={**asdict(result), "rows": result.rows},
    )
    return "done"


# A queued job is still delivered when the broker comes back (the outbox keeps trying for about a day);
# past that, nothing will run it.
IMPORT_NEVER_STARTED_AFTER = timedelta(days=1)


def fail_stuck_imports(now=None):
    """Fail jobs that will never finish, delete their stored files, and say so on the job page.

    A running job older than the longest a task may run died with its worker (a redelivery would have
    restarted it); a queued one a day old was never delivered.
    """
    now = now or timezone.now()
    stuck = ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING, started_at__lte=now - timedelta(seconds=settings.EXPORT_STALE_AFTER_SECONDS)
    ) | ImportJob.objects.filter(status=ImportJob.Status.QUEUED, created_at__lte=now - IMPORT_NEVER_STARTED_AFTER)
    failed = 0
    for job in stuck:
        if _finish_stuck(job, now):
            _delete_stored(job.storage_name)
            failed += 1
    return failed


def _finish_stuck(job, now):
    return ImportJob.objects.filter(pk=job.pk, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]).update(
        status=ImportJob.Status.FAILED,
        message=(
            "The import stopped before it could finish. Upload the file again: pupils it already added are "
            "matched by UPN and updated, not added twice."
        ),
        finished_at=now,
    )
