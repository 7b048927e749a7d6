"""Where uploaded and generated files live, so that any web node or worker can read what another one wrote.

Two Django storages, chosen by `PASTORAL_STORAGE` in settings.py:

- ``storages["default"]``: uploads (pupil photos, behaviour and safeguarding attachments, training
  certificates, received child-protection files), through their ``FileField``s;
- ``storages["generated"]`` (``generated_storage()``): exports and reports built by Celery, and pupil import
  files waiting for their task.

With ``filesystem`` both are folders (``MEDIA_ROOT``, ``GENERATED_FILES_ROOT``) that every node must mount at
the same path; with ``s3`` both are prefixes of one private bucket. Code reads and writes them only through
Django's storage API (``open``, ``save``, ``delete``, ``exists``), never through paths, so either works.
Nothing is ever served from the storage itself: every download streams through a view that checks access.

Both are encrypted at rest (``EncryptedStorageMixin``, format in ``encryption.py``): what is saved is encrypted with
the newest key of ``PASTORAL_FILE_KEYS`` and what is opened is decrypted, so every app's ``FileField`` and every
export gets it without code of its own. ``path()`` still names the file on disk, which holds the encrypted bytes.
"""

import os
import tempfile

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, storages
from django.utils._os import safe_makedirs

from . import encryption

GENERATED = "generated"
# Both storages, as a backup or a key rotation walks them: (alias, folder name in a backup archive).
ALIASES = (("default", "media"), (GENERATED, "generated"))


def generated_storage():
    return storages[GENERATED]


class _EncryptedUpload(File):
    """What the backend is given to write: the encrypted bytes, which no browser should ever be told the type of."""

    content_type = "application/octet-stream"


class DecryptedFile(File):
    """A stored file opened for reading: the plaintext of the encrypted bytes, with the plaintext's size."""

    def __init__(self, reader, name, storage):
        super().__init__(reader, name)
        self.mode = "rb"
        self._storage = storage

    @property
    def size(self):
        return self.file.raw.size

    def open(self, mode=None, *args, **kwargs):
        # Reopened through the storage: File.open would read the path on disk, the encrypted bytes.
        if not self.closed:
            self.seek(0)
        else:
            self.file = self._storage.open(self.name, "rb").file
        return self


class EncryptedStorageMixin:
    """Encrypts on save and decrypts on open, in front of any Django storage backend.

    Files written before encryption (no header) are read as they are; ``manage.py rotate_file_keys`` encrypts them.
    Files are only ever opened for reading: a new version is saved under a new name.
    """

    def _save(self, name, content):
        with encryption.encrypted_spool(content.chunks(), encryption.file_keyring()) as spool:
            return super()._save(name, _EncryptedUpload(spool, name=name))

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Stored files are encrypted: save a new file rather than opening one for writing")
        stored = super()._open(name, "rb")
        try:
            reader = encryption.open_decrypted(stored, encryption.file_keyring())
        except Exception:
            stored.close()
            raise
        return stored if reader is None else DecryptedFile(reader, name, self)

    def size(self, name):
        """The size of the file's content, not of its encrypted form."""
        with self.open(name, "rb") as opened:
            return opened.size

    # For backups and key rotation: the bytes as stored, untouched.

    def open_stored(self, name):
        return super()._open(name, "rb")

    def key_id(self, name):
        """The id of the key the file is encrypted with (encryption.key_id), or None for a plaintext file."""
        with self.open_stored(name) as stored:
            return encryption.key_id_of(stored)

    def replace_stored(self, name, content):
        """Write `content` (a file of already-encrypted bytes) under `name`, replacing what is there in one step."""
        if isinstance(self, FileSystemStorage):
            path = self.path(name)
            # Every folder created gets the storage's mode, not only the last (as FileSystemStorage._save does).
            safe_makedirs(os.path.dirname(path), self.directory_permissions_mode or 0o700, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".replacing-")
            try:
                with os.fdopen(handle, "wb") as out:
                    for chunk in File(content).chunks():
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temporary, self.file_permissions_mode or 0o600)
                os.replace(temporary, path)
            except BaseException:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise
            return name
        # Object storage replaces an object whole: readers see the old version or the new one.
        return super()._save(name, _EncryptedUpload(content, name=name))


class EncryptedFileSystemStorage(EncryptedStorageMixin, FileSystemStorage):
    """Uploads under MEDIA_ROOT, encrypted at rest."""


class GeneratedFilesStorage(EncryptedFileSystemStorage):
    """A folder under GENERATED_FILES_ROOT, read when used (as FileSystemStorage reads MEDIA_ROOT), so a test or
    a tool that points the setting elsewhere moves the storage with it."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.GENERATED_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)
