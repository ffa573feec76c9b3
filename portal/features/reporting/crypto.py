"""The cryptography of confidential reports, all of it from libsodium (PyNaCl).

- Each channel has a Curve25519 key pair. Reports, contact details, messages, notes and files
  are sealed to the channel's public key (``SealedBox``), so the server can write them but
  not read them back.
- Each handler has a key pair of their own, whose private key is kept encrypted
  (``SecretBox``) under a key derived with Argon2id from a passphrase only they know. The
  channel's private key is given to a handler by sealing it to the handler's public key.
- The receipt code is the reporter's only secret. Argon2id turns it into 64 bytes: the first
  half is the stored lookup value, the second the seed of the reporter's own key pair, to
  which handlers' replies are sealed. The code itself is never stored.
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from nacl import pwhash
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

KEY_BYTES = 32
SALT_BYTES = pwhash.argon2id.SALTBYTES
RECEIPT_DIGITS = 20
# The receipt lookup must be deterministic, so its salt is fixed: the code's 20 random digits
# (66 bits) and Argon2id's cost are what make guessing from a dump impractical.
RECEIPT_SALT = b"portal-receipt-1"


class Locked(Exception):
    """The key needed is not available (wrong passphrase, wrong recovery key, no grant)."""


def _kdf(size: int, secret: bytes, salt: bytes) -> bytes:
    cost = getattr(settings, "REPORTING_ARGON2", {})
    return pwhash.argon2id.kdf(
        size, secret, salt,
        opslimit=cost.get("opslimit", pwhash.argon2id.OPSLIMIT_INTERACTIVE),
        memlimit=cost.get("memlimit", pwhash.argon2id.MEMLIMIT_INTERACTIVE))


def new_key_pair() -> tuple[bytes, bytes]:
    """(private key, public key) as raw bytes."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


def public_of(private_key: bytes) -> bytes:
    return bytes(PrivateKey(private_key).public_key)


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    return SealedBox(PublicKey(public_key)).encrypt(plaintext)


def unseal(private_key: bytes, ciphertext: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(bytes(ciphertext))
    except CryptoError as error:
        raise Locked("This key does not open it.") from error


# Receipt codes ------------------------------------------------------------------------------

def new_receipt_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def normalise_code(text: str) -> str:
    """The digits of a code as typed (spaces and dashes ignored); "" unless exactly right."""
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())[:RECEIPT_DIGITS + 1]
    return digits if len(digits) == RECEIPT_DIGITS and len(text) <= 64 else ""


def show_code(code: str) -> str:
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def receipt_keys(code: str) -> tuple[str, bytes]:
    """(lookup value to store and search for, the reporter's private key)."""
    derived = _kdf(64, code.encode(), RECEIPT_SALT)
    return derived[:32].hex(), derived[32:]


# Passphrases and wrapping ---------------------------------------------------------------------

def wrap_with_passphrase(passphrase: str, secret: bytes) -> tuple[bytes, bytes]:
    """(salt, ciphertext) of ``secret`` under a key derived from ``passphrase``."""
    salt = secrets.token_bytes(SALT_BYTES)
    return salt, SecretBox(_kdf(KEY_BYTES, passphrase.encode(), salt)).encrypt(secret)


def unwrap_with_passphrase(passphrase: str, salt: bytes, ciphertext: bytes) -> bytes:
    try:
        return SecretBox(_kdf(KEY_BYTES, passphrase.encode(), bytes(salt))).decrypt(
            bytes(ciphertext))
    except CryptoError as error:
        raise Locked("Wrong passphrase.") from error


def new_recovery_key() -> str:
    """A random key for the organisation admin to keep offline, in base32 groups."""
    text = base64.b32encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def wrap_with_recovery_key(recovery_key: str, secret: bytes) -> bytes:
    return SecretBox(_recovery_bytes(recovery_key)).encrypt(secret)


def unwrap_with_recovery_key(recovery_key: str, ciphertext: bytes) -> bytes:
    try:
        return SecretBox(_recovery_bytes(recovery_key)).decrypt(bytes(ciphertext))
    except (CryptoError, ValueError) as error:
        raise Locked("Wrong recovery key.") from error


def _recovery_bytes(recovery_key: str) -> bytes:
    text = "".join(recovery_key.split()).replace("-", "").upper()
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError as error:
        raise Locked("Wrong recovery key.") from error
    if len(raw) != KEY_BYTES:
        raise Locked("Wrong recovery key.")
    return raw


# Splitting an unlocked key between the session store and the browser ------------------------

def split(secret: bytes) -> tuple[bytes, bytes]:
    """Two shares, each alone random noise; XOR of both is ``secret``."""
    pad = secrets.token_bytes(len(secret))
    return pad, bytes(a ^ b for a, b in zip(secret, pad, strict=True))


def join(share_a: bytes, share_b: bytes) -> bytes:
    if len(share_a) != len(share_b):
        raise Locked("The shares do not match.")
    return bytes(a ^ b for a, b in zip(share_a, share_b, strict=True))
