"""Pages: staff search, licence page and revocation, licence types; the holder's licences and
their public fields; downloads; the public verification page (QR target), verification of an
uploaded file, published public keys; and the licence-reuse partial of the application form."""

from __future__ import annotations

import json
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from tongban.catalog.documents import FontUnavailable
from tongban.catalog.models import ItemVersion
from tongban.core import timeutil
from tongban.core.attachments import MAX_BYTES
from tongban.core.errors import Conflict
from tongban.core.errors import errors_text as _errors
from tongban.core.masking import mask_citizen_id, mask_name
from tongban.core.pagination import CappedPaginator
from tongban.core.permissions import has_perm, require_applicant, requires

from . import documents, reuse, selectors, services, signing
from .crypto import public_key_pem
from .forms import LicenceTypeForm
from .models import Licence, LicenceType, SigningKey, Status
from .permissions import ISSUE, MANAGE_TYPES, REVOKE, VIEW, get_licence_for


def _field_rows(licence: Licence, only_public: bool = False) -> list[dict]:
    rows = licence.payload.get("fields", [])
    if only_public:
        rows = [r for r in rows if r["key"] in licence.public_fields]
    return rows


# --- staff ------------------------------------------------------------------------------------


@requires(VIEW)
def licence_list(request):
    q, type_code, status = request.GET.get("q", ""), request.GET.get("type", ""), request.GET.get("status", "")
    qs = selectors.licence_search(request.user, q=q, type_code=type_code, status=status)
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    from tongban.cases.permissions import cases_for

    return render(request, "licences/list.html", {
        "page": page, "q": q, "type_code": type_code, "status": status, "statuses": Status.choices,
        "types": LicenceType.objects.order_by("code"), "counts": selectors.counts(request.user),
        "reuse": reuse.reuse_share(cases_for(request.user)), "today": timeutil.today(),
    })


@requires(VIEW)
def licence_detail(request, pk: int):
    licence = get_licence_for(request.user, pk)
    return render(request, "licences/detail.html", {
        "licence": licence, "verification": signing.verify_licence(licence), "fields": _field_rows(licence),
        "events": licence.events.select_related("actor"), "can_revoke": has_perm(request.user, REVOKE),
        "uses": licence.uses.select_related("case", "material")[:50],
    })


