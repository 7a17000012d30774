"""The applicant's home and case page: their e-licences, registered with core.applicant_home
from LicencesConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import (
    SHORT_LIST,
    HomeItem,
    HomeSection,
    register,
    register_case_links,
)

from .models import Status
from .selectors import my_licences


def _item(lic) -> HomeItem:
    if lic.status == Status.REVOKED:
        hint = _("已注销")
    elif lic.valid_until:
        hint = _("有效期至 %(d)s") % {"d": lic.valid_until.isoformat()}
    else:
        hint = _("长期有效")
    return HomeItem(f"{lic.licence_type.name}（{lic.number}）", reverse("licences:my_detail", args=[lic.pk]),
                    hint=hint, tone="" if lic.status == Status.REVOKED else "good")


@register("licences")
def licences(user) -> HomeSection:
    rows = list(my_licences(user)[:SHORT_LIST])
    return HomeSection(_("我的电子证照"), [_item(x) for x in rows], icon="wallet2", order=30,
                       more_url=reverse("licences:mine"), empty=_("您还没有电子证照。"))


@register_case_links("licences")
def licences_of_case(case, user) -> list[HomeItem]:
    """The e-licence issued for this case, on the applicant's case page."""
    return [_item(x) for x in my_licences(user).filter(case=case)]
