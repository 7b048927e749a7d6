"""The school export archive: names, the manifest, and reading an archive back with every part checked.

Format (docs/school-export-format.md):

    manifest.json                  format, version, app and migration state, counts per model, SHA-256 per member
    data/<app>.<Model>.jsonl       one row per line: {"model": ..., "id": ..., "fields": {...}}
    files/<storage>/<name>         the files the rows name, decrypted
"""

import hashlib
import json
import uuid
import zipfile

FORMAT = "pastoral-school-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data"
FILES = "files"
CHUNK = 1024 * 1024


class TransferError(Exception):
    """An export or import that cannot go on, or an archive that does not match its manifest."""


def data_member(label):
    return f"{DATA}/{label}.jsonl"


def file_member(storage, name):
    return f"{FILES}/{storage}/{name}"


def sha256_of(handle):
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def file_sha256(path):
    with open(path, "rb") as handle:
        return sha256_of(handle)[0]


def by_id_or_code(queryset, value):
    """The row whose id or code (UUID) is `value`, or None."""
    value = str(value).strip()
    if value.isdigit():
        found = queryset.filter(pk=int(value)).first()
        if found is not None:
            return found
    try:
        return queryset.filter(code=uuid.UUID(value)).first()
    except ValueError:
        return None


def _safe(name):
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and all(part not in ("", ".", "..") for part in parts)


def open_checked(path):
    """Open the archive and check every member against the manifest: nothing missing, nothing extra, every SHA-256
    and size as recorded. Returns (zipfile, manifest); raises TransferError listing every difference."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise TransferError(f"{path} is not a school export archive: {error}") from error
    try:
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except KeyError:
            raise TransferError(f"{path} has no {MANIFEST}: it is incomplete or not a school export") from None
        if manifest.get("format") != FORMAT:
            raise TransferError(f"{path} is not a school export archive (format {manifest.get('format')!r})")
        if manifest.get("version") != FORMAT_VERSION:
            raise TransferError(
                f"The archive is format version {manifest.get('version')}; this version of the app reads "
                f"version {FORMAT_VERSION}"
            )
        expected = {entry["member"]: entry for entry in manifest["members"]}
        problems = []
        seen = set()
        for info in archive.infolist():
            if info.is_dir() or info.filename == MANIFEST:
                continue
            if not _safe(info.filename):
                problems.append(f"{info.filename}: not a safe name")
                continue
            seen.add(info.filename)
            entry = expected.get(info.filename)
            if entry is None:
                problems.append(f"{info.filename}: in the archive, not in the manifest")
                continue
            with archive.open(info) as handle:
                digest, size = sha256_of(handle)
            if (digest, size) != (entry["sha256"], entry["bytes"]):
                problems.append(
                    f"{info.filename}: {size} bytes with SHA-256 {digest} in the archive, "
                    f"{entry['bytes']} bytes with SHA-256 {entry['sha256']} in the manifest"
                )
        for member in sorted(expected.keys() - seen):
            problems.append(f"{member}: in the manifest, missing from the archive")
        if problems:
            raise TransferError(mismatch("The archive does not match its manifest", problems))
    except BaseException:
        archive.close()
        raise
    return archive, manifest


def mismatch(heading, problems, shown=50):
    lines = "\n".join(f"- {problem}" for problem in problems[:shown])
    more = len(problems) - shown
    return f"{heading}:\n{lines}" + (f"\n- and {more} more" if more > 0 else "")


def read_rows(archive, label):
    """The rows of one model, one dict per line."""
    with archive.open(data_member(label)) as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
