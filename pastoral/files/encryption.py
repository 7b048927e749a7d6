"""Files encrypted at rest: a stream of Fernet tokens, each holding 64 KiB of the file, behind a short header.

Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package) encrypts a whole message at once, so a file
is cut into frames and each frame is its own token: a 40 MB attachment is written and read 64 KiB at a time, never
held in memory. Layout::

    header   MAGIC (8 bytes) | version (1) | key id (8) | file nonce (16)
    frame    token length (4, big-endian) | Fernet token, base64-decoded

Each token's plaintext starts with the file's nonce, the frame's number and a "last frame" flag, so frames cannot be
moved between files, reordered, dropped or cut off at the end without the read failing. Every frame but the last
holds exactly FRAME_BYTES, so any position in the file is found without reading what comes before it (a PDF reader
or Pillow seeks to the end first).

The key id (the first 8 bytes of the key's SHA-256) says which key wrote the file: the newest key writes, any listed
key reads, and ``manage.py rotate_file_keys`` rewrites every file whose id is not the newest key's. A file without
the header is one written before encryption and is read as it is.

The same format, with the backup key, encrypts backup archives (``pastoral/backups.py``).
"""

import base64
import hashlib
import hmac
import io
import os
import struct
import tempfile
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"PSTLENC\x00"
VERSION = 1
KEY_ID_BYTES = 8
NONCE_BYTES = 16
HEADER_BYTES = len(MAGIC) + 1 + KEY_ID_BYTES + NONCE_BYTES
FRAME_BYTES = 64 * 1024
_LENGTH = struct.Struct(">I")
_PREFIX = struct.Struct(f">{NONCE_BYTES}sQ?")  # nonce, frame number, last frame
# A Fernet token: version (1), timestamp (8), IV (16), AES-CBC ciphertext padded to 16 bytes, HMAC (32).
_TOKEN_OVERHEAD = 1 + 8 + 16 + 32
# Encrypted files are built in a temporary file: in memory up to this size, on local disk beyond it.
SPOOL_BYTES = 2 * 1024 * 1024


