from django import template

from pastoral.accounts import access

register = template.Library()


@register.simple_tag
def can_see_behaviour_analytics(user):
    return access.has_any_school_perm(user, "behaviour.view_analytics")
