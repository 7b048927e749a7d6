"""Reads for medicines, stock, doses and the emergency kit."""

import datetime

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..selectors import get_or_refuse, reading_schools
from .models import DoseAdministration, EmergencyKitConsent, EmergencyKitUse, MedicineAgreement, StockMovement

EXPIRY_WARNING_DAYS = 30


def agreements_visible_to(user):
    return MedicineAgreement.objects.filter(school_id__in=reading_schools(user))


def doses_visible_to(user):
    return DoseAdministration.objects.filter(school_id__in=reading_schools(user))


def kit_consents_visible_to(user):
    return EmergencyKitConsent.objects.filter(school_id__in=reading_schools(user))


def kit_uses_visible_to(user):
    return EmergencyKitUse.objects.filter(school_id__in=reading_schools(user))


def get_agreement_for_user(user, code):
    rows = MedicineAgreement.objects.select_related("pupil", "school", "condition", "recorded_by")
    return get_or_refuse(rows, user, code, "agreement", "medical.agreement.refused")


def get_kit_consent_for_user(user, code):
    rows = EmergencyKitConsent.objects.select_related("pupil", "school")
    return get_or_refuse(rows, user, code, "consent", "medical.kit_consent.refused")


def get_dose_for_user(user, code):
    rows = DoseAdministration.objects.select_related("pupil", "school", "agreement", "given_by", "witness")
    return get_or_refuse(rows, user, code, "dose", "medical.dose.refused")


def _sum(kinds):
    rows = (
        StockMovement.objects.filter(agreement=OuterRef("pk"), kind__in=kinds)
        .order_by()
        .values("agreement")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(rows), Value(0), output_field=DecimalField(max_digits=9, decimal_places=2))


def with_stock(queryset):
    """`in_stock` on each agreement: received less given, returned and disposed of."""
    return queryset.annotate(
        received=_sum([StockMovement.Kind.RECEIVED]), taken_out=_sum(list(StockMovement.OUT))
    ).annotate(in_stock=F("received") - F("taken_out"))


def stock_of(agreement):
    return with_stock(MedicineAgreement.objects.filter(pk=agreement.pk)).values_list("in_stock", flat=True)[0]


def current(queryset, day=None):
    day = day or timezone.localdate()
    return queryset.filter(status=MedicineAgreement.Status.ACTIVE, agreed_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def expiring(queryset, day=None, days=EXPIRY_WARNING_DAYS):
    """Current medicines expiring from today to 30 days ahead, both ends included (the expiry day itself too)."""
    day = day or timezone.localdate()
    return current(queryset, day).filter(expiry_date__gte=day, expiry_date__lte=day + datetime.timedelta(days=days))


def expired(queryset, day=None):
    """Current agreements whose medicine is past its expiry day: to be returned to parents or replaced."""
    day = day or timezone.localdate()
    return current(queryset, day).filter(expiry_date__lt=day)


def low_stock(queryset, day=None):
    return with_stock(current(queryset, day)).filter(in_stock__lte=F("low_stock_threshold"))


def parents_to_tell(queryset):
    return queryset.exclude(outcome=DoseAdministration.Outcome.GIVEN).filter(parents_told_at__isnull=True)


def last_given(agreement, before=None):
    rows = DoseAdministration.objects.filter(agreement=agreement, outcome=DoseAdministration.Outcome.GIVEN)
    if before is not None:
        rows = rows.filter(given_at__lte=before)
    return rows.order_by("-given_at").first()


def next_given(agreement, after):
    """The first dose given after `after` (a dose recorded late must keep its interval before it too)."""
    rows = DoseAdministration.objects.filter(agreement=agreement, outcome=DoseAdministration.Outcome.GIVEN)
    return rows.filter(given_at__gt=after).order_by("given_at").first()


def round_for(user, school, day=None):
    """Today's medication round: every dose due today by time, with what was recorded against it."""
    day = day or timezone.localdate()
    agreements = list(
        current(agreements_visible_to(user).filter(school=school), day)
        .exclude(times="")
        .filter(Q(pupil__leaving_date__isnull=True) | Q(pupil__leaving_date__gte=day))
        .select_related("pupil")
    )
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    recorded = {
        (d.agreement_id, d.round_time): d
        for d in DoseAdministration.objects.filter(
            agreement__in=agreements, given_at__gte=start, given_at__lt=start + datetime.timedelta(days=1)
        )
        .exclude(round_time__isnull=True)
        .select_related("given_by")
    }
    rows = []
    for agreement in agreements:
        for time in agreement.round_times:
            rows.append(
                {
                    "time": time,
                    "agreement": agreement,
                    "pupil": agreement.pupil,
                    "dose": recorded.get((agreement.pk, time)),
                    "expired": not agreement.in_date_on(day),
                }
            )
    rows.sort(key=lambda r: (r["time"], r["pupil"].legal_last_name, r["pupil"].legal_first_name))
    return rows


def kit_consent_current(pupil, kit, day=None):
    day = day or timezone.localdate()
    return (
        EmergencyKitConsent.objects.filter(pupil=pupil, kit=kit, consent_on__lte=day)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        .exists()
    )
