"""Reads for the medical register and the per-pupil emergency sheet."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from pastoral.selectors import on_roll, pupils_visible_to

from ..conditions.models import MedicalCondition
from ..medication.models import MedicineAgreement
from ..plans.models import HealthcarePlan
from ..selectors import reading_schools


def register_pupils(user, school, *, year_group=None, form_name="", upns=()):
    """Pupils on roll with a current medical condition or medicine, with their alerts and where medicines are."""
    if school.pk not in reading_schools(user):
        return []
    today = timezone.localdate()
    pupils = on_roll(pupils_visible_to(user).filter(school=school))
    if year_group is not None:
        pupils = pupils.filter(year_group=year_group)
    if form_name:
        pupils = pupils.filter(form__iexact=form_name)
    if upns:
        pupils = pupils.filter(upn__in=list(upns))
    conditions = MedicalCondition.objects.filter(voided_at__isnull=True).select_related("condition_type")
    medicines = MedicineAgreement.objects.filter(status=MedicineAgreement.Status.ACTIVE, agreed_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    with_any = Q(medical_conditions__voided_at__isnull=True, medical_conditions__isnull=False) | Q(
        medicine_agreements__in=medicines
    )
    return list(
        pupils.filter(with_any)
        .distinct()
        .order_by("year_group", "form", "legal_last_name", "legal_first_name")
        .prefetch_related(
            Prefetch("medical_conditions", queryset=conditions, to_attr="current_conditions"),
            Prefetch("medicine_agreements", queryset=medicines, to_attr="current_medicines"),
        )
    )


def emergency_plan(pupil):
    """The pupil's active healthcare plan, else the latest draft, for the emergency sheet."""
    plans = HealthcarePlan.objects.filter(pupil=pupil).exclude(status=HealthcarePlan.Status.ENDED)
    return (
        plans.filter(status=HealthcarePlan.Status.ACTIVE).order_by("-created_at").first()
        or plans.order_by("-created_at").first()
    )
