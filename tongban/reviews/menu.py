from django.utils.translation import gettext_lazy as _

from tongban.core.menu import MenuEntry, register

register(MenuEntry(_("工作"), _("好差评与整改"), "reviews:list", "star-half", "reviews.view", 26))
register(MenuEntry(_("工作"), _("窗口评价器"), "reviews:windows", "display", "reviews.window", 27))
register(MenuEntry(_("监察"), _("好差评统计"), "reviews:metrics", "bar-chart", "reviews.view", 54))
register(MenuEntry(_("配置"), _("好差评整改时限"), "reviews:limits", "hourglass-split", "reviews.configure", 81))
