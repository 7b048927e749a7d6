"""One encrypted archive holding the database and every stored file, and its restore (`manage.py backup`/`restore`).

The archive is a tar, encrypted whole with PASTORAL_BACKUP_KEY in the format of pastoral/files/encryption.py:

    database.dump        pg_dump --format=custom, taken as the database owner
    files/media/...      the uploads storage, byte for byte as stored (each file encrypted with the file keys)
    files/generated/...  the generated-files storage, likewise
    manifest.json        rows per table, and the size and SHA-256 of the dump and of every file

The row counts are taken inside the snapshot pg_dump dumps (pg_export_snapshot), so they describe exactly what the
dump holds. Files are copied after that snapshot: a file saved while the backup runs may be in the archive without
its row, and one deleted meanwhile may be missing (schedule backups outside school hours).

Files stay encrypted with the file keys inside the archive, so a restore needs the file key that wrote them (keep
every key in PASTORAL_FILE_KEYS for as long as a backup written under it is kept).

Restore goes only into an empty database and empty file storages, then reads everything back and compares it with
the manifest; any difference fails the command with the list of differences.
"""

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone
from psycopg import sql

from pastoral import dbroles
from pastoral.files import encryption
from pastoral.files.rotation import stored_names
from pastoral.files.storage import ALIASES

FORMAT = "pastoral-backup"
FORMAT_VERSION = 1
DUMP = "database.dump"
MANIFEST = "manifest.json"
FILES = "files"
COPY_BYTES = 1024 * 1024
MEMBER = re.compile(r"files/(?P<folder>[a-z]+)/(?P<name>[^\x00]+)")


class BackupError(Exception):
    """A backup or restore that cannot go on, or a restore that does not match its manifest."""


# Connections -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    user: str
    password: str
    host: str
    port: int
    dbname: str

    @classmethod
    def from_url(cls, url):
        return cls(**dbroles.parse(url))

    @classmethod
    def configured(cls):
        """The app's database, as its owner role (DATABASE_OWNER_URL) when there is one."""
        default = connections["default"].settings_dict
        owner = settings.DATABASE_OWNER or {}
        return cls(
            user=owner.get("USER") or default["USER"],
            password=owner.get("PASSWORD") or default["PASSWORD"] or "",
            host=default["HOST"] or "127.0.0.1",
            port=int(default["PORT"] or 5432),
            dbname=default["NAME"],
        )

    def connect(self, **kwargs):
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=self.dbname,
            connect_timeout=10,
            **kwargs,
        )

    def environment(self):
        """libpq's variables for pg_dump and pg_restore: the password never appears on a command line. Others
        already set (PGSSLMODE, PGSSLROOTCERT) are kept."""
        env = dict(os.environ)
        env.update(PGHOST=self.host, PGPORT=str(self.port), PGUSER=self.user, PGDATABASE=self.dbname)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def __str__(self):
        return f"{self.dbname} on {self.host}:{self.port} as {self.user}"


TABLES = """
    SELECT n.nspname, c.relname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
     ORDER BY 1, 2
"""


def row_counts(conn):
    """{"schema.table": rows} for every ordinary table, counted in the connection's current transaction."""
    counts = {}
    for schema, table in conn.execute(TABLES).fetchall():
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        counts[f"{schema}.{table}"] = conn.execute(query).fetchone()[0]
    return counts


def tool(name):
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not on the PATH (Debian: apt-get install postgresql-client)")
    return path


# Streams ---------------------------------------------------------------------------------------------------------


class Hashing:
    """A read-only stream that counts and hashes what is read through it."""

    def __init__(self, source):
        self._source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self._source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    closed = False

    def readable(self):
        return True

    def seekable(self):
        return False

    def close(self):
        pass

    def result(self):
        return {"bytes": self.size, "sha256": self.digest.hexdigest()}


def _copy(source, sink):
    while chunk := source.read(COPY_BYTES):
        sink.write(chunk)


def _size_of(handle):
    position = handle.tell()
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(position)
    return size


def _member(name, size):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    return info


def backup_keyring():
    if not settings.BACKUP_ENCRYPTION_KEYS:
        raise BackupError("PASTORAL_BACKUP_KEY is not set: backups are encrypted with it")
    return encryption.keyring_for(settings.BACKUP_ENCRYPTION_KEYS)


# Backup ----------------------------------------------------------------------------------------------------------


@contextmanager
def _exported_snapshot(database):
    """A read-only REPEATABLE READ transaction held open, with its snapshot id for pg_dump --snapshot."""
    with database.connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        yield conn, snapshot
        conn.rollback()


