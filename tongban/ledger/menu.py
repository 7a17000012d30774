from django.utils.translation import gettext_lazy as _

from tongban.core.menu import MenuEntry, register

register(MenuEntry(_("工作"), _("整治台账"), "ledger:index", "list-check", "ledger.view", 28))
register(MenuEntry(_("工作"), _("本单位整改任务"), "ledger:tasks", "clipboard-check", "ledger.rectify", 29))
register(MenuEntry(_("工作"), _("销号签批"), "ledger:signoff", "pen", "ledger.signoff", 30))
register(MenuEntry(_("工作"), _("网上问卷"), "ledger:surveys", "ui-checks", "ledger.consult", 31))
register(MenuEntry(_("监察"), _("绩效考评"), "ledger:assessment", "clipboard-data", "ledger.assess_view", 56))
