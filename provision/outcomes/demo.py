"""Demo outcome measures: My Star readings and teacher SDQs over the term, improving for some pupils and not for
others, and pupil voice tagged for reviews."""

import datetime

from pastoral.accounts.roles import Role

from ..voice.models import PupilVoice
from . import sdq, stars
from .models import SdqResponse, StarReading

# Item responses as ticked (0 first column, 2 last), in the form's order. Reverse-scored items 7, 11, 14, 21, 25.
HIGH = [1, 2, 2, 0, 2, 2, 0, 2, 1, 2, 0, 2, 2, 0, 2, 2, 0, 1, 2, 1, 0, 1, 2, 2, 0]
LOWER = [2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 0, 1, 1, 1, 1, 2, 0, 1, 1, 1, 0, 1, 1, 1]
SAYINGS = [
    "I like it when Miss tells me what is happening next. Lunchtimes are too loud so I go to the library.",
    "I want to stay in my form group. Maths is hard when people talk over me.",
    "My keyworker helps me calm down. I don't like it when people touch my stuff.",
]


def seed_outcomes(school, staff_by_role, pupils, rng, term):
    worker = (staff_by_role.get(Role.PASTORAL_STAFF) or staff_by_role.get(Role.PASTORAL_LEAD) or [None])[0]
    senco = (staff_by_role.get(Role.SENCO) or [worker])[0]
    if worker is None or not pupils:
        return
    spec = stars.MY_STAR.edition("1")
    today = datetime.date.today()
    end = min(term.end, today) if term else today
    start = term.start if term else end - datetime.timedelta(weeks=12)
    if (end - start).days < 28:
        # Early in a term: the baseline goes back a few weeks so there is a change to show.
        start = end - datetime.timedelta(weeks=12)
    middle = start + (end - start) / 2
    chosen = list(pupils)[:12]
    for index, pupil in enumerate(chosen):
        improving = index % 3 != 2
        base = {key: rng.randint(1, 3) for key, _label in spec.areas}
        if improving:
            later = {key: min(spec.high, value + rng.randint(0, 2)) for key, value in base.items()}
            first_key = spec.areas[0][0]
            later[first_key] = min(spec.high, base[first_key] + 1)
        else:
            later = {key: max(spec.low, value - rng.randint(0, 1)) for key, value in base.items()}
        for day, scores, how in ((start, base, "collaborative"), (end, later, "collaborative")):
            StarReading.objects.create(
                school=school,
                pupil=pupil,
                star=stars.MY_STAR.code,
                edition="1",
                taken_on=day,
                completed_with=how,
                scores=scores,
                worker=worker,
                recorded_by=worker,
            )
        first, second = (HIGH, LOWER) if improving else (LOWER, HIGH)
        for day, items in ((start, first), (middle, second)):
            SdqResponse.objects.create(
                school=school,
                pupil=pupil,
                informant=sdq.TEACHER,
                form_version=sdq.FORM_VERSION[sdq.TEACHER],
                completed_on=day,
                respondent="Form tutor",
                items=list(items),
                difficulties="yes",
                impact={"distress": rng.randint(0, 3), "peers": rng.randint(0, 3), "classroom": rng.randint(0, 3)},
                recorded_by=senco,
            )
        if index < len(SAYINGS):
            PupilVoice.objects.create(
                school=school,
                pupil=pupil,
                said=SAYINGS[index],
                how=PupilVoice.How.CONVERSATION,
                with_whom=f"{worker.get_full_name() or worker} (keyworker)",
                gathered_on=middle,
                for_ehcp_review=index == 0,
                for_plan_review=index != 0,
                recorded_by=worker,
            )
