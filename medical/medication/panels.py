"""Medicines' rows on the medical lead's panel: expiry, low stock and parents still to be told."""

from django.urls import reverse

from ..panels import add_rows
from . import selectors


@add_rows
def medication_rows(user, school, today):
    agreements = selectors.agreements_visible_to(user).filter(school=school)
    base = reverse("medical:agreement_list")
    return [
        ("Medicines expiring within 30 days", selectors.expiring(agreements, today).count(), f"{base}?alert=expiring"),
        ("Medicines past their expiry date", selectors.expired(agreements, today).count(), f"{base}?alert=expired"),
        ("Medicines low in stock", selectors.low_stock(agreements, today).count(), f"{base}?alert=low"),
        (
            "Refused or missed doses: parents not yet told",
            selectors.parents_to_tell(selectors.doses_visible_to(user).filter(school=school)).count(),
            reverse("medical:dose_list") + "?parents=1",
        ),
    ]
