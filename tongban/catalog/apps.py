from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "tongban.catalog"
    label = "catalog"
    verbose_name = _("事项目录")

    def ready(self) -> None:
        from tongban.core.menu import MenuEntry, register

        from . import permissions

        section = _("事项目录")
        register(
            MenuEntry(
                section, _("政务服务事项"), "catalog:items", "journal-text", permissions.VIEW, 300
            )
        )
        register(
            MenuEntry(section, _("一件事"), "catalog:bundles", "collection", permissions.VIEW, 310)
        )
        register(
            MenuEntry(
                section, _("同要素比对"), "catalog:consistency", "intersect", permissions.VIEW, 320
            )
        )
        register(
            MenuEntry(
                section,
                _("导入导出"),
                "catalog:import",
                "file-earmark-spreadsheet",
                permissions.MANAGE,
                330,
            )
        )

        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        portal_link(PortalLink(_("办事指南"), "guides:index", "journal-text", 10))
