"""Staff pages of bundles (一件事): the list and the editor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongban.accounts.permissions import organisations_in_scope
from tongban.core.permissions import requires

from .. import selectors, services
from ..forms import BundleForm
from ..models import ServiceItem
from ..permissions import MANAGE, VIEW, get_bundle_for
from ._common import _apply_errors, _perms


def _bundle_choices():
    return (
        ServiceItem.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version", "organisation__parent")
        .order_by("organisation__path", "base_code")
    )


@requires(VIEW)
def bundle_list(request):
    return render(
        request,
        "catalog/bundles.html",
        {
            "bundles": selectors.bundles_for(request.user),
            "can_manage": MANAGE in _perms(request.user) or request.user.is_superuser,
        },
    )


@requires(MANAGE)
def bundle_edit(request, pk: int | None = None):
    bundle = get_bundle_for(request.user, pk, for_write=True) if pk else None
    orgs = organisations_in_scope(request.user).order_by("path")
    initial = {"items": list(bundle.entries.values_list("item_id", flat=True))} if bundle else None
    form = BundleForm(
        request.POST or None,
        instance=bundle,
        organisations=orgs,
        items=_bundle_choices(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # keep the editor's order: items ticked keep the catalog order
        chosen = [i for i in _bundle_choices() if i in set(data["items"])]
        try:
            if bundle is None:
                services.bundle_create(
                    actor=request.user,
                    organisation=data["organisation"],
                    code=data["code"],
                    name=data["name"],
                    description=data["description"],
                    promised_limit_days=data["promised_limit_days"],
                    is_published=data["is_published"],
                    items=chosen,
                )
            else:
                services.bundle_update(
                    actor=request.user,
                    bundle=bundle,
                    name=data["name"],
                    description=data["description"],
                    promised_limit_days=data["promised_limit_days"],
                    is_published=data["is_published"],
                    items=chosen,
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("一件事已保存。"))
            return redirect("catalog:bundles")
    return render(request, "catalog/bundle_form.html", {"form": form, "bundle": bundle})
