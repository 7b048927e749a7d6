"""SDQ scoring against worked examples computed by hand (statutory-rules.md §9.2): reversed items, the totals,
pro-rating, the impact score and every band boundary for each informant."""

import pytest

from provision.outcomes import sdq


def responses(**by_item):
    """25 responses as ticked, all None but those given as item_N=value."""
    items = [None] * 25
    for name, value in by_item.items():
        items[int(name.split("_")[1]) - 1] = value
    return items


def test_all_zeros_with_the_reversed_items_certainly_true_scores_a_total_of_zero():
    # Difficulty items: not true (0); the five reversed items ticked "certainly true" (2) score 0.
    items = [0] * 25
    for number in (7, 11, 14, 21, 25):
        items[number - 1] = 2
    result = sdq.score(sdq.TEACHER, items)
    assert [result.value(key) for key in (sdq.EMOTIONAL, sdq.CONDUCT, sdq.HYPERACTIVITY, sdq.PEER)] == [0, 0, 0, 0]
    assert result.value(sdq.TOTAL) == 0
    assert result[sdq.TOTAL].band == "Close to average"


def test_every_item_at_maximum_difficulty_scores_forty():
    # Non-reversed difficulty items "certainly true" (2); the reversed items "not true" (0), which score 2.
    items = [2] * 25
    for number in (7, 11, 14, 21, 25):
        items[number - 1] = 0
    for number in (1, 4, 9, 17, 20):  # prosocial: left at 0 to show it never reaches the total
        items[number - 1] = 0
    result = sdq.score(sdq.PARENT, items)
    assert result.value(sdq.TOTAL) == 40
    assert result.value(sdq.EXTERNALISING) == 20
    assert result.value(sdq.INTERNALISING) == 20
    assert result.value(sdq.PROSOCIAL) == 0
    assert result[sdq.TOTAL].band == "Very high"
    assert result[sdq.PROSOCIAL].band == "Very low"


def test_a_mixed_questionnaire_scored_by_hand():
    items = responses(
        # Emotional 3, 8, 13, 16, 24: 1 + 2 + 0 + 1 + 1 = 5
        item_3=1, item_8=2, item_13=0, item_16=1, item_24=1,
        # Conduct 5, 7r, 12, 18, 22: 1 + (2 - 0) + 0 + 1 + 0 = 4
        item_5=1, item_7=0, item_12=0, item_18=1, item_22=0,
        # Hyperactivity 2, 10, 15, 21r, 25r: 2 + 1 + 2 + (2 - 2) + (2 - 1) = 6
        item_2=2, item_10=1, item_15=2, item_21=2, item_25=1,
        # Peer 6, 11r, 14r, 19, 23: 0 + (2 - 2) + (2 - 1) + 1 + 0 = 2
        item_6=0, item_11=2, item_14=1, item_19=1, item_23=0,
        # Prosocial 1, 4, 9, 17, 20: 2 + 1 + 1 + 0 + 1 = 5
        item_1=2, item_4=1, item_9=1, item_17=0, item_20=1,
    )  # fmt: skip
    teacher = sdq.score(sdq.TEACHER, items)
    assert teacher.value(sdq.EMOTIONAL) == 5
    assert teacher.value(sdq.CONDUCT) == 4
    assert teacher.value(sdq.HYPERACTIVITY) == 6
    assert teacher.value(sdq.PEER) == 2
    assert teacher.value(sdq.PROSOCIAL) == 5
    # 5 + 4 + 6 + 2 = 17, prosocial left out; externalising 4 + 6, internalising 5 + 2.
    assert teacher.value(sdq.TOTAL) == 17
    assert teacher.value(sdq.EXTERNALISING) == 10
    assert teacher.value(sdq.INTERNALISING) == 7
    assert teacher[sdq.EMOTIONAL].band == "High"  # teacher 0-3 / 4 / 5 / 6-10
    assert teacher[sdq.CONDUCT].band == "High"  # 0-2 / 3 / 4 / 5-10
    assert teacher[sdq.HYPERACTIVITY].band == "Slightly raised"  # 0-5 / 6-7 / 8 / 9-10
    assert teacher[sdq.PEER].band == "Close to average"  # 0-2 / 3-4 / 5 / 6-10
    assert teacher[sdq.PROSOCIAL].band == "Slightly lowered"  # 6-10 / 5 / 4 / 0-3
    assert teacher[sdq.TOTAL].band == "High"  # 0-11 / 12-15 / 16-18 / 19-40
    assert sdq.score(sdq.PARENT, items)[sdq.TOTAL].band == "High"  # parent 0-13 / 14-16 / 17-19 / 20-40
    assert sdq.score(sdq.SELF, items)[sdq.TOTAL].band == "Slightly raised"  # self 0-14 / 15-17 / 18-19 / 20-40
    assert teacher[sdq.EXTERNALISING].band == ""  # no bands in the reference


