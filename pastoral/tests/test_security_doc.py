"""SECURITY.md names the tests that guard each defence; a renamed or deleted test must not leave it pointing
at nothing."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `path/to/test_file.py::test_name`, or `::test_name` for the same file as the last full reference.
REFERENCE = re.compile(r"`((?:[\w/]+/)?test_\w+\.py)?(?:::(test_\w+))?")


def referenced_tests(root):
    current_file = None
    for match in REFERENCE.finditer((root / "SECURITY.md").read_text()):
        path, name = match.groups()
        if path:
            current_file = path
        if path or name:
            yield current_file, name


def missing_tests(root):
    missing = []
    for path, name in referenced_tests(root):
        if path is None or not (root / path).is_file():
            missing.append(f"{path}::{name}")
        elif name and not re.search(rf"^\s*def {name}\(", (root / path).read_text(), flags=re.M):
            missing.append(f"{path}::{name}")
    return missing


def test_every_test_named_in_security_md_exists():
    assert len(list(referenced_tests(ROOT))) > 30
    assert missing_tests(ROOT) == []


def test_the_check_notices_a_missing_test(tmp_path):
    (tmp_path / "pastoral" / "tests").mkdir(parents=True)
    (tmp_path / "pastoral" / "tests" / "test_real.py").write_text("def test_there():\n    pass\n")
    doc = "`pastoral/tests/test_real.py::test_there`, `::test_gone`, `test_nowhere.py`.\n"
    (tmp_path / "SECURITY.md").write_text(doc)
    assert missing_tests(tmp_path) == ["pastoral/tests/test_real.py::test_gone", "test_nowhere.py::None"]
