"""Organisation keys, the canonical payload, and verification of licences and exported files.

Key-encryption key (KEK): private keys are stored encrypted (SM4-CBC + HMAC-SM3) under keys
derived from `TONGBAN_LICENCE_KEK` (environment or settings) or, when that is not set, from
`SECRET_KEY`. Production should set TONGBAN_LICENCE_KEK and keep it apart from SECRET_KEY, so that
rotating SECRET_KEY does not lock the signing keys; `tongban licence_keys rewrap` re-encrypts every
key when the KEK changes. See docs/licences.md.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tongban.core import audit, timeutil

from . import crypto
from .models import Licence, SigningKey, Status

FORMAT = "tongban-licence/1"
ALGORITHM = "SM2-with-SM3"


# --- keys -------------------------------------------------------------------------------------


def kek_material() -> bytes:
    value = os.environ.get("TONGBAN_LICENCE_KEK") or getattr(settings, "TONGBAN_LICENCE_KEK", "")
    if value:
        return value.encode("utf-8")
    # Domain-separated from every other use of SECRET_KEY.
    return crypto.hmac_sm3(settings.SECRET_KEY.encode("utf-8"), b"tongban/licences/kek-from-secret-key")


def current_kek_id() -> str:
    return crypto.derive_kek(kek_material())[2]


def active_key(organisation, *, actor=None) -> SigningKey:
    """The organisation's signing key, generated on first use."""
    key = SigningKey.objects.filter(organisation=organisation, status=SigningKey.Status.ACTIVE).first()
    if key is not None:
        return key
    return key_generate(organisation=organisation, actor=actor)


@transaction.atomic
def key_generate(*, organisation, actor=None, rotate: bool = False) -> SigningKey:
    """A new key pair for the organisation. With `rotate`, the current key is retired (it keeps
    verifying what it signed; its public key stays published)."""
    current = SigningKey.objects.select_for_update().filter(
        organisation=organisation, status=SigningKey.Status.ACTIVE).first()
    if current is not None and not rotate:
        return current
    if current is not None:
        current.status, current.retired_at = SigningKey.Status.RETIRED, timezone.now()
        current.save(update_fields=["status", "retired_at"])
    pair = crypto.generate_keypair()
    material = kek_material()
    try:
        with transaction.atomic():
            key = SigningKey.objects.create(
                organisation=organisation, key_id=crypto.key_fingerprint(pair.public_hex),
                public_key=pair.public_hex, wrapped_private=crypto.wrap_private(pair.private_hex, material),
                kek_id=crypto.derive_kek(material)[2],
            )
    except IntegrityError:
        # Another request generated the organisation's first key at the same moment: use it.
        return SigningKey.objects.get(organisation=organisation, status=SigningKey.Status.ACTIVE)
    audit.record("licence_key.generate", actor=actor, obj=key,
                 changes={"key_id": key.key_id, "retired": current.key_id if current else None})
    return key


def private_hex(key: SigningKey) -> str:
    return crypto.unwrap_private(key.wrapped_private, kek_material())


def undecryptable_active_keys() -> list[SigningKey]:
    """The active keys that the current KEK cannot decrypt (e.g. after a restore on a machine
    without the original TONGBAN_LICENCE_KEK): their organisations cannot sign licences."""
    material = kek_material()
    unusable = []
    for key in SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).select_related("organisation"):
        try:
            crypto.unwrap_private(key.wrapped_private, material)
        except (crypto.SignatureError, ValueError):  # a MAC mismatch, or a mangled ciphertext
            unusable.append(key)
    return unusable


def keys_rewrap(old_material: bytes) -> int:
    """Re-encrypt every private key from an old KEK to the current one; returns how many."""
    new = kek_material()
    new_id = crypto.derive_kek(new)[2]
    count = 0
    with transaction.atomic():
        for key in SigningKey.objects.select_for_update().exclude(kek_id=new_id):
            secret = crypto.unwrap_private(key.wrapped_private, old_material)
            key.wrapped_private, key.kek_id = crypto.wrap_private(secret, new), new_id
            key.save(update_fields=["wrapped_private", "kek_id"])
            audit.record("licence_key.rewrap", obj=key, changes={"kek_id": new_id})
            count += 1
    return count


def public_key_url(key: SigningKey) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("licences:key_pem", args=[key.key_id])


# --- payload ------------------------------------------------------------------------------------


