"""deploy/: every setting the app reads is in the env file template and the README, and the examples agree
with the settings (upload limit, HSTS, beat scheduler, who holds the owner role's password)."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_READERS = {"env_str", "env_bool", "env_int", "env_list", "os.environ.get", "os.getenv", "os.environ.setdefault"}


def env_reads(path):
    """Names read from the environment: env_*("NAME", ...), os.environ.get("NAME"), os.environ["NAME"]."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ENV_READERS and node.args:
            first = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            first = node.slice
        else:
            continue
        # f"{name}_FILE" inside env_str is the generic _FILE lookup, not a setting of its own.
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def template_names(text):
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.M))


def readme_table_names(text):
    return set(re.findall(r"^\s*\| `([A-Z][A-Z0-9_]*)` \|", text, flags=re.M))


def undocumented(root):
    read = env_reads(root / "pastoral" / "settings.py") | env_reads(root / "deploy" / "gunicorn.conf.py")
    template = template_names((root / "deploy" / "pastoral.env.example").read_text())
    readme = readme_table_names((root / "README.md").read_text())
    return sorted(read - template), sorted(read - readme)


def test_every_setting_read_from_the_environment_is_in_the_template_and_the_readme():
    read = env_reads(ROOT / "pastoral" / "settings.py")
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "GENERATED_FILES_ROOT", "DJANGO_ADMINS", "DJANGO_LOG_FORMAT"} <= read
    assert len(read) > 45
    assert {"GUNICORN_WORKERS", "FORWARDED_ALLOW_IPS"} <= env_reads(DEPLOY / "gunicorn.conf.py")
    missing_from_template, missing_from_readme = undocumented(ROOT)
    assert missing_from_template == [], "add them to deploy/pastoral.env.example"
    assert missing_from_readme == [], "add them to the README's configuration tables"


def test_the_template_lists_nothing_the_app_does_not_read():
    read = env_reads(ROOT / "pastoral" / "settings.py") | env_reads(DEPLOY / "gunicorn.conf.py")
    assert template_names((DEPLOY / "pastoral.env.example").read_text()) - read == set()


def test_the_check_notices_a_setting_missing_from_either(tmp_path):
    (tmp_path / "pastoral").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "pastoral" / "settings.py").write_text(
        'import os\nA = env_int("IN_BOTH", 1)\nB = os.environ.get("ONLY_IN_README")\nC = os.environ["NOWHERE"]\n'
        'D = env_str(f"{name}_FILE")\n'
    )
    (tmp_path / "deploy" / "gunicorn.conf.py").write_text('import os\nworkers = os.environ.get("ONLY_IN_TEMPLATE")\n')
    (tmp_path / "deploy" / "pastoral.env.example").write_text("IN_BOTH=1\n# ONLY_IN_TEMPLATE=2\n")
    (tmp_path / "README.md").write_text("| `IN_BOTH` | 1 | x |\n| `ONLY_IN_README` | | y |\n")
    assert undocumented(tmp_path) == (["NOWHERE", "ONLY_IN_README"], ["NOWHERE", "ONLY_IN_TEMPLATE"])


def test_the_proxy_refuses_the_same_body_size_as_the_app():
    nginx = (DEPLOY / "nginx-pastoral.conf").read_text()
    [size] = re.findall(r"^\s*client_max_body_size (\d+)m;", nginx, flags=re.M)
    assert int(size) * 1024 * 1024 == settings.REQUEST_MAX_BYTES


def test_the_proxy_sets_the_headers_the_app_trusts_and_leaves_hsts_to_django():
    directives = "\n".join(line.split("#", 1)[0] for line in (DEPLOY / "nginx-pastoral.conf").read_text().splitlines())
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in directives
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in directives
    assert "proxy_set_header X-Request-ID $request_id;" in directives
    assert "Strict-Transport-Security" not in directives
    # The env template switches on what the proxy makes safe, and Django sends HSTS with debug off.
    template = (DEPLOY / "pastoral.env.example").read_text()
    assert re.search(r"^SECURE_PROXY_SSL_HEADER_ENABLED=true$", template, flags=re.M)
    assert not re.search(r"^SECURE_HSTS_SECONDS=0", template, flags=re.M)
    # Its access log leaves out the query string ($request and $request_uri include it).
    [log_format] = re.findall(r"log_format pastoral_no_query (.*?);", directives, flags=re.S)
    assert "$request_uri" not in log_format and "$request " not in log_format and "$args" not in log_format
    assert "$uri" in log_format and "access_log /var/log/nginx/pastoral.access.log pastoral_no_query;" in directives


def test_gunicorn_config_loads_and_reads_its_environment():
    environment = {**os.environ, "GUNICORN_WORKERS": "3", "GUNICORN_BIND": "127.0.0.1:8123", "DJANGO_DEBUG": "true"}
    code = (
        "import sys; sys.argv = ['gunicorn', '-c', 'deploy/gunicorn.conf.py']\n"
        "from gunicorn.app.wsgiapp import WSGIApplication\n"
        "app = WSGIApplication('%(prog)s')\n"
        "c = app.cfg\n"
        "print(c.workers, c.bind, c.accesslog, c.control_socket_disable, c.forwarded_allow_ips, c.wsgi_app)\n"
        "app.load_wsgiapp()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "3",
        "['127.0.0.1:8123']",
        "None",
        "True",
        "['127.0.0.1',",
        "'::1']",
        "pastoral.wsgi:application",
    ]


def unit(name):
    return (DEPLOY / name).read_text()


def test_only_the_release_step_reads_the_owner_password():
    assert "EnvironmentFile=/etc/pastoral/owner.env" in unit("pastoral-release.service")
    for name in ("pastoral-web.service", "pastoral-worker.service", "pastoral-beat.service"):
        assert "owner.env" not in unit(name).split("[Service]")[1], name
    template = (DEPLOY / "pastoral.env.example").read_text()
    assert not re.search(r"^DATABASE_OWNER_URL=", template, flags=re.M)
    assert re.search(r"^DATABASE_OWNER_URL=", (DEPLOY / "owner.env.example").read_text(), flags=re.M)


def test_the_units_run_what_the_settings_expect():
    assert "gunicorn -c deploy/gunicorn.conf.py" in unit("pastoral-web.service")
    assert f"--scheduler {settings.CELERY_BEAT_SCHEDULER}" in unit("pastoral-beat.service")
    assert "EXACTLY ONE beat" in unit("pastoral-beat.service")
    release = unit("pastoral-release.service")
    steps = re.findall(r"^ExecStart=.*manage\.py (\w+)", release, flags=re.M)
    assert steps == ["collectstatic", "migrate", "check"]


def test_ci_runs_the_deployment_check_as_its_own_step():
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r'^step "deploy-check" make deploy-check \|\| failed=1$', ci, flags=re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^deploy-check: install\n\t@bash scripts/deploy-check.sh$", makefile, flags=re.M)
