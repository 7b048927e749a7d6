"""Every pupil search is audited: where, by whom, which pupils it showed; never the words typed."""

from django.urls import reverse

from pastoral.models import AuditEntry


def test_each_search_records_the_pupils_shown_but_not_the_text(client, as_user, teacher, pupil, school):
    as_user(teacher)
    searches = [
        (reverse("pastoral:pupil_search"), "header search"),
        (reverse("pastoral:pupil_list"), "pupil list"),
        (reverse("behaviour:pupil_picker"), "behaviour picker"),
        (reverse("safeguarding:pupil_picker"), "safeguarding picker"),
    ]
    for url, where in searches:
        assert client.get(url, {"q": "Ainsworth"}).status_code == 200, where
        entry = AuditEntry.objects.filter(action="pastoral.pupil.searched", actor=teacher).latest("id")
        assert entry.data == {"where": where, "length": 9, "shown": [str(pupil.code)]}
        assert entry.school_id == school.pk and "Ainsworth" not in str(entry.data)
    # A keystroke too short to search, or a list with no search box filled in, is not a search.
    client.get(reverse("pastoral:pupil_search"), {"q": "A"})
    client.get(reverse("pastoral:pupil_list"))
    assert AuditEntry.objects.filter(action="pastoral.pupil.searched", actor=teacher).count() == len(searches)


def test_a_search_across_schools_is_written_to_each_school_whose_pupils_it_showed(
    client, as_user, trust_leader, pupil, other_school_pupil, school, sister_school
):
    other_school_pupil.legal_last_name = "Ainsworth-Outside"
    other_school_pupil.save()
    as_user(trust_leader)
    assert client.get(reverse("pastoral:pupil_search"), {"q": "Ainsworth"}).status_code == 200
    entries = AuditEntry.objects.filter(action="pastoral.pupil.searched", actor=trust_leader)
    assert {entry.school_id: entry.data["shown"] for entry in entries} == {
        school.pk: [str(pupil.code)],
        sister_school.pk: [str(other_school_pupil.code)],
    }


def test_a_search_that_shows_nobody_is_still_written_to_the_school_it_ran_in(client, as_user, teacher, school):
    as_user(teacher)
    client.get(reverse("pastoral:pupil_search"), {"q": "Nobody"})
    entry = AuditEntry.objects.get(action="pastoral.pupil.searched", actor=teacher)
    assert entry.school_id == school.pk and entry.data["shown"] == []
