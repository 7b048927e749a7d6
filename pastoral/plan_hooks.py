"""A hook for "this pupil's support plan needs reviewing now", so behaviour can say so without knowing where
plans live (the core never imports a duty app, and behaviour does not import provision).

An app that keeps plans listens in its AppConfig.ready():

    plan_hooks.on_review_needed(bring_review_forward)

and behaviour announces, inside its own transaction, when a physical intervention is signed off with "support
plan needs review" or a suspension is finalised:

    plan_hooks.review_needed(pupil=pupil, reason="...", actor=actor)
"""

_LISTENERS = []


def on_review_needed(listener):
    """`listener(*, pupil, reason, actor)`; called in the announcer's transaction."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def review_needed(*, pupil, reason, actor=None):
    for listener in list(_LISTENERS):
        listener(pupil=pupil, reason=reason, actor=actor)
