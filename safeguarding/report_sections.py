"""Safeguarding's section of the termly report: numbers only, never a child's name or a concern's words.

Read through `concerns_visible_to`, `referrals_visible_to`, `transfers_visible_to` and the pupil selector of the
requesting user; only included for those who read concerns (`safeguarding.view_concerns`). Its presence
marks the whole PDF OFFICIAL-SENSITIVE.
"""

from django.db.models import Count, F, Q

from pastoral.files import charts
from pastoral.files.pdf import OFFICIAL_SENSITIVE
from pastoral.files.reports import Section, Table, bounds, comparison_table
from pastoral.selectors import on_roll, pupils_visible_to

from . import selectors
from .models import Referral


def concerns_in(user, schools, start, end):
    low, high = bounds(start, end)
    return selectors.concerns_visible_to(user).filter(
        school_id__in=[school.pk for school in schools], reported_at__gte=low, reported_at__lt=high
    )


def referrals_in(user, schools, start, end):
    return selectors.referrals_visible_to(user).filter(
        school_id__in=[school.pk for school in schools], referred_on__gte=start, referred_on__lte=end
    )


def transfer_counts(user, schools, start, end):
    """CP files due in the period (a file to a known destination): sent on time, sent late, not yet sent."""
    due = selectors.transfers_visible_to(user).filter(
        school_id__in=[school.pk for school in schools],
        due_by__gte=start,
        due_by__lte=end,
        destination_unknown=False,
    )
    return due.aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=Q(sent_at__date__lte=F("due_by"))),
        late=Count("pk", filter=Q(sent_at__date__gt=F("due_by"))),
        unsent=Count("pk", filter=Q(sent_at__isnull=True)),
    )


def flag_counts(user, schools, on):
    pupils = on_roll(pupils_visible_to(user).filter(school_id__in=[school.pk for school in schools]), on)
    return pupils.aggregate(
        cp=Count("pk", filter=Q(child_protection_plan=True)),
        cin=Count("pk", filter=Q(child_in_need=True)),
        cla=Count("pk", filter=Q(looked_after=True)),
    )


def build_safeguarding(user, schools, start, end, previous_start, previous_end):
    concerns = concerns_in(user, schools, start, end)
    now = concerns.aggregate(concerns=Count("pk"), urgent=Count("pk", filter=Q(urgent=True)))
    then = concerns_in(user, schools, previous_start, previous_end).aggregate(concerns=Count("pk"))
    referrals = referrals_in(user, schools, start, end)
    referral_count = referrals.count()
    previous_referrals = referrals_in(user, schools, previous_start, previous_end).count()
    transfers = transfer_counts(user, schools, start, end)
    flags = flag_counts(user, schools, end)
    section = Section(
        "Safeguarding in numbers",
        sensitivity=OFFICIAL_SENSITIVE,
        headlines=[
            ("Concerns raised", now["concerns"]),
            ("Referrals made", referral_count),
            ("Pupils on a CP plan", flags["cp"]),
            ("Children in need", flags["cin"]),
            ("Looked-after children", flags["cla"]),
        ],
        notes=[
            "Counts only; no child is named. CP, CIN and CLA are the pupils flagged on the roll today; CP files "
            "counted are those due in the period to a known destination school."
        ],
    )
    section.tables.append(
        comparison_table(
            "Concerns and referrals against the previous period",
            [
                ("Concerns raised", now["concerns"], then["concerns"]),
                ("Referrals made", referral_count, previous_referrals),
            ],
        )
    )
    section.tables.append(
        Table(
            "Pupils on roll with a plan or status",
            ["Status", "Pupils"],
            [
                ("Child protection plan (CP)", flags["cp"]),
                ("Child in need (CIN)", flags["cin"]),
                ("Looked after (CLA)", flags["cla"]),
            ],
        )
    )
    section.tables.append(
        Table(
            "CP files to transfer",
            ["Measure", "Files"],
            [
                ("Due in the period", transfers["due"]),
                ("Sent on time", transfers["on_time"]),
                ("Sent late", transfers["late"]),
                ("Not yet sent", transfers["unsent"]),
            ],
        )
    )
    categories = concerns.values("category__name").annotate(n=Count("pk")).order_by("-n", "category__name")
    section.charts.append(
        charts.bar_chart(
            "Concerns by category",
            [(row["category__name"], row["n"]) for row in categories],
            label_header="Category",
            value_header="Concerns",
        )
    )
    agencies = dict(Referral.Agency.choices)
    by_agency = referrals.values("agency").annotate(n=Count("pk")).order_by("-n", "agency")
    section.charts.append(
        charts.bar_chart(
            "Referrals by agency",
            [(agencies.get(row["agency"], row["agency"]), row["n"]) for row in by_agency],
            label_header="Agency",
            value_header="Referrals",
        )
    )
    if len(schools) > 1:
        ids = [school.pk for school in schools]
        per_concerns = dict(
            concerns.values("school_id").annotate(n=Count("pk")).order_by().values_list("school_id", "n")
        )
        per_referrals = dict(
            referrals.values("school_id").annotate(n=Count("pk")).order_by().values_list("school_id", "n")
        )
        section.tables.append(
            Table(
                "Safeguarding by school",
                ["School", "Concerns", "Referrals"],
                [
                    (school.name, per_concerns.get(school.pk, 0), per_referrals.get(school.pk, 0))
                    for school in schools
                    if school.pk in ids
                ],
            )
        )
    return section


def register():
    from pastoral.files.reports import register_section

    register_section(
        "safeguarding", build_safeguarding, order=60, permission=selectors.VIEW, title="Safeguarding in numbers"
    )
