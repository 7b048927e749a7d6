from datetime import date

from provision import measures_registry
from provision.measures_registry import MeasureScore


def test_unregistered_code_reads_as_not_measured():
    assert measures_registry.scores_between("no_such_measure", [1, 2], date(2026, 1, 1), date(2026, 2, 1)) == {}
    assert measures_registry.label("no_such_measure") == "Not measured"


def test_registered_measure_is_offered_and_called():
    calls = []

    def scores(pupil_ids, start, end):
        calls.append((pupil_ids, start, end))
        return {pupil_ids[0]: (MeasureScore(2, "avg"), MeasureScore(3, "avg"))}

    measures_registry.register("test_measure", "Test measure", scores)
    try:
        assert ("test_measure", "Test measure") in measures_registry.choices()
        result = measures_registry.scores_between("test_measure", {7}, date(2026, 1, 1), date(2026, 2, 1))
        assert result[7][1].value == 3
        assert calls == [([7], date(2026, 1, 1), date(2026, 2, 1))]
    finally:
        measures_registry._MEASURES.pop("test_measure")


def test_improved_respects_direction():
    assert measures_registry.improved(MeasureScore(2, "x"), MeasureScore(3, "x")) is True
    assert measures_registry.improved(MeasureScore(20, "x", False), MeasureScore(15, "x", False)) is True
    assert measures_registry.improved(MeasureScore(20, "x", False), MeasureScore(25, "x", False)) is False
    assert measures_registry.improved(None, MeasureScore(1, "x")) is None
