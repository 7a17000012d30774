from django.utils.translation import gettext_lazy as _

from tongban.core.menu import MenuEntry, register

from .permissions import VIEW, VISIT

SECTION = _("人防工程")
register(MenuEntry(SECTION, _("工程报监"), "works:registrations", "bricks", VIEW, 300))
register(MenuEntry(SECTION, _("待监督检查"), "works:visits_due", "clipboard-check", VISIT, 310))
register(MenuEntry(SECTION, _("整改通知"), "works:rectifications", "exclamation-triangle", VIEW, 320))
