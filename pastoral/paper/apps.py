"""The paper fallback's permissions and registrations, called from PastoralConfig.ready()."""

from ..accounts.roles import Role
from . import kinds, pdf
from .permissions import VIEW_SHEETS

# The school's list of printed sheets: the leads who run the fallback and chase sheets not yet entered. The DSL
# team sees it because concern forms are among them; printing and entering need only the create permission.
PERMISSIONS = {
    Role.HEADTEACHER: {VIEW_SHEETS},
    Role.DSL: {VIEW_SHEETS},
    Role.DEPUTY_DSL: {VIEW_SHEETS},
    Role.PASTORAL_ASSISTANT: {VIEW_SHEETS},
    Role.PASTORAL_LEAD: {VIEW_SHEETS},
}


def register_kind(key, **options):
    """The duty areas' way in (see kinds.py): the kind, and the export that builds its blank forms."""
    kind = kinds.register_kind(key, **options)
    pdf.register_export(kind)
    return kind


def register():
    from .. import audit
    from ..accounts import role_catalogue

    for action, sentence in {
        "pastoral.paper.printed": "printed blank paper forms",
        "pastoral.paper.entered": "entered a record from a paper form",
        "pastoral.paper.scan_viewed": "opened the scan of a paper form",
        "pastoral.paper.refused": "was refused a record entered from paper, or its scan",
    }.items():
        audit.describe(action, sentence)
    role_catalogue.register_area(
        "paper",
        "Paper forms",
        {VIEW_SHEETS: "See the school's printed paper forms, which were entered and by whom"},
        order=85,
    )
