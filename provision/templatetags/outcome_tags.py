from django import template

from pastoral.accounts import access as core_access
from provision.outcomes.access import VIEW

register = template.Library()


@register.simple_tag(takes_context=True)
def can_view_outcomes(context):
    """Whether the navigation offers the outcome measures lists in the school being worked in."""
    school = context.get("current_school")
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(school and user and user.is_authenticated and core_access.has_school_perm(user, school, VIEW))
