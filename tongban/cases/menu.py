from django.utils.translation import gettext_lazy as _

from tongban.core.menu import MenuEntry, register

register(MenuEntry(_("工作"), _("办件管理"), "cases:list", "folder2-open", "cases.view", 10))
register(MenuEntry(_("工作"), _("窗口代录"), "cases:register", "person-plus", "cases.register", 15))
register(MenuEntry(_("监察"), _("电子监察"), "cases:supervision", "shield-exclamation", "cases.supervise", 50))
