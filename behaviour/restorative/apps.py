"""Registration of restorative meetings, called from BehaviourConfig.ready(). They are read, recorded and voided
under the behaviour event permissions (see `events.apps`); their demo meetings are seeded with the events'."""

PERMISSIONS = {}


def register():
    from pastoral import audit, chronology

    from .chronology import restorative_for_chronology
    from .exports import register_exports

    audit.describe("behaviour.restorative.recorded", "recorded a restorative meeting")
    audit.describe("behaviour.restorative.voided", "voided a restorative meeting")
    from .models import RestorativeMeeting

    chronology.register(
        "behaviour_restorative", restorative_for_chronology, sources=[(RestorativeMeeting.pupils.through, "pupil")]
    )
    register_exports()
