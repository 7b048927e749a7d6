"""The trust-scale benchmark: `make bench-trust`, or `python -m benchmarks.trust --help`.

Generates (once) a trust of twenty schools with three years of records into its own database, starts gunicorn
with production settings, times every page beside a minimal page, runs the load scenario, times the termly
PDF, prints markdown tables and writes everything to var/bench-trust/.

Environment knobs (each also a command-line option):
  BENCH_TRUST_SCALE         share of the full trust, in whole schools (default 1; 0.1 = two schools)
  BENCH_TRUST_STEPS         which of pages,load,pdf to run (default all three)
  BENCH_TRUST_RUNS          timed requests per page (default 20; a page stops after 60 s once it has 5)
  BENCH_TRUST_LOAD_SECONDS  length of the load scenario (default 300)
  BENCH_TRUST_LOAD_USERS    signed-in staff in the load scenario (default 1000, at most the staff there are)
  BENCH_TRUST_PDF_RUNS      builds of each termly PDF (default 3)
  BENCH_TRUST_DATABASE      database name (default pastoral_bench_trust, with the scale appended below 1)
  BENCH_TRUST_REBUILD=1     drop and generate the data set again
"""

import argparse
import base64
import contextlib
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.trust.server import Server, base_env  # noqa: E402
from pastoral import dbroles  # noqa: E402


def env_default(name, default, kind=str):
    value = os.environ.get(name)
    return kind(value) if value not in (None, "") else default


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.trust", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=env_default("BENCH_TRUST_SCALE", 1.0, float))
    parser.add_argument("--steps", default=env_default("BENCH_TRUST_STEPS", "pages,load,pdf"))
    parser.add_argument("--runs", type=int, default=env_default("BENCH_TRUST_RUNS", 20, int))
    parser.add_argument("--load-seconds", type=float, default=env_default("BENCH_TRUST_LOAD_SECONDS", 300.0, float))
    parser.add_argument("--load-users", type=int, default=env_default("BENCH_TRUST_LOAD_USERS", 1000, int))
    parser.add_argument("--pdf-runs", type=int, default=env_default("BENCH_TRUST_PDF_RUNS", 3, int))
    parser.add_argument("--database", default=os.environ.get("BENCH_TRUST_DATABASE"))
    parser.add_argument("--rebuild", action="store_true", default=os.environ.get("BENCH_TRUST_REBUILD") == "1")
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database and stop")
    return parser.parse_args(argv)


def database_name(args):
    if args.database:
        return args.database
    return "pastoral_bench_trust" if args.scale >= 1 else f"pastoral_bench_trust_{round(args.scale * 1000):04d}"


def urls(name):
    """The runtime and owner roles (the development ones unless the environment names others) at `name`."""
    app, owner = dbroles.urls_from_env()
    if not owner or dbroles.parse(app)["user"] == dbroles.parse(owner)["user"]:
        # A production-settings server refuses a superuser, so the benchmark always runs with both roles.
        app, owner = dbroles.DEV_APP_URL, dbroles.DEV_OWNER_URL
    app_user, owner_user = dbroles.parse(app), dbroles.parse(owner)
    return (
        dbroles.with_credentials(app, app_user["user"], app_user["password"], name),
        dbroles.with_credentials(owner, owner_user["user"], owner_user["password"], name),
    )


