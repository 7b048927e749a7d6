"""The demo schools' emergency card."""

from .models import MedicalSettings


def seed_settings(school, staff_by_role, pupils, rng, term):
    MedicalSettings.objects.update_or_create(
        school=school,
        defaults={
            "phone_number": "0113 496 0" + str(rng.randint(100, 999)),
            "address": f"{school.name}, Moor Road, Leeds",
            "postcode": "LS6 " + rng.choice(["2AB", "4QD", "1JN"]),
            "exact_location": "Main building: the medical room is next to reception, ground floor",
            "best_entrance": "Main gate on Moor Road; the site team will meet the crew at reception",
        },
    )
