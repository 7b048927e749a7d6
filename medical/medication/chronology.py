"""Medicines and doses on a pupil's chronology, for those who read medical records."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem

from .selectors import agreements_visible_to, doses_visible_to, kit_uses_visible_to


def medication_for_chronology(user, pupil, limit):
    items = [
        ChronologyItem(
            a.created_at,
            "medical",
            f"Parental agreement to give {a.medicine_name}",
            f"Signed by {a.parent_name}",
            reverse("medical:agreement_detail", args=[a.code]),
            "info",
        )
        for a in agreements_visible_to(user).filter(pupil=pupil).order_by("-created_at", "-pk")[:limit]
    ]
    doses = doses_visible_to(user).filter(pupil=pupil).select_related("agreement", "given_by")
    for d in doses.order_by("-given_at", "-pk")[:limit]:
        items.append(
            ChronologyItem(
                d.given_at,
                "medical",
                f"Medicine {d.get_outcome_display().lower()}: {d.agreement.medicine_name}",
                d.reason or f"By {d.given_by}",
                reverse("medical:dose_detail", args=[d.code]),
                "success" if d.outcome == "given" else "warning",
            )
        )
    uses = kit_uses_visible_to(user).filter(pupil=pupil).select_related("given_by")
    for use in uses.order_by("-used_at", "-pk")[:limit]:
        items.append(
            ChronologyItem(
                use.used_at,
                "medical",
                f"School's {use.get_kit_display().lower()} used: {use.dose}",
                f"By {use.given_by}{'; ambulance called' if use.ambulance_called else ''}",
                reverse("medical:kit"),
                "danger",
            )
        )
    return items
