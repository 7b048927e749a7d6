"""Outcome measures, pupil voice and the annual-review pack: pastoral staff, pastoral lead, SENCo and the DSL team
read and record; the SENCo, pastoral lead and DSL team request the pack; the headteacher sees counts only (the
termly report); teachers and IT admins see none of it; another school's staff get 404."""

from provision.tests.outcome_factories import all_items, my_star, teacher_sdq, voice
from tests.matrix import POST_ONLY, statuses

READERS = statuses(302, 403, 200, 200, 403, 403, 404)
# A list of the school being worked in: another school's DSL sees their own school's (empty) list.
LISTS = statuses(302, 403, 200, 200, 403, 403, 200)
PACK = statuses(302, 403, 403, 200, 403, 403, 404)
ROWS = [
    ("provision:star_list", (), LISTS),
    ("provision:sdq_list", (), LISTS),
    ("provision:voice_list", (), LISTS),
    ("provision:voice_new", (), LISTS),
    ("provision:outcomes_pupil", ("pupil",), READERS),
    ("provision:star_new", ("pupil",), READERS),
    ("provision:sdq_new", ("pupil",), READERS),
    ("provision:voice_pupil", ("pupil",), READERS),
    ("provision:review_pack", ("pupil",), PACK),
    ("provision:star_detail", ("star_reading",), READERS),
    ("provision:star_withdraw", ("star_reading",), POST_ONLY),
    ("provision:sdq_detail", ("sdq_response",), READERS),
    ("provision:sdq_withdraw", ("sdq_response",), POST_ONLY),
    ("provision:voice_detail", ("voice_record",), READERS),
    ("provision:voice_withdraw", ("voice_record",), POST_ONLY),
]
KWARG_NAMES = {"star_reading": "code", "sdq_response": "code", "voice_record": "code"}


def build(objects, request):
    dsl = request.getfixturevalue("dsl")
    pupil = objects["pupil"]
    return {
        "star_reading": my_star(dsl, pupil, 3).code,
        "sdq_response": teacher_sdq(dsl, pupil, all_items(1)).code,
        "voice_record": voice(dsl, pupil).code,
    }
