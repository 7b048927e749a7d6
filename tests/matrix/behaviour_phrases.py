"""Permission matrix rows for the phrase bank (kept by the headteacher and the pastoral lead) and for events of
a sensitive category (read by the pastoral and DSL teams and by whoever logged them; absent for other staff)."""

from behaviour.models import BehaviourPhrase
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from tests.matrix import statuses

CATEGORY_KEEPERS = statuses(302, 403, 403, 403, 200, 403, 403)

ROWS = [
    ("behaviour:phrase_list", (), CATEGORY_KEEPERS),
    ("behaviour:phrase_create", (), CATEGORY_KEEPERS),
    ("behaviour:phrase_edit", ("phrase",), CATEGORY_KEEPERS),
    # Logged by the DSL: the teacher is not told it exists; pastoral staff read it but do not correct it.
    ("behaviour:event_detail", ("sensitive_event",), statuses(302, 404, 200, 200, 200, 403, 404)),
    ("behaviour:event_edit", ("sensitive_event",), statuses(302, 404, 403, 200, 200, 403, 404)),
    # Logged by the teacher, who reads and corrects it like any event of theirs.
    ("behaviour:event_detail", ("own_sensitive_event",), statuses(302, 200, 200, 200, 200, 403, 404)),
    ("behaviour:event_edit", ("own_sensitive_event",), statuses(302, 200, 403, 200, 200, 403, 404)),
]

KWARG_NAMES = {"phrase": "code", "sensitive_event": "code", "own_sensitive_event": "code"}


def build(objects, request):
    school, pupil = objects["school"], objects["pupil"]
    sensitive = BehaviourCategoryFactory(school=school, name="Sexualised behaviour", sensitive=True)
    phrase = BehaviourPhrase.objects.create(school=school, category=objects["category"], text="Calling out.")
    theirs = BehaviourEventFactory(pupil=pupil, category=sensitive, recorded_by=request.getfixturevalue("dsl"))
    mine = BehaviourEventFactory(pupil=pupil, category=sensitive, recorded_by=request.getfixturevalue("teacher"))
    return {"phrase": phrase.code, "sensitive_event": theirs.code, "own_sensitive_event": mine.code}
