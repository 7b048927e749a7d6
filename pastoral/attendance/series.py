"""Other weekly figures drawn beside attendance on the trends page, from the duty areas, without importing them.

A duty app registers a provider in its AppConfig.ready():

    series.register("behaviour_negative", negative_events_by_week)

`provider(user, school, pupils, weeks)` reads through its own selectors and returns (label, [value per week])
for the pupils given (a queryset of the core's pupils) over `weeks` ([(monday, next monday)], oldest first),
or None when the user may not see it.
"""

_PROVIDERS = {}


def register(name, provider):
    _PROVIDERS[name] = provider


def providers():
    return dict(_PROVIDERS)


def series_for(user, school, pupils, weeks):
    found = []
    for provider in _PROVIDERS.values():
        result = provider(user, school, pupils, weeks)
        if result is not None:
            found.append(result)
    return found
