"""The S3-compatible bucket storage, encrypted at rest like the filesystem one (kept apart so that only an S3
deployment imports boto3)."""

from storages.backends.s3 import S3Storage

from .storage import EncryptedStorageMixin


class EncryptedS3Storage(EncryptedStorageMixin, S3Storage):
    """A private bucket prefix holding encrypted objects; the bucket's own server-side encryption may be on too."""
