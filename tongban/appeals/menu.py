from django.utils.translation import gettext_lazy as _

from tongban.core.menu import MenuEntry, register

register(MenuEntry(_("工作"), _("诉求办理"), "appeals:list", "chat-square-text", "appeals.view", 20))
register(MenuEntry(_("工作"), _("诉求登记"), "appeals:register", "telephone-plus", "appeals.register", 22))
register(MenuEntry(_("工作"), _("知识库"), "appeals:kb_list", "book", "appeals.kb_view", 24))
register(MenuEntry(_("监察"), _("诉求督办"), "appeals:supervision", "megaphone", "appeals.supervise", 52))
register(MenuEntry(_("配置"), _("分办规则与时限"), "appeals:rules", "signpost-split", "appeals.configure", 80))
