"""What the staff pages share: form errors from a service, messages, the actor's permissions."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from tongban.core.errors import Conflict

from ..models import ServiceItem


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _item_name(item: ServiceItem) -> str:
    if item.current_version_id:
        return item.current_version.name
    draft = item.versions.order_by("-number").first()
    return draft.name if draft else item.implementation_code


def _perms(user) -> set[str]:
    from tongban.core.permissions import permissions_of

    return permissions_of(user)


def _message(exc) -> str:
    if isinstance(exc, Conflict):
        return exc.message
    return " ".join(exc.messages)
