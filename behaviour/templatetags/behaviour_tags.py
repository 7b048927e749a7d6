from django import template

from pastoral.accounts import access

register = template.Library()


@register.simple_tag
def can_log_behaviour(user, pupil):
    return access.has_school_perm(user, pupil.school_id, "behaviour.record_event")
