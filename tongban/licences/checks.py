"""System checks of the licences module, shown by `tongban check` and after `tongban restore`."""

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
