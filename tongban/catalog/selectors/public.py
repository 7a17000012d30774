"""The public catalog: published items and their search, topics, agencies, guides and
material files. No actor: all of it is public on purpose."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Organisation

from ..models import ItemKind, ItemVersion, Material, ServiceItem
from ._common import _full_version_qs

_STOP_WORDS = {
    "办理",
    "如何",
    "怎么",
    "怎样",
    "我要",
    "我想",
    "在哪",
    "哪里",
    "需要",
    "什么",
    "的",
    "了",
}
_TOKEN = re.compile(r"[\w\u4e00-\u9fff]+")


def search_terms(q: str) -> list[str]:
    """Split a query into words (jieba for Chinese), dropping filler words."""
    q = q.strip()[:100]
    if not q:
        return []
    import jieba

    terms: list[str] = []
    for chunk in _TOKEN.findall(q):
        words = [w for w in jieba.lcut(chunk) if w.strip()]
        for word in words:
            if word in _STOP_WORDS or (len(word) < 2 and not word.isascii()):
                continue
            if word not in terms:
                terms.append(word)
    return terms or [q]


def published_items(
    *,
    q: str = "",
    organisation: Organisation | int | None = None,
    level: str = "",
    topic: str = "",
    kind: str = "",
) -> QuerySet[ServiceItem]:
    """Items the public may see: active, with a published version. `organisation` includes
    its departments and units (an agency's items are often implemented by its 审批办)."""
    qs = (
        ServiceItem.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version", "organisation__parent")
        .order_by("organisation__path", "base_code")
    )
    if organisation:
        org = (
            organisation
            if isinstance(organisation, Organisation)
            else Organisation.objects.filter(pk=organisation).first()
        )
        qs = qs.filter(organisation__path__startswith=org.path) if org else qs.none()
    if level:
        qs = qs.filter(organisation__level=level)
    if topic:
        qs = qs.filter(current_version__topic=topic)
    if kind:
        qs = qs.filter(current_version__kind=kind)
    for term in search_terms(q):
        qs = qs.filter(
            Q(current_version__name__icontains=term)
            | Q(current_version__topic__icontains=term)
            | Q(current_version__conditions__icontains=term)
            | Q(current_version__materials__name__icontains=term)
            | Q(base_code__iexact=term)
            | Q(implementation_code__iexact=term)
        )
    if q:
        qs = qs.distinct()
    return qs


def topics() -> list[str]:
    return sorted(
        set(
            ItemVersion.objects.filter(
                status=ItemVersion.Status.PUBLISHED, item__is_active=True
            ).values_list("topic", flat=True)
        )
        - {""}
    )


def catalog_organisations() -> QuerySet[Organisation]:
    """Agencies that implement at least one published item (theirs or their departments')."""
    paths = set(
        ServiceItem.objects.filter(is_active=True, current_version__isnull=False).values_list(
            "organisation__path", flat=True
        )
    )
    agencies = Organisation.objects.filter(kind=Organisation.Kind.AGENCY, is_active=True)
    ids = [a.pk for a in agencies if any(p.startswith(a.path) for p in paths)]
    return Organisation.objects.filter(pk__in=ids).order_by("path")


def guide_version(implementation_code: str, number: int | None = None, *, full: bool = True) -> ItemVersion:
    """The public guide: the current version, or an earlier published one (a case filed under
    it keeps it). Drafts are never public. `full=False` leaves out the materials, stages and fees
    (the guide page reads them only when its cached body is missing)."""
    item = ServiceItem.objects.filter(implementation_code=implementation_code).first()
    if item is None:
        raise Http404("事项不存在。")
    qs = (_full_version_qs() if full else ItemVersion.objects.select_related(
        "item__organisation__parent", "published_by")).filter(item=item)
    if number is None:
        if not item.is_active or item.current_version_id is None:
            raise Http404("该事项未公开或已停止实施。")
        return qs.get(pk=item.current_version_id)
    version = qs.filter(
        number=number,
        status__in=[ItemVersion.Status.PUBLISHED, ItemVersion.Status.SUPERSEDED],
    ).first()
    if version is None:
        raise Http404("该版本不存在或尚未发布。")
    return version


def public_material(pk: int) -> Material:
    material = (
        Material.objects.filter(
            pk=pk,
            version__status__in=[ItemVersion.Status.PUBLISHED, ItemVersion.Status.SUPERSEDED],
        )
        .select_related("version__item")
        .first()
    )
    if material is None:
        raise Http404("材料不存在。")
    return material


KIND_LABELS = dict(ItemKind.choices)
