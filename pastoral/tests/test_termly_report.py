import pytest

from pastoral.tests.termly_helpers import calendar, seed, summer, termly_pdf


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def test_explore(headteacher, pastoral_lead, school):
    calendar(school)
    seed(school, pastoral_lead, headteacher)
    _file, text = termly_pdf(headteacher, school, summer(school))
    print(text)
    assert 0
