"""SM2 signatures with SM3 (GB/T 32918, GB/T 35276), interoperable with OpenSSL 3.

gmssl does the curve arithmetic. Around it, this module takes care of what gmssl leaves to the
caller or gets wrong:

- the nonce k comes from `secrets` (gmssl's default uses `random.choice`, which is predictable);
- the digest is SM3(Z || M) with Z computed for the signer ID `1234567812345678`, the ID that
  OpenSSL uses with `-pkeyopt distid:1234567812345678`;
- signatures are DER `SEQUENCE { INTEGER r, INTEGER s }`, and r, s are range-checked on verify;
- public keys are checked to lie on the curve before use, and are exchanged as PEM
  SubjectPublicKeyInfo (id-ecPublicKey with the SM2 curve OID), which `openssl pkey -pubin` reads;
- gmssl's constructor strips a leading "04" from the public key with `str.lstrip`, which also eats
  a leading 0 or 4 of the x coordinate; the key is therefore set after construction.

Private keys never leave this module unencrypted except through `private_key_pem`, which exists for
key escrow and for the interoperability test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from Cryptodome.Util.asn1 import (
    DerBitString,
    DerInteger,
    DerObjectId,
    DerOctetString,
    DerSequence,
)
from gmssl import sm3 as gm_sm3
from gmssl.sm2 import CryptSM2, default_ecc_table

SIGNER_ID = b"1234567812345678"
OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_SM2_CURVE = "1.2.156.10197.1.301"

P = int(default_ecc_table["p"], 16)
N = int(default_ecc_table["n"], 16)
A = int(default_ecc_table["a"], 16)
B = int(default_ecc_table["b"], 16)
G_HEX = default_ecc_table["g"]


class SignatureError(ValueError):
    """A key or signature that cannot be used (malformed, off the curve, out of range)."""


# --- SM3 --------------------------------------------------------------------------------------


def _openssl_has_sm3() -> bool:
    try:
        hashlib.new("sm3", b"abc")
    except ValueError:
        return False
    return True


HASHLIB_SM3 = _openssl_has_sm3()


def sm3(data: bytes) -> bytes:
    """SM3 digest: from OpenSSL when Python's hashlib offers it (fast), else gmssl's."""
    if HASHLIB_SM3:
        return hashlib.new("sm3", data).digest()
    return bytes.fromhex(gm_sm3.sm3_hash(list(data)))


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC (RFC 2104) over SM3, block size 64 bytes."""
    if HASHLIB_SM3:
        return hmac.new(key, data, "sm3").digest()
    if len(key) > 64:
        key = sm3(key)
    key = key.ljust(64, b"\x00")
    inner = sm3(bytes(b ^ 0x36 for b in key) + data)
    return sm3(bytes(b ^ 0x5C for b in key) + inner)


# --- keys -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    private_hex: str  # d, 64 hex digits
    public_hex: str  # x || y, 128 hex digits (no 04 prefix)


def _on_curve(public_hex: str) -> bool:
    if len(public_hex) != 128:
        return False
    try:
        x, y = int(public_hex[:64], 16), int(public_hex[64:], 16)
    except ValueError:
        return False
    if not (0 <= x < P and 0 <= y < P):
        return False
    return (y * y - (x * x * x + A * x + B)) % P == 0


def _crypt(private_hex: str = "", public_hex: str = "") -> CryptSM2:
    crypt = CryptSM2(private_key=private_hex, public_key="", asn1=True)
    crypt.public_key = public_hex  # see the module docstring: never through the constructor
    return crypt


def public_from_private(private_hex: str) -> str:
    d = int(private_hex, 16)
    if not 1 <= d <= N - 2:
        raise SignatureError("私钥超出 SM2 允许范围。")
    return _crypt(private_hex)._kg(d, G_HEX)


def generate_keypair() -> KeyPair:
    """A new key: d uniformly in [1, n-2] from the operating system's CSPRNG."""
    d = secrets.randbelow(N - 2) + 1
    private_hex = f"{d:064x}"
    return KeyPair(private_hex, public_from_private(private_hex))


def key_fingerprint(public_hex: str) -> str:
    """A short stable key id: the first 16 hex digits of SM3 over the SubjectPublicKeyInfo DER."""
    return sm3(public_key_der(public_hex)).hex()[:16]


# --- digest and signature ------------------------------------------------------------------------


def z_value(public_hex: str, signer_id: bytes = SIGNER_ID) -> bytes:
    """Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), GB/T 32918.2 §5.5."""
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    return sm3(entl + signer_id + bytes.fromhex(default_ecc_table["a"] + default_ecc_table["b"] + G_HEX + public_hex))


def message_digest(message: bytes, public_hex: str, signer_id: bytes = SIGNER_ID) -> bytes:
    """e = SM3(Z || M): what SM2 actually signs."""
    return sm3(z_value(public_hex, signer_id) + message)


def sign(message: bytes, private_hex: str, public_hex: str) -> bytes:
    """The DER-encoded SM2 signature of `message` (SM3 digest, signer ID 1234567812345678)."""
    crypt = _crypt(private_hex, public_hex)
    e = message_digest(message, public_hex)
    while True:
        k = secrets.randbelow(N - 1) + 1  # per-signature nonce from the CSPRNG, never reused
        signature = crypt.sign(e, f"{k:064x}")
        if signature is not None:  # r = 0, r + k = n or s = 0: draw again (GB/T 32918.2 §6.1)
            return bytes.fromhex(signature)


def decode_signature(der: bytes) -> tuple[int, int]:
    try:
        seq = DerSequence()
        seq.decode(der, strict=True)
        if len(seq) != 2 or not all(isinstance(v, int) for v in seq):
            raise ValueError
        r, s = int(seq[0]), int(seq[1])
    except (ValueError, TypeError, IndexError, EOFError):
        raise SignatureError("签名不是有效的 DER 编码。") from None
    if not (1 <= r < N and 1 <= s < N):
        raise SignatureError("签名数值超出 SM2 允许范围。")
    return r, s