def _token_bytes(plain_bytes):
    return _TOKEN_OVERHEAD + (plain_bytes // 16 + 1) * 16


FULL_FRAME_DISK_BYTES = _LENGTH.size + _token_bytes(_PREFIX.size + FRAME_BYTES)


class DecryptionError(Exception):
    """The file is damaged, was cut short, or was written with a key that is no longer configured."""


def is_fernet_key(value):
    try:
        return len(base64.urlsafe_b64decode(value.encode("ascii"))) == 32 and len(value) == 44
    except (ValueError, UnicodeEncodeError):
        return False


def development_key(secret, purpose):
    """A Fernet key derived from Django's secret key, for development and tests only (production sets its own)."""
    digest = hmac.new(secret.encode(), f"pastoral.{purpose}.development-key".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def parse_keys(name, value):
    """Comma-separated Fernet keys, newest first, as a list; ImproperlyConfigured names the bad entry."""
    keys = [item.strip() for item in (value or "").split(",") if item.strip()]
    for position, key in enumerate(keys, start=1):
        if not is_fernet_key(key):
            raise ImproperlyConfigured(
                f"{name}: entry {position} is not a Fernet key (44 characters of URL-safe base64). Make one with: "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            )
    return keys


def generate_key():
    return Fernet.generate_key().decode("ascii")


def key_id(key):
    return hashlib.sha256(key.encode("ascii")).digest()[:KEY_ID_BYTES]


class Keyring:
    """Fernet keys, newest first: the first encrypts, any of them decrypts (the file's header names which)."""

    def __init__(self, keys):
        if not keys:
            raise ImproperlyConfigured("No encryption key is configured")
        self.keys = list(keys)
        self.by_id = {key_id(key): Fernet(key) for key in reversed(self.keys)}
        self.primary_id = key_id(self.keys[0])
        self.primary = self.by_id[self.primary_id]

    def fernet_for(self, file_key_id):
        try:
            return self.by_id[file_key_id]
        except KeyError:
            raise DecryptionError(
                "The file was encrypted with a key that is not configured any more: add the old key back to the "
                "list (after the newest) to read it."
            ) from None


@lru_cache(maxsize=8)
def _keyring(keys):
    return Keyring(keys)


def file_keyring():
    """The keyring for stored files, from settings.FILE_ENCRYPTION_KEYS (PASTORAL_FILE_KEYS)."""
    return _keyring(tuple(settings.FILE_ENCRYPTION_KEYS))


def keyring_for(keys):
    return _keyring(tuple(keys))


# Writing ------------------------------------------------------------------------------------------------------


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that sends the encrypted form of what is written to `sink`; close() writes the last frame.

    Closing it does not close the sink."""

    def __init__(self, sink, keyring):
        super().__init__()
        self._sink = sink
        self._fernet = keyring.primary
        self._nonce = os.urandom(NONCE_BYTES)
        self._index = 0
        self._buffer = bytearray()
        self.plain_bytes = 0
        sink.write(MAGIC + bytes([VERSION]) + keyring.primary_id + self._nonce)

    def writable(self):
        return True

    def write(self, data):
        if self.closed:
            raise ValueError("write to a closed encrypted file")
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._buffer += data
        self.plain_bytes += len(data)
        # A full frame goes out only once more follows it: the frame left at close is the last one.
        while len(self._buffer) > FRAME_BYTES:
            self._frame(bytes(self._buffer[:FRAME_BYTES]), last=False)
            del self._buffer[:FRAME_BYTES]
        return len(data)

    def _frame(self, chunk, *, last):
        token = self._fernet.encrypt(_PREFIX.pack(self._nonce, self._index, last) + chunk)
        raw = base64.urlsafe_b64decode(token)
        self._sink.write(_LENGTH.pack(len(raw)) + raw)
        self._index += 1

    def close(self):
        if not self.closed:
            self._frame(bytes(self._buffer), last=True)
            self._buffer = bytearray()
        super().close()

    def __del__(self):
        # A writer dropped without close() was abandoned part-way: it must not be completed by the garbage collector.
        pass


def encrypt_stream(chunks, sink, keyring):
    """Encrypt an iterable of bytes (or str) into `sink`; returns the number of plaintext bytes."""
    writer = EncryptingWriter(sink, keyring)
    for chunk in chunks:
        writer.write(chunk)
    writer.close()
    return writer.plain_bytes


def encrypted_spool(chunks, keyring):
    """A temporary file holding the encrypted form of `chunks`, rewound; the caller closes it."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    encrypt_stream(chunks, spool, keyring)
    spool.seek(0)
    return spool


# Reading ------------------------------------------------------------------------------------------------------


def read_header(source):
    """(key id, nonce) when `source` starts with the header, else None; the position is left after what was read."""
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        return None
    rest = source.read(HEADER_BYTES - len(MAGIC))
    if len(rest) != HEADER_BYTES - len(MAGIC) or rest[0] != VERSION:
        raise DecryptionError("The encrypted file's header is damaged or of an unknown version")
    return rest[1 : 1 + KEY_ID_BYTES], rest[1 + KEY_ID_BYTES :]


def key_id_of(source):
    """The id of the key a stored file was encrypted with, or None for a plaintext file; the source is rewound."""
    source.seek(0)
    header = read_header(source)
    source.seek(0)
    return header[0] if header else None


class DecryptingReader(io.RawIOBase):
    """A seekable, read-only stream of the plaintext of an encrypted file (`source` positioned after its header)."""

    def __init__(self, source, keyring, header):
        super().__init__()
        self._source = source
        self._fernet = keyring.fernet_for(header[0])
        self._nonce = header[1]
        self._position = 0
        self._frame_index = None
        self._frame = b""
        self._size = None
        self._last_index = None

    def readable(self):
        return True

    def seekable(self):
        return True

    def _measure(self):
        if self._size is None:
            self._source.seek(0, os.SEEK_END)
            end = self._source.tell()
            frames_bytes = end - HEADER_BYTES
            if frames_bytes <= 0:
                raise DecryptionError("The encrypted file has no content: it was cut short")
            self._last_index = (frames_bytes - 1) // FULL_FRAME_DISK_BYTES
            last = self._load(self._last_index)
            self._size = self._last_index * FRAME_BYTES + len(last)
        return self._size

    def _load(self, index):
        if self._frame_index == index:
            return self._frame
        self._source.seek(HEADER_BYTES + index * FULL_FRAME_DISK_BYTES)
        length_bytes = self._source.read(_LENGTH.size)
        if len(length_bytes) != _LENGTH.size:
            raise DecryptionError("The encrypted file was cut short")
        (length,) = _LENGTH.unpack(length_bytes)
        if length > FULL_FRAME_DISK_BYTES - _LENGTH.size:
            raise DecryptionError("The encrypted file is damaged")
        raw = self._source.read(length)
        if len(raw) != length:
            raise DecryptionError("The encrypted file was cut short")
        try:
            plain = self._fernet.decrypt(base64.urlsafe_b64encode(raw))
        except InvalidToken:
            raise DecryptionError("The encrypted file is damaged or was encrypted with another key") from None
        nonce, number, last = _PREFIX.unpack_from(plain)
        expected_last = self._last_index is None or index == self._last_index
        if nonce != self._nonce or number != index or last != expected_last:
            raise DecryptionError("The encrypted file's parts are out of order, mixed with another file's or cut short")
        if not last and len(plain) != _PREFIX.size + FRAME_BYTES:
            raise DecryptionError("The encrypted file is damaged")
        self._frame_index, self._frame = index, plain[_PREFIX.size :]
        return self._frame

    @property
    def size(self):
        return self._measure()

    def readinto(self, buffer):
        size = self._measure()
        if self._position >= size:
            return 0
        index, offset = divmod(self._position, FRAME_BYTES)
        frame = self._load(index)
        count = min(len(buffer), len(frame) - offset)
        buffer[:count] = frame[offset : offset + count]
        self._position += count
        return count

    def seek(self, offset, whence=os.SEEK_SET):
        if whence == os.SEEK_SET:
            position = offset
        elif whence == os.SEEK_CUR:
            position = self._position + offset
        elif whence == os.SEEK_END:
            position = self._measure() + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if position < 0:
            raise ValueError("negative seek position")
        self._position = position
        return position

    def tell(self):
        return self._position

    def close(self):
        if not self.closed:
            self._source.close()
        super().close()


def open_decrypted(source, keyring):
    """A buffered reader of the plaintext of `source` (a seekable binary file), or None if it is not encrypted.

    With None the source is rewound, to be read as it is."""
    source.seek(0)
    header = read_header(source)
    if header is None:
        source.seek(0)
        return None
    return io.BufferedReader(DecryptingReader(source, keyring, header), buffer_size=FRAME_BYTES)
