"""The single-pupil picker: the pupil kind of the one picker in `pastoral.pickers`.

The field is a ModelChoiceField, so views keep setting ``form.fields[name].queryset`` to rows
from ``pupils_visible_to(user)``; whatever is posted is only ever looked up inside that queryset.
"""

from ..pickers import PUPILS, PickerField, search_response
from ..services import pupil_search_record


class PupilPickerField(PickerField):
    """One pupil, chosen by code from the type-ahead, or typed as a name or UPN and resolved here."""

    def __init__(self, **kwargs):
        super().__init__(PUPILS, **kwargs)


def pupil_results(request, school, pupils, *, where):
    """The matches among `pupils` (already the user's visible pupils in `school`) for a picker's `?q=`,
    each search audited as `where`. Every pupil search endpoint answers with this."""

    def audit(text, results):
        pupil_search_record(actor=request.user, school=school, text=text, results=results, where=where)

    return search_response(request, PUPILS, pupils, school, on_results=audit)