def _dump_into(spool, database, snapshot, keyring):
    """pg_dump of the snapshot, encrypted into `spool` as it arrives; the dump's size and SHA-256."""
    command = [tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-password"]
    digest = hashlib.sha256()
    writer = encryption.EncryptingWriter(spool, keyring)
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=database.environment())
        try:
            _copy(process.stdout, _Tee(writer, digest))
        finally:
            process.stdout.close()
            code = process.wait()
        stderr.seek(0)
        message = stderr.read().decode(errors="replace").strip()
    writer.close()
    if code != 0:
        raise BackupError(f"pg_dump failed ({code}): {message}")
    return {"bytes": writer.plain_bytes, "sha256": digest.hexdigest()}


class _Tee:
    def __init__(self, sink, digest):
        self._sink, self._digest = sink, digest

    def write(self, data):
        self._digest.update(data)
        return self._sink.write(data)


def backup(output, *, database=None):
    """Write the encrypted archive to `output` (a path) and return its manifest.

    The archive is written beside `output` under a temporary name and renamed when complete, so a failed backup
    never leaves a file that looks like one."""
    database = database or Database.configured()
    keyring = backup_keyring()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": {"name": database.dbname},
        "files": [],
    }
    partial = output.with_name(f".{output.name}.partial")
    try:
        with (
            open(partial, "wb") as archive_file,
            tempfile.TemporaryFile(dir=output.parent) as dump_spool,
        ):
            os.chmod(partial, 0o600)
            with _exported_snapshot(database) as (conn, snapshot):
                manifest["database"]["server_version"] = conn.info.parameter_status("server_version")
                manifest["database"]["tables"] = row_counts(conn)
                manifest["database"].update(_dump_into(dump_spool, database, snapshot, keyring))
            archive_writer = encryption.EncryptingWriter(archive_file, keyring)
            with tarfile.open(fileobj=archive_writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                dump_spool.seek(0)
                dump = encryption.open_decrypted(dump_spool, keyring)
                tar.addfile(_member(DUMP, manifest["database"]["bytes"]), dump)
                for alias, folder in ALIASES:
                    storage = storages[alias]
                    for name in stored_names(storage):
                        try:
                            stored = storage.open_stored(name)
                        except FileNotFoundError:
                            continue  # deleted since it was listed
                        with stored:
                            hashing = Hashing(stored)
                            tar.addfile(_member(f"{FILES}/{folder}/{name}", _size_of(stored)), hashing)
                        manifest["files"].append({"storage": folder, "name": name, **hashing.result()})
                body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                tar.addfile(_member(MANIFEST, len(body)), io.BytesIO(body))
            archive_writer.close()
            archive_file.flush()
            os.fsync(archive_file.fileno())
        os.replace(partial, output)
    finally:
        if partial.exists():
            partial.unlink()
    return manifest


def default_output():
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BACKUP_DIR) / f"pastoral-{stamp}.tar.enc"


# Restore ---------------------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict = None
    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list = field(default_factory=list)


def _refuse_unless_empty(database):
    with database.connect() as conn:
        tables = conn.execute(TABLES).fetchall()
    if tables:
        raise BackupError(
            f"The database {database.dbname!r} already has {len(tables)} tables: restore only into an empty database "
            "(create a new one, or drop and recreate this one)"
        )
    for alias, folder in ALIASES:
        if next(stored_names(storages[alias]), None) is not None:
            raise BackupError(f"The {folder} file storage is not empty: restore only into empty file storages")


def _open_archive(path, keyring):
    handle = open(path, "rb")
    reader = encryption.open_decrypted(handle, keyring)
    if reader is None:
        handle.close()
        raise BackupError(f"{path} is not an encrypted backup archive")
    return reader


def _storage_for(folder):
    for alias, name in ALIASES:
        if name == folder:
            return storages[alias]
    return None


def _safe_name(name):
    parts = name.split("/")
    return name and not name.startswith("/") and all(part not in ("", ".", "..") for part in parts)


def _pg_restore(database):
    command = [
        tool("pg_restore"),
        "--no-owner",
        "--no-acl",
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
        f"--dbname={database.dbname}",
    ]
    stderr = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=stderr, env=database.environment())
    return process, stderr


