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
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

GENERATED = "generated"


def generated_storage():
    return storages[GENERATED]


class GeneratedFilesStorage(FileSystemStorage):
    """A folder under GENERATED_FILES_ROOT, read when used (as FileSystemStorage reads MEDIA_ROOT), so a test or
    a tool that points the setting elsewhere moves the storage with it."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.GENERATED_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)
