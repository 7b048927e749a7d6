"""Registration of medicines, doses and the emergency kit, called from MedicalConfig.ready()."""

PERMISSIONS = {}


def register():
    from pastoral import audit, chronology, demo

    from .chronology import medication_for_chronology
    from .demo import seed_medication
    from .exports import register_exports
    from .panels import medication_rows

    for action, sentence in {
        "medical.agreement.recorded": "recorded a parental agreement to give medicine",
        "medical.agreement.ended": "ended a parental agreement to give medicine",
        "medical.agreement.viewed": "read a medicine record",
        "medical.agreement.refused": "was refused a medicine record",
        "medical.agreements.listed": "opened the list of medicines",
        "medical.stock.moved": "recorded a medicine stock movement",
        "medical.dose.recorded": "recorded a dose of medicine",
        "medical.dose.viewed": "read a dose record",
        "medical.dose.refused": "was refused a dose record",
        "medical.dose.parents_told": "recorded telling parents about a dose",
        "medical.doses.listed": "opened the record of medicines given",
        "medical.round.viewed": "opened today's medication round",
        "medical.kit.viewed": "opened the emergency kit register",
        "medical.kit_consent.recorded": "recorded consent for the emergency kit",
        "medical.kit.used": "recorded use of the emergency kit",
        "medical.kit_consent.withdrawn": "recorded parents withdrawing consent for the emergency kit",
        "medical.kit_consent.refused": "was refused an emergency kit consent",
    }.items():
        audit.describe(action, sentence)
    from .models import DoseAdministration, EmergencyKitUse, MedicineAgreement

    chronology.register(
        "medical_medication",
        medication_for_chronology,
        sources=[(MedicineAgreement, "pupil"), (DoseAdministration, "pupil"), (EmergencyKitUse, "pupil")],
    )
    register_exports()
    medication_rows  # noqa: B018 - importing the module adds its rows to the medical panel
    demo.register_seeder("medical_medication", seed_medication)
