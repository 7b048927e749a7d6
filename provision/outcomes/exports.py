"""CSV exports of the Star, SDQ and pupil voice lists, with the page's filters. Scores only."""

from django.utils import timezone

from pastoral import audit
from pastoral.files import exports
from pastoral.lists import filtered

from . import access, sdq, stars
from .filters import sdq_filter, star_filter

CSV = "text/csv; charset=utf-8"
AREA_COLUMNS = max(len(edition.areas) for star in stars.STARS.values() for edition in star.editions.values())


def build_star_csv(generated_file, user):
    headers = ["Date", "Pupil", "Year", "Form", "Star", "Edition", "Completed", "Average"]
    headers += [f"Area {n}" for n in range(1, AREA_COLUMNS + 1)]
    headers += [f"Score {n}" for n in range(1, AREA_COLUMNS + 1)]
    rows = []
    rows_in = filtered(star_filter(user, generated_file.school, generated_file.parameters))
    for reading in rows_in.iterator(chunk_size=500):
        areas = reading.area_rows()
        labels = [label for _key, label, _score, _note in areas] + [""] * (AREA_COLUMNS - len(areas))
        scores = [score for _key, _label, score, _note in areas] + [""] * (AREA_COLUMNS - len(areas))
        rows.append(
            [
                reading.taken_on.isoformat(),
                reading.pupil.display_name,
                reading.pupil.get_year_group_display(),
                reading.pupil.form,
                stars.get(reading.star).label if stars.get(reading.star) else reading.star,
                reading.edition,
                reading.get_completed_with_display(),
                reading.average,
                *labels,
                *scores,
            ]
        )
    audit.record(
        "provision.stars.exported",
        actor=user,
        school=generated_file.school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    today = timezone.localdate()
    return exports.Built(f"star-readings-{today:%Y%m%d}.csv", CSV, exports.csv_bytes(headers, rows))


def build_sdq_csv(generated_file, user):
    headers = ["Completed on", "Pupil", "Year", "Form", "Informant", "Form version", "Follow-up", "Items answered"]
    for key in sdq.ORDER:
        headers += [sdq.LABELS[key], f"{sdq.LABELS[key]} band"]
    rows = []
    for response in filtered(sdq_filter(user, generated_file.school, generated_file.parameters)).iterator(
        chunk_size=500
    ):
        result = response.result
        row = [
            response.completed_on.isoformat(),
            response.pupil.display_name,
            response.pupil.get_year_group_display(),
            response.pupil.form,
            response.get_informant_display(),
            response.form_version,
            "Yes" if response.follow_up else "No",
            sum(1 for item in response.items if item is not None),
        ]
        for key in sdq.ORDER:
            score = result[key]
            row += ["" if score.value is None else score.value, score.band]
        rows.append(row)
    audit.record(
        "provision.sdqs.exported",
        actor=user,
        school=generated_file.school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    today = timezone.localdate()
    return exports.Built(f"sdq-{today:%Y%m%d}.csv", CSV, exports.csv_bytes(headers, rows))


def build_voice_csv(generated_file, user):

    from ..voice.filters import voice_filter

    parameters = generated_file.parameters or {}
    pupil = None
    if parameters.get("pupil"):
        pupil = access.readable_pupils(user).filter(code=parameters["pupil"]).first()
        if pupil is None:
            raise exports.ExportRefused("You can no longer see this pupil's voice.")
    headers = ["Date", "Pupil", "Year", "Form", "What the pupil said", "How", "With", "EHCP", "Plan", "Placement"]
    filters = {key: value for key, value in parameters.items() if key != "pupil"}
    rows = [
        [
            voice.gathered_on.isoformat(),
            voice.pupil.display_name,
            voice.pupil.get_year_group_display(),
            voice.pupil.form,
            voice.said,
            voice.get_how_display(),
            voice.with_whom,
            "Yes" if voice.for_ehcp_review else "No",
            "Yes" if voice.for_plan_review else "No",
            "Yes" if voice.for_placement_review else "No",
        ]
        for voice in filtered(voice_filter(user, generated_file.school, filters, pupil=pupil)).iterator(chunk_size=500)
    ]
    audit.record(
        "provision.voices.exported",
        actor=user,
        school=generated_file.school,
        data={"filters": parameters, "rows": len(rows)},
    )
    today = timezone.localdate()
    return exports.Built(f"pupil-voice-{today:%Y%m%d}.csv", CSV, exports.csv_bytes(headers, rows))


def register_exports():
    from .pack import register_exports as register_pack

    exports.register(
        "provision.star_csv",
        label="Outcomes Star readings (CSV)",
        permission=access.VIEW,
        build=build_star_csv,
        description="The Star readings you see, with their filters: scores only.",
    )
    exports.register(
        "provision.sdq_csv",
        label="SDQ scores (CSV)",
        permission=access.VIEW,
        build=build_sdq_csv,
        description="The SDQs you see, with their filters: computed scores and bands only.",
    )
    exports.register(
        "provision.voice_csv",
        label="Pupil voice (CSV)",
        permission=access.VIEW,
        build=build_voice_csv,
        description="The pupil voice you see, with its filters.",
    )
    register_pack()
