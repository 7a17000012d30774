"""SM2/SM3 signatures: OpenSSL interoperability both ways, tampering and wrong keys detected,
nonces from the CSPRNG, private keys encrypted at rest."""

import shutil
import subprocess

import pytest

from tongban.licences import crypto

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
DISTID = "distid:1234567812345678"


def _openssl(*args, tmp_path):
    return subprocess.run(["openssl", *args], cwd=tmp_path, capture_output=True, text=True, timeout=30)


@needs_openssl
def test_a_signature_made_by_tongban_verifies_with_openssl(tmp_path):
    pair = crypto.generate_keypair()
    message = "人防工程建设审批意见书 LIC-RFJSSP-ZZ-2026-00001".encode()
    (tmp_path / "pub.pem").write_text(crypto.public_key_pem(pair.public_hex))
    (tmp_path / "payload.json").write_bytes(message)
    (tmp_path / "sig.der").write_bytes(crypto.sign(message, pair.private_hex, pair.public_hex))
    ok = _openssl("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3",
                  "-in", "payload.json", "-sigfile", "sig.der", "-pkeyopt", DISTID, tmp_path=tmp_path)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout, ok.stderr
    (tmp_path / "payload.json").write_bytes(message + b" ")
    bad = _openssl("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3",
                   "-in", "payload.json", "-sigfile", "sig.der", "-pkeyopt", DISTID, tmp_path=tmp_path)
    assert bad.returncode != 0


@needs_openssl
def test_a_signature_made_by_openssl_verifies_in_tongban(tmp_path):
    # OpenSSL generates the key and signs; Tongban reads OpenSSL's public key PEM and verifies.
    assert _openssl("genpkey", "-algorithm", "SM2", "-out", "key.pem", tmp_path=tmp_path).returncode == 0
    assert _openssl("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem", tmp_path=tmp_path).returncode == 0
    message = '{"number":"LIC-1","holder":"郑州城建置业有限公司"}'.encode()
    (tmp_path / "payload.json").write_bytes(message)
    signed = _openssl("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-digest", "sm3", "-in", "payload.json",
                      "-out", "sig.der", "-pkeyopt", DISTID, tmp_path=tmp_path)
    assert signed.returncode == 0, signed.stderr
    public_hex = crypto.public_from_pem((tmp_path / "pub.pem").read_text())
    signature = (tmp_path / "sig.der").read_bytes()
    assert crypto.verify(message, signature, public_hex)
    assert not crypto.verify(message.replace(b"LIC-1", b"LIC-2"), signature, public_hex)


@needs_openssl
def test_openssl_signs_with_a_key_exported_from_tongban(tmp_path):
    pair = crypto.generate_keypair()
    (tmp_path / "key.pem").write_text(crypto.private_key_pem(pair.private_hex, pair.public_hex))
    (tmp_path / "m").write_bytes(b"payload")
    signed = _openssl("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-digest", "sm3", "-in", "m",
                      "-out", "s.der", "-pkeyopt", DISTID, tmp_path=tmp_path)
    assert signed.returncode == 0, signed.stderr
    assert crypto.verify(b"payload", (tmp_path / "s.der").read_bytes(), pair.public_hex)


def test_changed_message_changed_signature_byte_and_wrong_key_are_each_refused():
    pair, other = crypto.generate_keypair(), crypto.generate_keypair()
    message = '{"fields":[{"key":"project_name","value":"龙湖里"}]}'.encode()
    signature = crypto.sign(message, pair.private_hex, pair.public_hex)
    assert crypto.verify(message, signature, pair.public_hex)
    assert not crypto.verify(message.replace("龙湖里".encode(), "龙湖外".encode()), signature, pair.public_hex)
    flipped = bytearray(signature)
    flipped[-1] ^= 0x01
    assert not crypto.verify(message, bytes(flipped), pair.public_hex)
    assert not crypto.verify(message, signature, other.public_hex)
    assert not crypto.verify(message, b"\x30\x00", pair.public_hex)


def test_each_signature_uses_a_fresh_nonce():
    pair = crypto.generate_keypair()
    signatures = {crypto.sign(b"same", pair.private_hex, pair.public_hex) for _ in range(5)}
    assert len(signatures) == 5
    r_values = {crypto.decode_signature(s)[0] for s in signatures}
    assert len(r_values) == 5  # a repeated r would reveal the private key


def test_public_keys_starting_with_04_survive_gmssl(monkeypatch):
    # gmssl lstrip("04") would eat the leading digits of such an x coordinate.
    for _ in range(2000):
        pair = crypto.generate_keypair()
        if pair.public_hex.startswith(("04", "0", "4")):
            break
    signature = crypto.sign(b"m", pair.private_hex, pair.public_hex)
    assert crypto.verify(b"m", signature, pair.public_hex)


def test_a_point_off_the_curve_is_refused():
    pair = crypto.generate_keypair()
    bad = pair.public_hex[:-1] + ("0" if pair.public_hex[-1] != "0" else "1")
    with pytest.raises(crypto.SignatureError):
        crypto.verify(b"m", crypto.sign(b"m", pair.private_hex, pair.public_hex), bad)


def test_private_keys_are_encrypted_and_authenticated_at_rest():
    pair = crypto.generate_keypair()
    wrapped = crypto.wrap_private(pair.private_hex, b"kek-one")
    assert pair.private_hex not in wrapped
    assert crypto.unwrap_private(wrapped, b"kek-one") == pair.private_hex
    with pytest.raises(crypto.SignatureError, match="KEK"):
        crypto.unwrap_private(wrapped, b"kek-two")
    import base64

    raw = bytearray(base64.b64decode(wrapped))
    raw[20] ^= 0xFF
    with pytest.raises(crypto.SignatureError):
        crypto.unwrap_private(base64.b64encode(bytes(raw)).decode(), b"kek-one")


def test_sm3_matches_the_standard_test_vector():
    # GB/T 32905-2016 Appendix A.1
    assert crypto.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
