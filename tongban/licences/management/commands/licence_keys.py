"""Manage organisation signing keys: list them, rotate one, or re-encrypt all under a new KEK.

    tongban licence_keys list
    tongban licence_keys rotate ZZ
    TONGBAN_LICENCE_KEK=<new> tongban licence_keys rewrap --old-kek-env OLD_KEK
"""

import os

from django.core.management.base import BaseCommand, CommandError

from tongban.accounts.models import Organisation
from tongban.licences import crypto, signing
from tongban.licences.models import SigningKey


class Command(BaseCommand):
    help = "电子证照签名密钥：列出、轮换、更换密钥加密密钥（KEK）后重新加密"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "rotate", "rewrap"])
        parser.add_argument("organisation", nargs="?", help="机构代码（rotate 时必填）")
        parser.add_argument("--old-kek-env", help="存放旧 KEK 的环境变量名（rewrap 时必填）")

    def handle(self, action, organisation=None, old_kek_env=None, **options):
        if action == "list":
            current = signing.current_kek_id()
            for key in SigningKey.objects.select_related("organisation").order_by("organisation__code", "-created_at"):
                flag = "" if key.kek_id == current else "  (needs rewrap)"
                self.stdout.write(f"{key.organisation.code:12} {key.key_id} {key.status}{flag}")
        elif action == "rotate":
            org = Organisation.objects.filter(code=organisation or "").first()
            if org is None:
                raise CommandError("请给出存在的机构代码。")
            key = signing.key_generate(organisation=org, rotate=True)
            self.stdout.write(f"{org.code}: new key {key.key_id}")
        else:
            if not old_kek_env or not os.environ.get(old_kek_env):
                raise CommandError("请用 --old-kek-env 指定存放旧 KEK 的环境变量。")
            try:
                count = signing.keys_rewrap(os.environ[old_kek_env].encode("utf-8"))
            except crypto.SignatureError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"re-encrypted {count} keys")
