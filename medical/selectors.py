"""What the medical sub-areas' selectors share: the permission names, who reads every record in a school, and
the fetch helper that refuses (and audits the refusal of) a record out of reach.

Who sees what (README, "Medical care"):
- every member of staff of the school sees the one-line alert (`medical.view_alerts`), never the record;
- the medical lead / first aiders, pastoral lead, SENCo, DSL, deputy DSL and headteacher read every medical
  record of the school (`medical.view_records`); only the medical lead and first aiders record (`medical.record`);
- teachers, pastoral staff and the AP coordinator read the healthcare plans they support or that were copied to
  them (`medical.view_shared_plans`);
- trust leaders see counts only (`medical.view_counts`, the termly report section).
"""

from pastoral.accounts import access

VIEW_ALERTS = "medical.view_alerts"
VIEW = "medical.view_records"
RECORD = "medical.record"
MANAGE = "medical.manage"
SHARED_PLANS = "medical.view_shared_plans"
COUNTS = "medical.view_counts"
RIDDOR = "medical.review_riddor"


def reading_schools(user):
    return access.schools_with_perm(user, VIEW)


def can_read(user, school):
    return access.has_school_perm(user, school, VIEW)


def can_record(user, school):
    return access.has_school_perm(user, school, RECORD)


def get_or_refuse(queryset, user, code, noun, refused, perm=VIEW):
    """The record, 404 to anyone outside its school, 403 to its staff whose role stops them; refusals audited."""
    return access.get_or_refuse(queryset, user, code, perm, noun, refused=refused)
