"""The date filters built in to every template (TEMPLATES builtins): see pastoral/dates.py."""

from django import template

from pastoral import dates

register = template.Library()


@register.filter(expects_localtime=True)
def uk_date(value):
    return dates.uk_date(value)


@register.filter(expects_localtime=True)
def uk_datetime(value):
    return dates.uk_datetime(value)


@register.filter(expects_localtime=True)
def uk_time(value):
    return dates.uk_time(value)


@register.filter
def ago(value):
    return dates.ago(value)
