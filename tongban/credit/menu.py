from django.utils.translation import gettext_lazy as _

from tongban.core.menu import MenuEntry, register

register(MenuEntry(_("信用"), _("信用工作台"), "credit:board", "speedometer2", "credit.manage", 59))
register(MenuEntry(_("信用"), _("信用记录"), "credit:records", "shield-check", "credit.view", 60))
register(MenuEntry(_("信用"), _("修复与异议"), "credit:queue", "arrow-repeat", "credit.decide", 61))
register(MenuEntry(_("信用"), _("信用评价"), "credit:evaluations", "award", "credit.view", 62))
register(MenuEntry(_("信用"), _("红黑名单"), "credit:lists", "list-check", "credit.view", 63))
register(MenuEntry(_("信用"), _("承诺与政务诚信"), "credit:commitments", "hand-thumbs-up", "credit.view", 64))
register(MenuEntry(_("信用"), _("数据导入"), "credit:import", "upload", "credit.manage", 65))
