"""Subject access requests' permissions and registrations, called from PastoralConfig.ready()."""

from .permissions import MANAGE

# The headteacher is the data-protection lead unless the school gives the work to another role.
PERMISSIONS = {"headteacher": {MANAGE}}


def register():
    from pastoral import audit, dashboard

    from .panels import sar_panel

    for action, sentence in {
        "pastoral.sar.recorded": "recorded a subject access request",
        "pastoral.sar.identity_checked": "recorded the identity check of a subject access request",
        "pastoral.sar.extended": "extended the deadline of a subject access request",
        "pastoral.sar.closed": "closed a subject access request",
    }.items():
        audit.describe(action, sentence)
    dashboard.register("subject_access", sar_panel, order=9)
