"""The host names a demo bound beyond loopback (`make demo BIND=0.0.0.0`) should answer to.

    python -m pastoral.demo_hosts BIND   -> comma-separated list, or nothing when BIND is loopback

scripts/demo.sh puts the list in DJANGO_ALLOWED_HOSTS when that is not set. It lists this machine's names
and addresses rather than allowing `*`: the demo runs with debug on, and with `*` any web page a visitor
opens could reach it by DNS rebinding (its own domain name made to resolve to this machine), read debug
pages (settings, tracebacks) and try the published demo passwords. A name that resolves here some other way (an alias in
someone's /etc/hosts) needs DJANGO_ALLOWED_HOSTS set by hand.

Like pastoral/devdb.py, this does not import Django.
"""

import ipaddress
import socket
import subprocess
import sys

LOOPBACK_DEFAULTS = ["localhost", "127.0.0.1", "[::1]"]
WILDCARDS = {"0.0.0.0", "::", "[::]", ""}


def is_loopback(bind):
    if bind == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:
        return False


def _as_host(address):
    # ALLOWED_HOSTS writes IPv6 addresses in brackets, as they appear in a Host header.
    address = address.split("%", 1)[0]  # a link-local address's zone
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address.lower().rstrip(".")
    return f"[{parsed.compressed}]" if parsed.version == 6 else parsed.compressed


def _resolved(name):
    try:
        return {info[4][0] for info in socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)}
    except OSError:
        return set()


def _outbound(family, probe):
    # The address this machine would use to reach the network; connecting a UDP socket sends nothing.
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((probe, 9))
            return {sock.getsockname()[0]}
    except OSError:
        return set()


def _interface_addresses():
    # Debian's `hostname -I`: every address on every interface (absent on macOS, where this adds nothing).
    try:
        result = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return set()
    return set(result.stdout.split()) if result.returncode == 0 else set()


def allowed_hosts_for(bind):
    """None when the demo is bound to loopback only (settings' defaults do); otherwise the names to allow."""
    if is_loopback(bind):
        return None
    names = {socket.gethostname(), socket.getfqdn()}
    addresses = set()
    if bind not in WILDCARDS:
        addresses.add(bind.strip("[]"))
    for name in names:
        addresses |= _resolved(name)
    addresses |= _outbound(socket.AF_INET, "192.0.2.1")  # TEST-NET-1 (RFC 5737)
    addresses |= _outbound(socket.AF_INET6, "2001:db8::1")  # documentation prefix (RFC 3849)
    addresses |= _interface_addresses()
    hosts = list(LOOPBACK_DEFAULTS)
    for host in sorted({_as_host(value) for value in names | addresses if value}):
        if host not in hosts:
            hosts.append(host)
    return hosts


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m pastoral.demo_hosts BIND", file=sys.stderr)
        return 2
    hosts = allowed_hosts_for(argv[0])
    if hosts:
        print(",".join(hosts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
