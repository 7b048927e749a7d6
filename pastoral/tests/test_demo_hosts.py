"""`make demo BIND=0.0.0.0` answers to this machine's names and addresses, not to any Host."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from pastoral.demo_hosts import allowed_hosts_for, is_loopback

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("bind", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.1.1"])
def test_loopback_needs_nothing_added(bind):
    assert is_loopback(bind)
    assert allowed_hosts_for(bind) is None


def test_a_wildcard_bind_lists_this_machines_names_and_loopback():
    hosts = allowed_hosts_for("0.0.0.0")
    assert hosts[:3] == ["localhost", "127.0.0.1", "[::1]"]
    assert socket.gethostname().lower() in hosts
    assert "*" not in hosts
    assert all("%" not in host for host in hosts)
    # IPv6 addresses in brackets, as a Host header has them; names never hold a colon.
    assert all(host.startswith("[") and host.endswith("]") for host in hosts if ":" in host)


def test_a_specific_address_is_included():
    assert "192.0.2.77" in allowed_hosts_for("192.0.2.77")


def test_the_command_prints_a_comma_list_only_beyond_loopback():
    environment = {**os.environ}
    run = [sys.executable, "-m", "pastoral.demo_hosts"]
    wide = subprocess.run([*run, "0.0.0.0"], cwd=ROOT, env=environment, capture_output=True, text=True, check=True)
    assert socket.gethostname().lower() in wide.stdout.strip().split(",")
    local = subprocess.run([*run, "127.0.0.1"], cwd=ROOT, env=environment, capture_output=True, text=True, check=True)
    assert local.stdout == ""


def test_the_demo_answers_its_host_name_and_refuses_others(client, db):
    with override_settings(ALLOWED_HOSTS=allowed_hosts_for("0.0.0.0")):
        assert client.get(reverse("accounts:login"), HTTP_HOST=f"{socket.gethostname()}:8000").status_code == 200
        # A page on another site that rebinds its own name to this machine is refused.
        assert client.get(reverse("accounts:login"), HTTP_HOST="rebind.attacker.example:8000").status_code == 400


def test_demo_script_only_sets_hosts_when_they_are_unset():
    script = (ROOT / "scripts" / "demo.sh").read_text()
    assert "if [[ -z ${DJANGO_ALLOWED_HOSTS:-} ]]; then" in script
    assert '$PY -m pastoral.demo_hosts "$BIND"' in script