def restore(path, *, database=None, check_only=False):
    """Restore the archive at `path` into `database` and the configured file storages (both must be empty), then
    compare what is there with the manifest. With check_only nothing is written: the archive is decrypted and every
    part compared with the manifest. Returns a RestoreResult; raises BackupError when anything differs."""
    database = database or Database.configured()
    keyring = backup_keyring()
    if not check_only:
        _refuse_unless_empty(database)
    result = RestoreResult()
    seen = {}
    dump = None
    with _open_archive(path, keyring) as reader, tarfile.open(fileobj=reader, mode="r|") as tar:
        for member in tar:
            if not member.isfile():
                raise BackupError(f"The archive holds {member.name!r}, which is not a file")
            source = tar.extractfile(member)
            if member.name == MANIFEST:
                result.manifest = json.loads(source.read())
                continue
            hashing = Hashing(source)
            if member.name == DUMP:
                dump = _restore_dump(hashing, database, check_only)
                continue
            match = MEMBER.fullmatch(member.name)
            storage = match and _storage_for(match["folder"])
            if not storage or not _safe_name(match["name"]):
                raise BackupError(f"The archive holds {member.name!r}, which is no part of a backup")
            if check_only:
                _copy(hashing, _Discard())
            else:
                storage.replace_stored(match["name"], hashing)
            seen[(match["folder"], match["name"])] = hashing.result()
    manifest = result.manifest
    if not manifest or manifest.get("format") != FORMAT:
        raise BackupError("The archive has no manifest: it is incomplete or not a backup")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"The archive is format version {manifest.get('version')}; this code reads {FORMAT_VERSION}")
    expected_dump = {key: manifest["database"][key] for key in ("bytes", "sha256")}
    if dump != expected_dump:
        result.problems.append(f"{DUMP}: {dump} in the archive, {expected_dump} in the manifest")
    expected_files = {
        (entry["storage"], entry["name"]): {"bytes": entry["bytes"], "sha256": entry["sha256"]}
        for entry in manifest["files"]
    }
    result.problems += _compare("in the archive", seen, expected_files)
    if not check_only:
        result.problems += _verify_restored(database, manifest, expected_files, result)
    else:
        result.tables = len(manifest["database"]["tables"])
        result.rows = sum(manifest["database"]["tables"].values())
        result.files = len(seen)
    if result.problems:
        shown = "\n".join(f"- {problem}" for problem in result.problems[:50])
        more = len(result.problems) - 50
        raise BackupError(
            f"The restore does not match the backup's manifest:\n{shown}" + (f"\n- and {more} more" if more > 0 else "")
        )
    return result


class _Discard:
    def write(self, data):
        return len(data)


def _restore_dump(hashing, database, check_only):
    if check_only:
        _copy(hashing, _Discard())
        return hashing.result()
    process, stderr = _pg_restore(database)
    try:
        try:
            _copy(hashing, process.stdin)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status and message say why
        finally:
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass
        code = process.wait()
        stderr.seek(0)
        message = stderr.read().decode(errors="replace").strip()
    finally:
        stderr.close()
    if code != 0:
        raise BackupError(f"pg_restore failed ({code}): {message}")
    return hashing.result()


def _compare(where, found, expected):
    problems = []
    for key in sorted(expected.keys() - found.keys()):
        problems.append(f"{key[0]}/{key[1]}: in the manifest, missing {where}")
    for key in sorted(found.keys() - expected.keys()):
        problems.append(f"{key[0]}/{key[1]}: {where}, not in the manifest")
    for key in sorted(found.keys() & expected.keys()):
        if found[key] != expected[key]:
            problems.append(f"{key[0]}/{key[1]}: {found[key]} {where}, {expected[key]} in the manifest")
    return problems


def _verify_restored(database, manifest, expected_files, result):
    """Read back the restored database and files and compare them with the manifest."""
    problems = []
    with database.connect() as conn:
        counts = row_counts(conn)
    expected_counts = manifest["database"]["tables"]
    for table in sorted(expected_counts.keys() | counts.keys()):
        if counts.get(table) != expected_counts.get(table):
            problems.append(
                f"table {table}: {counts.get(table, 'missing')} rows restored, "
                f"{expected_counts.get(table, 'none')} in the manifest"
            )
    stored = {}
    for alias, folder in ALIASES:
        storage = storages[alias]
        for name in stored_names(storage):
            with storage.open_stored(name) as handle:
                hashing = Hashing(handle)
                _copy(hashing, _Discard())
            stored[(folder, name)] = hashing.result()
    problems += _compare("in the restored storage", stored, expected_files)
    result.tables, result.rows, result.files = len(counts), sum(counts.values()), len(stored)
    return problems


def grant_runtime_role():
    """After restoring the app's own database: the runtime role's privileges, as migrate grants them."""
    from pastoral.database import as_owner, grant_runtime_privileges

    with as_owner():
        grant_runtime_privileges()
