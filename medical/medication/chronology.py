"""Medicines and doses on a pupil's chronology, for those who read medical records."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_window

from .selectors import agreements_visible_to, doses_visible_to, kit_uses_visible_to


def medication_for_chronology(user, pupil, limit):
    window = as_window(limit)
    agreements = window.rows(
        agreements_visible_to(user).filter(pupil=pupil),
        when="created_at",
        text=("medicine_name",),
        sub="agreement",
        label="Parental agreement",
    )
    items = [
        ChronologyItem(
            a.created_at,
            "medical",
            f"Parental agreement to give {a.medicine_name}",
            f"Signed by {a.parent_name}",
            reverse("medical:agreement_detail", args=[a.code]),
            "info",
            key=window.key(a.pk, "agreement"),
        )
        for a in agreements
    ]
    doses = doses_visible_to(user).filter(pupil=pupil).select_related("agreement", "given_by")
    text = ("agreement__medicine_name", "reason")
    for d in window.rows(doses, when="given_at", text=text, sub="dose", label="Medicine"):
        items.append(
            ChronologyItem(
                d.given_at,
                "medical",
                f"Medicine {d.get_outcome_display().lower()}: {d.agreement.medicine_name}",
                d.reason or f"By {d.given_by}",
                reverse("medical:dose_detail", args=[d.code]),
                "success" if d.outcome == "given" else "warning",
                key=window.key(d.pk, "dose"),
            )
        )
    uses = kit_uses_visible_to(user).filter(pupil=pupil).select_related("given_by")
    for use in window.rows(uses, when="used_at", text=("dose",), sub="kit", label="School's"):
        items.append(
            ChronologyItem(
                use.used_at,
                "medical",
                f"School's {use.get_kit_display().lower()} used: {use.dose}",
                f"By {use.given_by}{'; ambulance called' if use.ambulance_called else ''}",
                reverse("medical:kit"),
                "danger",
                key=window.key(use.pk, "kit"),
            )
        )
    return items
