from django.utils.translation import gettext_lazy as _

from tongban.core.menu import MenuEntry, register

register(MenuEntry(_("执法"), _("行政执法案件"), "enforcement:list", "shield-check", "enforcement.view", 20))
register(MenuEntry(_("执法"), _("法制审核"), "enforcement:queue_review", "clipboard-check", "enforcement.legal_review", 21))
register(MenuEntry(_("执法"), _("负责人审批"), "enforcement:queue_head", "pen", "enforcement.approve", 22))
register(MenuEntry(_("执法"), _("内部复核"), "enforcement:queue_rereview", "arrow-repeat", "enforcement.rereview", 23))
register(MenuEntry(_("执法"), _("裁量基准"), "enforcement:baselines", "sliders", "enforcement.baseline_manage", 24))