@require_POST
@requires(REVOKE)
def licence_revoke(request, pk: int):
    try:
        services.licence_revoke(actor=request.user, licence_id=pk, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, _("未注销：") + _errors(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("证照已注销，持证人已收到通知。"))
    return redirect("licences:detail", pk)


@requires(VIEW)
def type_list(request):
    return render(request, "licences/types.html", {
        "types": selectors.types_in_use(), "can_manage": has_perm(request.user, MANAGE_TYPES),
        "can_issue": has_perm(request.user, ISSUE),
        "keys": SigningKey.objects.select_related("organisation").filter(status=SigningKey.Status.ACTIVE),
    })


@requires(MANAGE_TYPES)
def type_edit(request, pk: int | None = None):
    instance = get_object_or_404(LicenceType, pk=pk) if pk else None
    if request.method == "POST":
        form = LicenceTypeForm(request.POST, actor=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["fields"] = data.pop("fields_text")
            codes = data.pop("base_codes").replace("，", ",").split(",")
            try:
                services.licence_type_save(actor=request.user, data=data, instance=instance, base_codes=codes)
            except ValidationError as exc:
                for name, msgs in (exc.message_dict.items() if hasattr(exc, "message_dict") else [("__all__", exc.messages)]):
                    for msg in msgs:
                        form.add_error(name if name in form.fields else None, msg)
            else:
                messages.success(request, _("证照类型已保存。"))
                return redirect("licences:types")
    else:
        form = LicenceTypeForm(initial=LicenceTypeForm.initial_for(instance) if instance else {}, actor=request.user)
    return render(request, "licences/type_form.html", {"form": form, "instance": instance},
                  status=400 if form.errors else 200)


# --- holder -----------------------------------------------------------------------------------


def my_licences(request):
    require_applicant(request)
    rows = [(lic, signing.live_status(lic)) for lic in selectors.my_licences(request.user)[:200]]
    return render(request, "licences/mine.html", {"rows": rows})


def my_licence(request, pk: int):
    require_applicant(request)
    licence = get_licence_for(request.user, pk)
    if request.method == "POST":
        try:
            services.licence_set_public_fields(actor=request.user, licence_id=pk, keys=request.POST.getlist("public"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已保存：核验页面只显示您选择公开的字段。"))
        return redirect("licences:my_detail", pk)
    return render(request, "licences/my_detail.html", {
        "licence": licence, "verification": signing.verify_licence(licence), "fields": _field_rows(licence),
        "verify_url": signing.verify_url(licence),
    })


def licence_download(request, pk: int, fmt: str):
    licence = get_licence_for(request.user, pk)
    if fmt == "pdf":
        try:
            body, ctype = documents.render_pdf(licence), "application/pdf"
        except FontUnavailable as exc:
            return HttpResponse(exc.message, status=503, content_type="text/plain; charset=utf-8")
    elif fmt == "json":
        body = json.dumps(signing.export(licence), ensure_ascii=False, indent=2).encode("utf-8")
        ctype = "application/json"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(documents.filename(licence, fmt))}"
    return response


# --- public -----------------------------------------------------------------------------------


def _public_context(verification: signing.Verification) -> dict:
    lic = verification.licence
    holder = ""
    if lic is not None:
        # An enterprise's name is public; a person's is masked like everywhere else.
        holder = lic.holder_name if lic.holder_enterprise_id else mask_name(lic.holder_name)
    return {
        "v": verification, "licence": lic, "holder": holder,
        "holder_code": (lic.holder_code if lic.holder_enterprise_id else mask_citizen_id(lic.holder_code)) if lic else "",
        "fields": _field_rows(lic, only_public=True) if lic else [],
    }


@login_not_required
@cache_control(no_cache=True, max_age=0)
def licence_check(request, code: str):
    """The QR target: valid / expired / revoked / forged, and only the holder's public fields."""
    licence = (Licence.objects.select_related("licence_type", "issuer", "key")
               .filter(verify_code=code).first())
    if licence is None:
        verification = signing.Verification(signing.FORGED, _("未找到该证照：二维码可能是伪造的。"))
    else:
        verification = signing.verify_licence(licence)
    return render(request, "licences/check.html", _public_context(verification),
                  status=404 if licence is None else 200)


@login_not_required
def licence_verify_upload(request):
    """Anyone may upload a licence file (our PDF or the JSON export) to have it verified."""
    ctx: dict = {}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            ctx["error"], status = _("请选择要核验的证照文件（PDF 或 JSON）。"), 400
        elif upload.size > MAX_BYTES:
            ctx["error"], status = _("文件过大。"), 400
        else:
            document = signing.read_export_file(upload.read())
            if document is None:
                ctx["error"], status = _("无法识别：请上传通办签发的证照 PDF 或 JSON 文件。"), 400
            else:
                ctx.update(_public_context(signing.verify_export(document)))
    return render(request, "licences/verify.html", ctx, status=status)


def _pem_response(key: SigningKey) -> HttpResponse:
    response = HttpResponse(public_key_pem(key.public_key), content_type="application/x-pem-file")
    response["Content-Disposition"] = f'inline; filename="{key.organisation.code}-{key.key_id}.pem"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_not_required
def key_pem(request, key_id: str):
    """The stable URL of one public key (it never changes; retired keys stay published)."""
    return _pem_response(get_object_or_404(SigningKey.objects.select_related("organisation"), key_id=key_id))


@login_not_required
def organisation_key_pem(request, org_code: str):
    """The organisation's current public key."""
    key = get_object_or_404(SigningKey.objects.select_related("organisation"),
                            organisation__code=org_code, status=SigningKey.Status.ACTIVE)
    return _pem_response(key)


# --- licence reuse in the application form -------------------------------------------------------


@require_POST
def reuse_check(request, version_id: int):
    """htmx: the applicant ticked (or unticked) the authorisation; show what licences provide."""
    require_applicant(request)
    version = get_object_or_404(ItemVersion, pk=version_id, status=ItemVersion.Status.PUBLISHED)
    authorised = request.POST.get("licence_reuse") == "1"
    result = reuse.reuse_lookup(actor=request.user, version=version, authorised=authorised)
    materials = reuse.reusable_materials(version)
    return render(request, "licences/_reuse_result.html", {"result": result, "materials": materials})
