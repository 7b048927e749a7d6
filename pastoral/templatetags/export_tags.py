import uuid
from urllib.parse import urlencode

from django import template

from pastoral.files import exports

register = template.Library()


@register.filter
def export_label(kind_name):
    kind = exports.get_kind(kind_name)
    return kind.label if kind else kind_name


@register.inclusion_tag("pastoral/_export_button.html", takes_context=True)
def export_button(
    context, kind, label, query="", extra="", hidden="", css="btn btn-sm btn-outline-secondary", **parameters
):
    """A small POST form asking for an export of `kind` with the page's filters (`query`, `extra`, keywords)."""
    named = urlencode({key: str(value) for key, value in parameters.items()})
    joined = "&".join(part for part in (query, extra, named) if part)
    return {
        "csrf_token": context.get("csrf_token"),
        "kind": kind,
        "label": label,
        "hidden": hidden,
        "query": joined,
        "key": uuid.uuid4(),
        "css": css,
    }
