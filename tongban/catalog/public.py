"""Public pages (no login, on purpose): the catalog of published items, each item's guide,
its Word and PDF downloads, material templates, and bundles (一件事)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from tongban.accounts.models import Organisation

from . import documents, selectors
from .downloads import bytes_response, file_response
from .models import ItemKind


def _version_param(request) -> int | None:
    raw = request.GET.get("v", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 6:
        raise Http404("版本号无效。")
    return int(raw)


@login_not_required
@require_GET
def index(request):
    q = request.GET.get("q", "").strip()[:100]
    level = request.GET.get("level", "")
    topic = request.GET.get("topic", "")
    kind = request.GET.get("kind", "")
    org = request.GET.get("org", "")
    level = level if level in Organisation.Level.values else ""
    kind = kind if kind in ItemKind.values else ""
    qs = selectors.published_items(
        q=q,
        level=level,
        topic=topic[:40],
        kind=kind,
        organisation=int(org) if org.isdigit() else None,
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    filters = {"q": q, "level": level, "topic": topic, "kind": kind, "org": org}
    return render(
        request,
        "catalog/public/index.html",
        {
            "page": page,
            **filters,
            "query": "&".join(f"{k}={v}" for k, v in filters.items() if v),
            "topics": selectors.topics(),
            "levels": Organisation.Level.choices,
            "kinds": ItemKind.choices,
            "organisations": selectors.catalog_organisations(),
            "bundles": selectors.published_bundles() if not any(filters.values()) else [],
        },
    )


def _apply_url(code: str) -> str | None:
    """The online application form, once the cases module provides one."""
    try:
        return reverse("cases:apply", args=[code])
    except NoReverseMatch:
        return None


def _guide_etag(request, version, history, bundles, omittable_key: str) -> str | None:
    """A published version never changes; what else the page shows (the versions list, the
    bundles, which materials can be omitted, the language) is in the tag. Only for visitors
    without an account session or pending messages: a signed-in page carries their own header."""
    import hashlib

    from django.utils.translation import get_language

    if request.user.is_authenticated or "messages" in request.COOKIES:
        return None
    item = version.item
    parts = [version.pk, version.status, item.current_version_id, item.is_active, item.organisation_id,
             item.organisation.label, get_language(), omittable_key,
             [(h.pk, h.status) for h in history], [(b.pk, b.name) for b in bundles]]
    return '"g' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


@login_not_required
@require_GET
def guide(request, code: str):
    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key
    from django.utils.cache import get_conditional_response
    from django.utils.translation import get_language

    number = _version_param(request)
    from django.db.models import prefetch_related_objects

    version = selectors.guide_version(code, number, full=False)
    item = version.item
    prefetch_related_objects([version], "materials")  # which can be omitted is part of every key
    omittable = selectors.omittable_ids(version)
    omittable_key = ",".join(str(pk) for pk in sorted(omittable))
    history = list(item.versions.filter(status__in=["published", "superseded"]).order_by("-number"))
    bundles = list(item.bundles.filter(is_published=True))
    etag = _guide_etag(request, version, history, bundles, omittable_key)
    if etag:
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
    # The body of a published version is cached per language (the template's {% cache %}); its
    # materials, stages and fees are read only when that cache is cold.
    body_key = make_template_fragment_key("guide_body", [version.pk, get_language(), omittable_key])
    if version.status == "draft" or cache.get(body_key) is None:
        prefetch_related_objects([version], "stages", "fees")
    response = render(
        request,
        "catalog/public/guide.html",
        {
            "version": version,
            "item": item,
            "is_current": item.current_version_id == version.pk,
            "history": history,
            "apply_url": _apply_url(code) if version.applies_online else None,
            "bundles": bundles,
            "omittable": omittable,
            "omittable_key": omittable_key,
        },
    )
    if etag:
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"  # revalidate each time: a cheap 304 when unchanged
    return response


@login_not_required
@require_GET
def guide_docx(request, code: str):
    version = selectors.guide_version(code, _version_param(request))
    return bytes_response(
        documents.render_docx(version),
        documents.filename(version, "docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_not_required
@require_GET
def guide_pdf(request, code: str):
    version = selectors.guide_version(code, _version_param(request))
    try:
        body = documents.render_pdf(version)
    except documents.FontUnavailable as exc:
        return render(
            request,
            "catalog/public/unavailable.html",
            {"message": exc.message, "version": version},
            status=503,
        )
    return bytes_response(body, documents.filename(version, "pdf"), "application/pdf")


@login_not_required
@require_GET
def material_file(request, pk: int, kind: str):
    if kind not in ("template", "sample"):
        raise Http404("文件不存在。")
    material = selectors.public_material(pk)
    return file_response(
        getattr(material, kind), f"{material.name}-{'范本' if kind == 'template' else '示例'}"
    )


@login_not_required
@require_GET
def result_sample(request, code: str, number: int):
    version = selectors.guide_version(code, number)
    return file_response(version.result_sample, f"{version.result_name or version.name}-样本")


@login_not_required
@require_GET
def bundle(request, pk: int):
    guide = selectors.bundle_guide(pk)
    return render(request, "catalog/public/bundle.html", {"guide": guide, "bundle": guide.bundle})
