"""Registration of the emergency card, the school's medical settings and the medical register."""

PERMISSIONS = {}


def register():
    from pastoral import audit, demo

    from .demo import seed_settings
    from .exports import register_exports

    audit.describe("medical.settings.changed", "changed the school's medical settings or emergency card")
    audit.describe("medical.register.viewed", "opened a medical register")
    register_exports()
    demo.register_seeder("medical_settings", seed_settings)
