"""Registration of the accident and first-aid log, called from MedicalConfig.ready()."""

PERMISSIONS = {}


def register():
    from pastoral import audit, chronology, dashboard, demo

    from .chronology import accidents_for_chronology
    from .demo import seed_accidents
    from .exports import register_exports, register_pdfs
    from .panels import accident_rows, riddor_panel

    for action, sentence in {
        "medical.accident.recorded": "recorded an accident or first aid",
        "medical.accident.viewed": "read an accident record",
        "medical.accident.refused": "was refused an accident record",
        "medical.accident.parents_informed": "recorded telling parents about an accident",
        "medical.accident.riddor_decided": "recorded a RIDDOR decision",
        "medical.accident.voided": "voided an accident record",
        "medical.accidents.listed": "opened the accident log",
        "medical.accidents.trends_viewed": "opened the accident trends",
    }.items():
        audit.describe(action, sentence)
    from .models import Accident

    chronology.register("medical_accidents", accidents_for_chronology, sources=[(Accident, "pupil")])
    dashboard.register("medical_riddor", riddor_panel, order=26)
    register_exports()
    register_pdfs()
    accident_rows  # noqa: B018 - importing the module adds its rows to the medical panel
    demo.register_seeder("medical_accidents", seed_accidents)