def drop_database(app_url, name):
    import psycopg
    from psycopg import sql

    with psycopg.connect(dbroles.admin_url_for(app_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def machine():
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {"cores": os.cpu_count(), "memory": memory, "cpu": cpu, "python": platform.python_version()}


def log(message):
    print(message, flush=True)


def main(argv=None):
    # A stopped run still stops its server: SIGTERM unwinds like an exception (started in the background,
    # Python ignores SIGINT).
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    args = parse_args(argv)
    name = database_name(args)
    app_url, owner_url = urls(name)
    if args.drop:
        drop_database(app_url, name)
        log(f"dropped {name}")
        return 0
    if args.rebuild:
        drop_database(app_url, name)
    dbroles.ensure(dbroles.admin_url_for(app_url), app_url, owner_url)

    work = Path(tempfile.mkdtemp(prefix="bench-trust-"))
    env = base_env(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "PASTORAL_FILE_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback stands in for the TLS proxy: requests carry X-Forwarded-Proto: https.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_PROXY_SSL_HEADER_ENABLED": "true",
            "DATABASE_URL": app_url,
            "DATABASE_OWNER_URL": owner_url,
            # Kept between runs: collecting and compressing takes over a minute on this machine.
            "STATIC_ROOT": str(ROOT / "var" / "bench-trust" / "static"),
            "MEDIA_ROOT": str(work / "media"),
            "GENERATED_FILES_ROOT": str(work / "generated"),
            # A broker database of its own (the tests use 13 and 14), so nothing the benchmark queues reaches
            # a development worker or a test's.
            "CELERY_BROKER_URL": os.environ.get("BENCH_TRUST_BROKER_URL", "redis://127.0.0.1:6379/12"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.update(env)

    import django

    django.setup()
    from benchmarks.trust import dataset

    started = time.perf_counter()
    info = dataset.ensure(args.scale, log=log)
    log(f"data set {name}: ready in {time.perf_counter() - started:.0f} s")
    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    report = {
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": name,
        "scale": args.scale,
        "data_set": info,
        "settings": {"gunicorn_workers": 3, "runs": args.runs, "load_seconds": args.load_seconds},
    }
    try:
        measure(steps, env, work, report, args)
    finally:
        # The server's log is kept beside the results; uploads and built PDFs go with the temporary folder.
        if (work / "gunicorn.log").exists():
            (ROOT / "var" / "bench-trust").mkdir(parents=True, exist_ok=True)
            shutil.copy(work / "gunicorn.log", ROOT / "var" / "bench-trust" / "gunicorn.log")
        shutil.rmtree(work, ignore_errors=True)
    out = write_report(report)
    log("")
    log(markdown(report))
    log(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


def measure(steps, env, work, report, args):
    if "pages" in steps or "load" in steps:
        with Server(env, log_path=work / "gunicorn.log") as server:
            if "pages" in steps:
                with busy(report, "pages"):
                    report["pages"] = run_pages(server, args)
            if "load" in steps:
                with busy(report, "load"):
                    report["load"] = run_load(server, args)
    if "pdf" in steps:
        from benchmarks.trust import pdf

        log("termly PDF (built as the worker builds it)")
        with busy(report, "pdf"):
            report["pdf"] = pdf.termly(args.pdf_runs, log=log)


@contextlib.contextmanager
def busy(report, step):
    """Records how much of the machine the benchmark and everything else used during a step."""
    from benchmarks.trust.cpu import CpuWatch

    with CpuWatch(report["database"]) as watch:
        yield
    summary = watch.summary()
    report.setdefault("machine_busy", {})[step] = summary
    log(
        f"  ({step}: the benchmark used {summary['benchmark_cores']:.2f} cores, other processes "
        f"{summary['other_processes_cores']:.2f}, of {os.cpu_count()})"
    )


def run_pages(server, args):
    from benchmarks.trust import pages, sessions

    school = pages.first_school()
    users = pages.bench_users()
    keys = sessions.mint(users.values())
    try:
        users_sessions = {part: keys[username] for part, username in users.items()}
        from benchmarks.trust import dataset

        users["profile"] = dataset.marker()["stats"]["profile_pupil"]
        timer = pages.Timer(server.base, users_sessions, runs=args.runs, warmup=3, budget_seconds=60, log=log)
        log(f"pages at {school.name} ({args.runs} timed requests each, after 3 warm-up)")
        return timer.run(pages.pages_for(school, users), pages.quick_log_choice(school))
    finally:
        sessions.forget(keys.values())


def run_load(server, args):
    from benchmarks.trust import load, sessions

    users = load.load_users(args.load_users)
    keys = sessions.mint([username for username, _school, _kind in users], minutes=60)
    try:
        log("load")
        scenario = load.Load(
            server.base, users, keys, period=30.0, seconds=args.load_seconds, threads=400, timeout=60, log=log
        )
        return scenario.run()
    finally:
        sessions.forget(keys.values())


def write_report(report):
    folder = ROOT / "var" / "bench-trust"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = folder / f"{stamp}-{report['database']}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    (folder / "latest.json").write_text(out.read_text())
    return out


def markdown(report):
    from benchmarks.trust.pages import table

    lines = []
    info = report["data_set"]["stats"]
    lines.append(
        f"Data set: {info['schools']} schools, {info['pupils']:,} pupils, {info['behaviour_events']:,} behaviour "
        f"events, {info['concerns']:,} concerns, {info['interventions']:,} restrictive interventions, "
        f"{info['audit_entries']:,} audit entries."
    )
    machine_info = report["machine"]
    lines.append(f"Machine: {machine_info['cores']} cores, {machine_info['memory']}, {machine_info['cpu']}.")
    busy_steps = report.get("machine_busy", {})
    if busy_steps:
        lines.append(
            "Other processes on the machine meanwhile: "
            + ", ".join(f"{row['other_processes_cores']:.2f} cores during {step}" for step, row in busy_steps.items())
            + "."
        )
    if "pages" in report:
        lines += ["", table(report["pages"])]
    if "load" in report:
        load = report["load"]
        checks = load["quick_logs"]
        kinds = ", ".join(f"{n} {kind}" for kind, n in load["error_kinds"].items()) or "none"
        lines += [
            "",
            "| Load | Value |",
            "|---|---|",
            f"| Staff signed in, one request each every {load['period_seconds']:g} s | {load['users']} |",
            f"| Offered rate | {load['offered_rate_per_second']:.1f} req/s for {load['seconds']:g} s "
            f"({load['planned_requests']} requests) |",
            f"| Served: answered / succeeded | {load['answered_per_second']:.1f} / {load['ok_per_second']:.1f} req/s "
            f"({load['answered_requests']} / {load['ok_requests']} requests in {load['elapsed_seconds']:.0f} s) |",
            f"| Latency from when due, p50 / p95 / p99 (all requests) | {load['p50_ms']:.0f} / {load['p95_ms']:.0f} / "
            f"{load['p99_ms']:.0f} ms |",
            f"| Latency of the answered ones, p50 / p95 / p99 | {load['answered_p50_ms']:.0f} / "
            f"{load['answered_p95_ms']:.0f} / {load['answered_p99_ms']:.0f} ms |",
            f"| Errors | {load['errors']}: {kinds} |",
            f"| Quick logs acknowledged / saved exactly once | {checks['acknowledged']} / "
            f"{'yes' if checks['exactly_once'] else 'NO'} ({checks['acknowledged_missing']} missing, "
            f"{checks['duplicated']} duplicated, {checks['unacknowledged_but_saved']} saved without an answer) |",
        ]
        lines += ["", "| Load, by request | Requests | p50 ms | p95 ms | p99 ms | Errors |"]
        lines.append("|---|---:|---:|---:|---:|---:|")
        for action, row in load["by_action"].items():
            lines.append(
                f"| {action} | {row['requests']} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['p99_ms']:.0f} "
                f"| {row['errors']} |"
            )
    if "pdf" in report:
        lines += ["", "| Termly PDF (worker) | Median ms | Worst ms | Queries |", "|---|---:|---:|---:|"]
        for row in report["pdf"]:
            if row.get("outcome") != "done":
                lines.append(f"| {row['label']} | {row.get('outcome')}: {row.get('error')} | | |")
            else:
                lines.append(f"| {row['label']} | {row['median_ms']:.0f} | {row['max_ms']:.0f} | {row['queries']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