def canonical(payload: dict) -> bytes:
    """The signed bytes: UTF-8 JSON, keys sorted, no whitespace, non-ASCII as is (docs/licences.md)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_payload(payload: dict, key: SigningKey) -> str:
    der = crypto.sign(canonical(payload), private_hex(key), key.public_key)
    return base64.b64encode(der).decode("ascii")


@functools.lru_cache(maxsize=4096)
def _verify_cached(message: bytes, signature: bytes, public_hex: str) -> bool:
    # The same bytes always verify the same way: a burst of QR scans of one licence costs one
    # SM2 verification per worker process.
    try:
        return crypto.verify(message, signature, public_hex)
    except crypto.SignatureError:
        return False


def signature_valid(payload: dict, signature_b64: str, public_hex: str) -> bool:
    try:
        der = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    message = canonical(payload)
    if not _memo_enabled():
        return _verify_cached.__wrapped__(message, der, public_hex)
    return _verify_cached(message, der, public_hex)


def _memo_enabled() -> bool:
    # TONGBAN_VERIFY_MEMO=0 turns the memo off, so the benchmark can show the cost of a real SM2
    # verification on every scan beside the memoised figure.
    return os.environ.get("TONGBAN_VERIFY_MEMO", "1") != "0"


def export(licence: Licence) -> dict:
    """The licence as a self-contained JSON document a third party can verify."""
    return {
        "format": FORMAT,
        "payload": licence.payload,
        "signature": licence.signature,
        "algorithm": ALGORITHM,
        "signer_id": crypto.SIGNER_ID.decode(),
        "key_id": licence.key.key_id,
        "public_key_url": public_key_url(licence.key),
        "verify_url": verify_url(licence),
    }


def verify_url(licence: Licence) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("licences:check", args=[licence.verify_code])


# --- verification -------------------------------------------------------------------------------------

FORGED = "forged"
RESULT_LABELS = {
    Status.VALID: "有效",
    Status.EXPIRED: "已过期",
    Status.REVOKED: "已注销",
    FORGED: "验证未通过（伪造或被篡改）",
}


@dataclass
class Verification:
    result: str  # valid / expired / revoked / forged
    message: str
    licence: Licence | None = None
    signature_ok: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return RESULT_LABELS[self.result]

    @property
    def usable(self) -> bool:
        return self.result == Status.VALID


def live_status(licence: Licence, today=None) -> str:
    if licence.status == Status.REVOKED:
        return Status.REVOKED
    today = today or timeutil.today()
    if licence.valid_until is not None and licence.valid_until < today:
        return Status.EXPIRED
    return Status.VALID


def _columns_match(licence: Licence) -> list[str]:
    """The row's searchable columns must say what the signed payload says."""
    p = licence.payload
    problems = []
    checks = {
        "number": licence.number, "issued_on": licence.issued_on.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
    }
    for name, value in checks.items():
        if p.get(name) != value:
            problems.append(name)
    if (p.get("holder") or {}).get("code") != licence.holder_code:
        problems.append("holder")
    if (p.get("type") or {}).get("code") != licence.licence_type.code:
        problems.append("type")
    if p.get("key_id") != licence.key.key_id:
        problems.append("key_id")
    return problems


def verify_licence(licence: Licence, today=None) -> Verification:
    """Verify a stored licence: its signature over its payload, then its live status."""
    ok = signature_valid(licence.payload, licence.signature, licence.key.public_key)
    problems = [] if ok else ["signature"]
    problems += _columns_match(licence) if ok else []
    if problems:
        return Verification(FORGED, "签名验证未通过：证照内容与签发机关的签名不符。", licence, False, problems)
    status = live_status(licence, today)
    if status == Status.REVOKED:
        when = timezone.localtime(licence.revoked_at).date().isoformat() if licence.revoked_at else ""
        msg = f"该证照已于 {when} 注销，原因：{licence.revoke_reason}"
    elif status == Status.EXPIRED:
        msg = f"该证照有效期至 {licence.valid_until.isoformat()}，已过期。"
    else:
        msg = "签名验证通过，证照有效。"
    return Verification(status, msg, licence, True)


def verify_export(document: dict, today=None) -> Verification:
    """Verify an exported licence (the JSON file, or the one embedded in the PDF)."""
    if not isinstance(document, dict) or not isinstance(document.get("payload"), dict):
        return Verification(FORGED, "文件不是通办电子证照（缺少签名内容）。", problems=["format"])
    payload, signature = document["payload"], document.get("signature")
    if not isinstance(signature, str):
        return Verification(FORGED, "文件中没有签名。", problems=["signature"])
    key = SigningKey.objects.select_related("organisation").filter(key_id=payload.get("key_id", "")).first()
    if key is None:
        return Verification(FORGED, "签名密钥不是本平台任何签发机关的密钥。", problems=["key"])
    if not signature_valid(payload, signature, key.public_key):
        return Verification(FORGED, "签名验证未通过：文件内容被修改，或并非由签发机关签发。", problems=["signature"])
    licence = (Licence.objects.select_related("licence_type", "issuer", "key")
               .filter(number=payload.get("number", "")).first())
    if licence is None or canonical(licence.payload) != canonical(payload):
        return Verification(FORGED, "签名有效，但平台上没有与之一致的证照记录。", licence, True, ["record"])
    return verify_licence(licence, today)


def read_export_file(data: bytes) -> dict | None:
    """The exported JSON from an uploaded file: the JSON itself, or the attachment in our PDF."""
    if data.lstrip()[:1] == b"{":
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
    if data.startswith(b"%PDF-"):
        import io

        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            reader = PdfReader(io.BytesIO(data))
            for name, contents in reader.attachments.items():
                if name == "licence.json" and contents:
                    return json.loads(contents[0].decode("utf-8"))
        except (PyPdfError, ValueError, UnicodeDecodeError, KeyError, TypeError):
            return None
    return None