def test_prosocial_never_contributes_to_the_total():
    items = [0] * 25
    for number in (7, 11, 14, 21, 25):
        items[number - 1] = 2
    low = sdq.score(sdq.TEACHER, items)
    for number in (1, 4, 9, 17, 20):
        items[number - 1] = 2
    high = sdq.score(sdq.TEACHER, items)
    assert (low.value(sdq.PROSOCIAL), high.value(sdq.PROSOCIAL)) == (0, 10)
    assert low.value(sdq.TOTAL) == high.value(sdq.TOTAL) == 0


def _full(**extra):
    items = [0] * 25
    for number in (7, 11, 14, 21, 25):
        items[number - 1] = 2
    for name, value in extra.items():
        items[int(name.split("_")[1]) - 1] = value
    return items


def test_a_scale_with_three_items_answered_is_prorated_and_rounded():
    # Emotional: items 3, 8, 13 answered 2, 2, 0 (raw 4 from 3) → 4 × 5 / 3 = 6.67 → 7; 16 and 24 blank.
    result = sdq.score(sdq.TEACHER, _full(item_3=2, item_8=2, item_13=0, item_16=None, item_24=None))
    assert result.value(sdq.EMOTIONAL) == 7
    assert result[sdq.EMOTIONAL].prorated
    assert result[sdq.EMOTIONAL].answered == 3
    assert result.value(sdq.TOTAL) == 7
    assert result[sdq.TOTAL].prorated


def test_a_scale_with_four_items_answered_rounds_halves_up():
    # Conduct 5, 12, 18, 22 answered 1, 0, 1, 0 (raw 2 from 4; item 7 blank) → 2 × 5 / 4 = 2.5 → 3.
    result = sdq.score(sdq.TEACHER, _full(item_5=1, item_18=1, item_7=None))
    assert result.value(sdq.CONDUCT) == 3
    # Raw 3 from 4 → 3.75 → 4.
    result = sdq.score(sdq.TEACHER, _full(item_5=1, item_18=2, item_7=None))
    assert result.value(sdq.CONDUCT) == 4


def test_a_scale_with_only_two_items_answered_is_missing_and_so_is_the_total():
    result = sdq.score(sdq.TEACHER, _full(item_6=None, item_11=None, item_14=None))
    assert result.value(sdq.PEER) is None
    assert result.value(sdq.TOTAL) is None
    assert result.value(sdq.INTERNALISING) is None
    assert result.value(sdq.EXTERNALISING) == 0
    assert any("Peer relationship problems: only 2 of 5" in message for message in result.messages)
    assert any(message.startswith("Total difficulties: withheld") for message in result.messages)


def test_the_teacher_impact_score():
    # Distress "a great deal" (2) + peers "quite a lot" (1) + classroom "only a little" (0) = 3 → very high.
    impact = {"distress": 3, "peers": 2, "classroom": 1}
    result = sdq.score(sdq.TEACHER, _full(), "yes", impact)
    assert result.value(sdq.IMPACT) == 3
    assert result[sdq.IMPACT].band == "Very high"
    assert not result[sdq.IMPACT].confirmed