def verify(message: bytes, signature_der: bytes, public_hex: str) -> bool:
    """True only for a valid signature of exactly `message` by the holder of `public_hex`."""
    if not _on_curve(public_hex):
        raise SignatureError("公钥不是 SM2 曲线上的有效点。")
    try:
        decode_signature(signature_der)
    except SignatureError:
        return False
    # Re-encode: a non-canonical DER (padding, long lengths) is refused rather than accepted.
    r, s = decode_signature(signature_der)
    if DerSequence([DerInteger(r), DerInteger(s)]).encode() != signature_der:
        return False
    crypt = _crypt(public_hex=public_hex)
    return bool(crypt.verify(signature_der.hex(), message_digest(message, public_hex)))


# --- PEM / DER --------------------------------------------------------------------------------------


def _pem(label: str, der: bytes) -> str:
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _unpem(text: str, label: str) -> bytes:
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    if begin not in text or end not in text:
        raise SignatureError(f"不是 {label} 格式的 PEM 文本。")
    body = text.split(begin, 1)[1].split(end, 1)[0]
    try:
        return base64.b64decode("".join(body.split()), validate=True)
    except ValueError:
        raise SignatureError("PEM 内容不是有效的 Base64。") from None


def _algorithm() -> DerSequence:
    return DerSequence([DerObjectId(OID_EC_PUBLIC_KEY), DerObjectId(OID_SM2_CURVE)])


def public_key_der(public_hex: str) -> bytes:
    """SubjectPublicKeyInfo: SEQUENCE { algorithm, BIT STRING 04 || x || y }."""
    return DerSequence([_algorithm(), DerBitString(bytes.fromhex("04" + public_hex))]).encode()


def public_key_pem(public_hex: str) -> str:
    return _pem("PUBLIC KEY", public_key_der(public_hex))


def public_from_pem(text: str) -> str:
    """Read a PEM SubjectPublicKeyInfo of an SM2 key (as `openssl pkey -pubout` writes it)."""
    der = _unpem(text, "PUBLIC KEY")
    try:
        spki = DerSequence()
        spki.decode(der, strict=True)
        alg = DerSequence()
        alg.decode(spki[0], strict=True)
        oids = [DerObjectId().decode(item).value for item in alg]
        point = DerBitString().decode(spki[1]).value
    except (ValueError, TypeError, IndexError, EOFError):
        raise SignatureError("公钥 PEM 结构无法解析。") from None
    if oids != [OID_EC_PUBLIC_KEY, OID_SM2_CURVE]:
        raise SignatureError("不是 SM2 公钥。")
    if len(point) != 65 or point[0] != 4:
        raise SignatureError("仅支持未压缩格式的 SM2 公钥。")
    public_hex = point[1:].hex()
    if not _on_curve(public_hex):
        raise SignatureError("公钥不是 SM2 曲线上的有效点。")
    return public_hex


def private_key_pem(private_hex: str, public_hex: str) -> str:
    """PKCS#8 PrivateKeyInfo wrapping an RFC 5915 ECPrivateKey, readable by OpenSSL."""
    ec_private = DerSequence([
        DerInteger(1),
        DerOctetString(bytes.fromhex(private_hex)),
        DerBitString(bytes.fromhex("04" + public_hex), explicit=1),
    ]).encode()
    info = DerSequence([DerInteger(0), _algorithm(), DerOctetString(ec_private)]).encode()
    return _pem("PRIVATE KEY", info)


# --- private keys at rest -----------------------------------------------------------------------------


def _sm4_cbc(key: bytes, iv: bytes, data: bytes, encrypt: bool) -> bytes:
    from gmssl.sm4 import SM4_DECRYPT, SM4_ENCRYPT, CryptSM4

    cipher = CryptSM4()
    cipher.set_key(key, SM4_ENCRYPT if encrypt else SM4_DECRYPT)
    return cipher.crypt_cbc(iv, data)  # the mode set above decides encrypt or decrypt


def derive_kek(material: bytes) -> tuple[bytes, bytes, str]:
    """(SM4 key, HMAC key, kek id) derived from the key-encryption secret."""
    enc = hmac_sm3(material, b"tongban/licences/kek/sm4")[:16]
    mac = hmac_sm3(material, b"tongban/licences/kek/hmac")
    kek_id = hmac_sm3(material, b"tongban/licences/kek/id").hex()[:16]
    return enc, mac, kek_id


WRAP_VERSION = b"\x01"


def wrap_private(private_hex: str, material: bytes) -> str:
    """Encrypt-then-MAC: SM4-CBC with a random IV, then HMAC-SM3 over version, IV and ciphertext."""
    enc, mac, _ = derive_kek(material)
    iv = secrets.token_bytes(16)
    ciphertext = _sm4_cbc(enc, iv, bytes.fromhex(private_hex), encrypt=True)
    body = WRAP_VERSION + iv + ciphertext
    return base64.b64encode(body + hmac_sm3(mac, body)).decode("ascii")


def unwrap_private(wrapped: str, material: bytes) -> str:
    enc, mac, _ = derive_kek(material)
    raw = base64.b64decode(wrapped)
    body, tag = raw[:-32], raw[-32:]
    if not body.startswith(WRAP_VERSION) or not hmac.compare_digest(hmac_sm3(mac, body), tag):
        raise SignatureError("机构签名私钥无法解密：密钥加密密钥（KEK）不匹配或密文被篡改。")
    plain = _sm4_cbc(enc, body[1:17], body[17:], encrypt=False)
    return plain.hex()
