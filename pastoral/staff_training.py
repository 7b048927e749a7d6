"""Who holds in-date training of a kind, without the asking app importing the one that keeps the records.

The app that keeps staff training registers a provider in its AppConfig.ready():

    staff_training.register("behaviour", in_date_course_holders)

A provider is called as provider(school, user_ids, courses, day) and returns the ids among `user_ids` holding,
at `school`, training in one of `courses` (course keys such as "medication", "first_aid",
"paediatric_first_aid") that is in date on `day` (from its completion day up to and including its expiry day).
"""

_PROVIDERS = {}
_LATEST = {}

MEDICATION = "medication"
FIRST_AID = "first_aid"
PAEDIATRIC_FIRST_AID = "paediatric_first_aid"
DSL = "dsl"
DSL_REFRESH = "dsl_refresh"
PREVENT = "prevent"
# The courses a healthcare plan can ask its supporting staff to hold (the DSL courses are read by the safeguarding
# team page only).
COURSES = {
    MEDICATION: "Medication administration",
    FIRST_AID: "First aid at work",
    PAEDIATRIC_FIRST_AID: "Paediatric first aid",
}


def register(name, provider):
    _PROVIDERS[name] = provider


def trained_user_ids(school, user_ids, courses, day):
    user_ids = list(user_ids)
    if not user_ids:
        return set()
    found = set()
    for provider in _PROVIDERS.values():
        found |= set(provider(school, user_ids, list(courses), day))
    return found


def register_latest(name, provider):
    """provider(school, user_ids, courses) -> {(user_id, course): (completed_on, expires_on)} for each person's
    newest live record of each course at `school`."""
    _LATEST[name] = provider


def latest(school, user_ids, courses):
    """{(user_id, course): (completed_on, expires_on)}: each person's newest record of each course, from every app."""
    user_ids = list(user_ids)
    found = {}
    if not user_ids:
        return found
    for provider in _LATEST.values():
        for key, dates in provider(school, user_ids, list(courses)).items():
            if key not in found or dates[0] > found[key][0]:
                found[key] = dates
    return found
