from django.utils.translation import gettext_lazy as _

from tongban.core.menu import MenuEntry, register

register(MenuEntry(_("双随机一公开"), _("我的检查任务"), "inspections:mine", "clipboard-check", "inspections.record", 60))
register(MenuEntry(_("双随机一公开"), _("抽查计划与任务"), "inspections:plans", "calendar3", "inspections.view", 61))
register(MenuEntry(_("双随机一公开"), _("事项清单与名录库"), "inspections:directory", "list-check", "inspections.manage", 62))
register(MenuEntry(_("双随机一公开"), _("检查审批"), "inspections:approvals", "check2-square", "inspections.approve", 63))
register(MenuEntry(_("双随机一公开"), _("抽查监督"), "inspections:supervision", "shield-exclamation", "inspections.supervise", 64))
