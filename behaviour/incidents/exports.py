"""Export kinds for incidents and bullying records: the incident list and the bullying register as CSV."""

from pastoral.files import exports
from pastoral.lists import filtered

from ..exports import _day, _finish_list, _local, _voided, _yes, register_list_csv
from .filters import bullying_filter, incident_filter

INCIDENT_COLUMNS = ["Recorded", "Pupils", "The behaviour", "Dysregulated", "Anyone injured", "Parents informed"]
INCIDENT_COLUMNS += ["Open actions", "Overdue actions", "Recorded by", "Roles", "Voided"]


def incident_rows(user, school, parameters):
    return filtered(incident_filter(user, school, exports.as_query_dict(parameters)))


def build_incidents_csv(generated_file, user):
    rows = [
        [
            _local(i.created_at),
            "; ".join(item.pupil.display_name for item in i.pupil_roles),
            i.behaviour,
            i.get_dysregulated_display(),
            _yes(i.injuries),
            _yes(i.parents_informed),
            i.open_actions,
            i.overdue_actions,
            str(i.recorded_by),
            "; ".join(f"{item.pupil.display_name}: {item.get_role_display()}" for item in i.pupil_roles),
            _voided(i),
        ]
        for i in incident_rows(user, generated_file.school, generated_file.parameters)
    ]
    return _finish_list(
        generated_file,
        user,
        action="behaviour.incidents.exported",
        name="incidents",
        headers=INCIDENT_COLUMNS,
        rows=rows,
    )


BULLYING_COLUMNS = ["When", "Type", "Prejudice related", "Victims", "Perpetrators", "Outcome", "Recorded by", "Voided"]


def bullying_rows(user, school):
    return filtered(bullying_filter(user, school, None))


def build_bullying_csv(generated_file, user):
    rows = []
    for record in bullying_rows(user, generated_file.school):
        people = list(record.involvements.all())
        rows.append(
            [
                _day(record.occurred_on),
                "; ".join(record.type_labels()),
                _yes(record.prejudice_related),
                "; ".join(item.pupil.display_name for item in people if item.role == "victim"),
                "; ".join(item.pupil.display_name for item in people if item.role == "perpetrator"),
                record.get_outcome_display(),
                str(record.recorded_by),
                _voided(record),
            ]
        )
    return _finish_list(
        generated_file, user, action="behaviour.bullying.exported", name="bullying", headers=BULLYING_COLUMNS, rows=rows
    )


def register_exports():
    register_list_csv(
        "behaviour.incidents_csv",
        "Incidents (CSV)",
        "behaviour.view_event",
        build_incidents_csv,
        "behaviour.incidents.exported",
        "exported the incident list",
    )
    register_list_csv(
        "behaviour.bullying_csv",
        "Bullying register (CSV)",
        "behaviour.view_bullying",
        build_bullying_csv,
        "behaviour.bullying.exported",
        "exported the bullying register",
    )