def test_the_parent_impact_score_and_no_difficulties():
    # 0 + 1 + 1 + 2 + 0 = 4 out of 10.
    impact = {"distress": 0, "home": 2, "friendships": 2, "classroom": 3, "leisure": 1}
    assert sdq.score(sdq.PARENT, _full(), "yes", impact).value(sdq.IMPACT) == 4
    # "No difficulties" scores 0 whatever else was ticked.
    assert sdq.score(sdq.PARENT, _full(), "no", impact).value(sdq.IMPACT) == 0


def test_an_impact_item_missing_withholds_the_impact_score_with_a_message():
    result = sdq.score(sdq.PARENT, _full(), "yes", {"distress": 3, "home": 2})
    assert result.value(sdq.IMPACT) is None
    assert "friendships" in result[sdq.IMPACT].message
    assert sdq.score(sdq.PARENT, _full(), "", {}).value(sdq.IMPACT) is None


# Band tables typed from statutory-rules.md §9.2, one string per scale: the four bands' ranges.
TABLES = {
    sdq.TEACHER: {
        sdq.TOTAL: "0-11/12-15/16-18/19-40",
        sdq.EMOTIONAL: "0-3/4/5/6-10",
        sdq.CONDUCT: "0-2/3/4/5-10",
        sdq.HYPERACTIVITY: "0-5/6-7/8/9-10",
        sdq.PEER: "0-2/3-4/5/6-10",
        sdq.PROSOCIAL: "6-10/5/4/0-3",
        sdq.IMPACT: "0/1/2/3-6",
    },
    sdq.PARENT: {
        sdq.TOTAL: "0-13/14-16/17-19/20-40",
        sdq.EMOTIONAL: "0-3/4/5-6/7-10",
        sdq.CONDUCT: "0-2/3/4-5/6-10",
        sdq.HYPERACTIVITY: "0-5/6-7/8/9-10",
        sdq.PEER: "0-2/3/4/5-10",
        sdq.PROSOCIAL: "8-10/7/6/0-5",
        sdq.IMPACT: "0/1/2/3-10",
    },
    sdq.SELF: {
        sdq.TOTAL: "0-14/15-17/18-19/20-40",
        sdq.EMOTIONAL: "0-4/5/6/7-10",
        sdq.CONDUCT: "0-2/3/4/5-10",
        sdq.HYPERACTIVITY: "0-5/6/7/8-10",
        sdq.PEER: "0-2/3/4/5-10",
        sdq.PROSOCIAL: "7-10/6/5/0-4",
        sdq.IMPACT: "0/1/2/3-10",
    },
}


def _expected(table):
    expected = {}
    for index, part in enumerate(table.split("/")):
        low, _dash, high = part.partition("-")
        for value in range(int(low), int(high or low) + 1):
            expected[value] = index
    return expected


@pytest.mark.parametrize("informant", [sdq.TEACHER, sdq.PARENT, sdq.SELF])
def test_every_band_boundary(informant):
    for measure, table in TABLES[informant].items():
        expected = _expected(table)
        labels = sdq.PROSOCIAL_BANDS if measure == sdq.PROSOCIAL else sdq.BANDS
        for value, index in expected.items():
            assert sdq.band(informant, measure, value) == labels[index], (informant, measure, value)


def test_only_the_teacher_scale_bands_are_confirmed():
    assert sdq.band_confirmed(sdq.TEACHER, sdq.TOTAL)
    assert not sdq.band_confirmed(sdq.TEACHER, sdq.IMPACT)
    assert not sdq.band_confirmed(sdq.PARENT, sdq.TOTAL)
    assert not sdq.band_confirmed(sdq.SELF, sdq.EMOTIONAL)


def test_responses_outside_zero_to_two_are_refused():
    items = [0] * 25
    items[4] = 3
    assert sdq.check_responses(items) == {5: "Item 5: enter 0, 1 or 2, or leave it blank if it was not answered."}
    assert 0 in sdq.check_responses([0] * 24)
    with pytest.raises(ValueError):
        sdq.score(sdq.TEACHER, items)
