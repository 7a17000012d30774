"""System checks of the licences module, shown by `tongban check` (`--deploy` for the public
address) and, for the signing keys, after `tongban restore`."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from tongban.core.backup import RESTORE_CHECK_TAG

KEK_SETTING = "TONGBAN_LICENCE_KEK"


@checks.register(checks.Tags.security, RESTORE_CHECK_TAG)
def signing_keys_decrypt(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every active SM2 signing key must decrypt under the current key-encryption key (KEK);
    a backup restored on a machine without the original KEK otherwise leaves the agencies unable
    to sign licences until someone notices."""
    from . import signing

    try:
        unusable = signing.undecryptable_active_keys()
    except DatabaseError:  # no database yet (before `migrate`, or an empty file): nothing to check
        return []
    if not unusable:
        return []
    agencies = "、".join(
        f"{key.organisation.name}（{key.organisation.code}，密钥 {key.key_id}）" for key in unusable
    )
    return [
        checks.Warning(
            f"电子证照签名私钥（SM2 signing keys）无法用当前的密钥加密密钥（KEK, key-encryption key）解密，"
            f"以下机构的密钥不可用：{agencies}。在提供原来的 KEK 之前，这些机构不能签发电子证照"
            "（licences cannot be signed）。",
            hint=(
                f"把原服务器的 KEK 设为环境变量 {KEK_SETTING}（或 settings 中的同名设置），然后重启网站和后台进程；"
                f"原服务器未设置 {KEK_SETTING} 时，KEK 由它的 SECRET_KEY 派生，须改用原来的 SECRET_KEY。"
                f"密钥能解密后，如要换用新的 KEK：OLD_KEK=<原 KEK> {KEK_SETTING}=<新 KEK> "
                "tongban licence_keys rewrap --old-kek-env OLD_KEK。"
                "只有确认原 KEK 已丢失时，才用 tongban licence_keys rotate <机构代码> 为机构换发新密钥"
                "（已签发的证照仍可用原公钥核验）。"
            ),
            id="licences.W001",
        )
    ]


def _loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in {"localhost", "localhost.localdomain"} or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@checks.register(checks.Tags.security, deploy=True)
def public_address_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """In production the public address must be set: it is printed in every licence's QR code
    (verify_url) and export (public_key_url), which outlive any later correction."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    url = getattr(settings, "SITE_URL", "") or ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in an IPv6 address
        host = None
    if host and parts.scheme in {"http", "https"} and not _loopback(host):
        return []
    return [
        checks.Error(
            f"网站对外地址 TONGBAN_SITE_URL 未设置或指向本机（当前为“{url or '空'}”）。"
            "它会写入每一张电子证照的二维码核验地址（verify_url）和公钥地址（public_key_url），"
            "证照签发后无法再改。",
            hint="请把环境变量 TONGBAN_SITE_URL 设为公众访问本系统的地址，例如 https://zwfw.example.gov.cn，然后重启。",
            id="licences.E001",
        )
    ]
