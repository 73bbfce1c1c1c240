"""The office's Ed25519 key pair: created once by ``pantau keys init``, used to sign packets.

Files under ``settings.data_dir/keys/``: ``kantor-ed25519.pem`` (private, PKCS#8, mode 0600)
and ``kantor-ed25519.pub.pem`` (public, SubjectPublicKeyInfo), the one handed to Bawaslu/BKN
and placed in every packet as ``kunci-publik.pem``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pantau.config import Settings, get_settings
from pantau.errors import PantauError

PRIVATE_NAME = "kantor-ed25519.pem"
PUBLIC_NAME = "kantor-ed25519.pub.pem"


class KeyError_(PantauError):
    """Key missing, unreadable or of the wrong kind."""


def keys_dir(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / "keys"


def private_key_path(settings: Settings | None = None) -> Path:
    return keys_dir(settings) / PRIVATE_NAME


def public_key_path(settings: Settings | None = None) -> Path:
    return keys_dir(settings) / PUBLIC_NAME


def init_keys(settings: Settings | None = None, *, force: bool = False) -> tuple[Path, Path]:
    """Create the key pair; refuses to overwrite an existing key unless ``force``."""
    priv_path, pub_path = private_key_path(settings), public_key_path(settings)
    if priv_path.exists() and not force:
        raise KeyError_(f"kunci sudah ada: {priv_path} (gunakan --force untuk mengganti)")
    priv_path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(priv_path.parent, 0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = priv_path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(tmp, 0o600)
    os.replace(tmp, priv_path)
    pub_path.write_bytes(public_pem(key.public_key()))
    os.chmod(pub_path, 0o644)
    return priv_path, pub_path


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(pem: bytes) -> str:
    """SHA-256 of the raw public key, hex, grouped for reading aloud over the phone."""
    key = parse_public_key(pem)
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()
    return ":".join(digest[i:i + 4] for i in range(0, 32, 4))


def load_private_key(settings: Settings | None = None) -> Ed25519PrivateKey:
    path = private_key_path(settings)
    if not path.exists():
        raise KeyError_(f"kunci penandatangan kantor belum dibuat ({path}): jalankan "
                        "'pantau keys init'")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeyError_(f"{path}: izin berkas terlalu longgar ({oct(mode)}); jalankan "
                        f"'chmod 600 {path}'")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(f"{path}: bukan kunci Ed25519")
    return key


def parse_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise KeyError_(f"kunci publik tidak dapat dibaca: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyError_("kunci publik bukan Ed25519")
    return key


def sign(data: bytes, key: Ed25519PrivateKey) -> bytes:
    return key.sign(data)


def check_signature(data: bytes, signature: bytes, public_pem_bytes: bytes) -> bool:
    try:
        parse_public_key(public_pem_bytes).verify(signature, data)
    except (InvalidSignature, KeyError_):
        return False
    return True
