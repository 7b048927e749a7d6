"""The forms that can be printed blank and entered from paper. Each duty area registers its own from its
AppConfig.ready(); the core never imports them.

    paper.register_kind(
        "safeguarding.concern",
        title="Safeguarding concern",
        permission="safeguarding.raise_concern",
        model=Concern,
        visible=concerns_visible_to,          # (user) -> the records this user may read
        url=lambda concern: reverse(...),      # the record's page
        blank_form=lambda user, school: ConcernForm(user=user, school=school),
        skip=("submission_key", "attachments"),
        stamp=lambda concern, written_at: ...,  # the record's own "recorded at" takes the paper time
        create_url="safeguarding:concern_create",
        how_to_enter="",                      # where staff find "Enter from paper" when there is no create_url
    )

The printed sheet mirrors `blank_form`'s fields (labels, help, boxes, tick boxes), so what is written copies
straight into the same form.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

EXPORT_PREFIX = "pastoral.paper."
MAX_PAD = 50


@dataclass(frozen=True)
class PaperKind:
    key: str
    title: str
    permission: str
    model: type
    visible: Callable
    url: Callable
    blank_form: Callable
    skip: tuple = ()
    extra: tuple = ()  # (label, help[, box]) printed before the form's own fields
    extra_after: tuple = ()  # (label, help[, box]) printed after them
    stamp: Callable | None = None
    create_url: str = ""
    how_to_enter: str = ""
    event_field: str = ""  # the form's field for when it happened, which the paper time may not precede
    sensitive: bool = False
    notes: list = field(default_factory=list)

    @property
    def export_kind(self):
        return EXPORT_PREFIX + self.key


_KINDS = {}


def register_kind(key, **options):
    """Store a kind (its blank-PDF export is registered beside it by `pastoral.paper.apps.register_kind`)."""
    kind = PaperKind(key=key, **options)
    _KINDS[key] = kind
    return kind


def get_kind(key):
    return _KINDS.get(key)


def all_kinds():
    return sorted(_KINDS.values(), key=lambda kind: kind.title)


def kind_for_model(model):
    for kind in _KINDS.values():
        if kind.model is model:
            return kind
    return None
