"""The core's layering: it never imports a duty app, and its modules import each other without a circle.

Imports inside functions count too: a function-level import that closes a circle only hides it until the
function runs. Duty apps add themselves to the core through registries filled in their `AppConfig.ready()`.
"""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent
DUTY_APPS = {"behaviour", "safeguarding", "provision", "medical"}


def _modules():
    modules = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(CORE.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _imported_names(name, path):
    """(line, dotted name) for every import anywhere in the module, relative ones resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            yield node.lineno, module
            # `from . import access` imports the module pastoral.access.
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def _graph():
    modules = _modules()
    edges = {name: set() for name in modules}
    for name, path in modules.items():
        for _line, imported in _imported_names(name, path):
            if imported in modules and imported != name:
                edges[name].add(imported)
    return edges


def _find_cycle(edges):
    """One cycle as [a, b, ..., a], or None."""
    state = {}  # 1 = on the current path, 2 = finished
    path = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_core_never_imports_a_duty_app():
    found = [
        f"{path.relative_to(CORE.parent)}:{line} imports {imported}"
        for name, path in _modules().items()
        for line, imported in _imported_names(name, path)
        if imported.split(".")[0] in DUTY_APPS
    ]
    assert not found, "The core imports a duty app (use a registry filled in the app's ready()):\n" + "\n".join(
        sorted(set(found))
    )


def test_the_core_modules_import_each_other_without_a_circle():
    cycle = _find_cycle(_graph())
    assert cycle is None, "Import circle in pastoral/: " + " -> ".join(cycle)


def test_the_cycle_finder_reports_a_circle():
    # Guards the guard: a circle through a function-level import is found and spelled out.
    edges = {"pastoral.a": {"pastoral.b"}, "pastoral.b": {"pastoral.c"}, "pastoral.c": {"pastoral.a"}}
    assert _find_cycle(edges) == ["pastoral.a", "pastoral.b", "pastoral.c", "pastoral.a"]
    assert _find_cycle({"pastoral.a": {"pastoral.b"}, "pastoral.b": set()}) is None
