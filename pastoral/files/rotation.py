"""Walking the file storages, and re-encrypting what they hold with the newest key (`manage.py rotate_file_keys`)."""

import posixpath
from dataclasses import dataclass, field

from django.core.files.storage import storages

from . import encryption
from .storage import ALIASES


def stored_names(storage, folder=""):
    """Every file's name in `storage`, folders first-to-last in name order. Dot-files are the storage's own
    scratch files (a health probe, a replacement being written), never a stored record."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        if not name.startswith("."):
            yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from stored_names(storage, posixpath.join(folder, name) if folder else name)


@dataclass
class RotationResult:
    current: int = 0
    reencrypted: int = 0
    plaintext: int = 0
    failed: list = field(default_factory=list)

    @property
    def changed(self):
        return self.reencrypted + self.plaintext


def rotate_storage(storage, *, dry_run=False):
    """Re-encrypt every file of `storage` not already under the newest key; plaintext files are encrypted.

    Each file is replaced in one step, so a reader sees the old file or the new one; running it again after an
    interruption carries on where it stopped."""
    keyring = encryption.file_keyring()
    result = RotationResult()
    for name in stored_names(storage):
        try:
            current = storage.key_id(name)
            if current == keyring.primary_id:
                result.current += 1
                continue
            if not dry_run:
                with storage.open(name, "rb") as plain, encryption.encrypted_spool(plain.chunks(), keyring) as spool:
                    storage.replace_stored(name, spool)
        except FileNotFoundError:
            continue  # deleted while we walked (an export expiring): nothing left to protect
        except encryption.DecryptionError as error:
            result.failed.append((name, str(error)))
            continue
        if current is None:
            result.plaintext += 1
        else:
            result.reencrypted += 1
    return result


def rotate_all(*, dry_run=False):
    """{folder name: RotationResult} for the uploads ("media") and generated files ("generated")."""
    return {folder: rotate_storage(storages[alias], dry_run=dry_run) for alias, folder in ALIASES}
