"""`{% paper_entry_note record %}`: on a record's page, where it came from when it was written on paper."""

from django import template

from ..paper.selectors import entry_for

register = template.Library()


@register.inclusion_tag("pastoral/paper/_entry_note.html")
def paper_entry_note(record):
    return {"entry": entry_for(record)}
