"""Notifications: an in-app row written in the caller's transaction, and outbound copies
(SMS, e-mail) sent by a background task after commit, through swappable gateways."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger("tongban.notifications")


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsGateway:
    """Default gateway: logs, sends nothing. A real one must be configured on purpose."""

    sent: list[tuple[str, str]] = []  # kept for inspection in development

    def send(self, phone: str, text: str) -> None:
        from .masking import mask_phone

        logger.info("SMS (not sent, logging gateway) to %s: %s", mask_phone(phone), text)
        LoggingSmsGateway.sent.append((phone, text))


def sms_gateway() -> SmsGateway:
    return import_string(settings.TONGBAN_SMS_GATEWAY)()


def notify(
    recipient,
    title: str,
    *,
    body: str = "",
    url: str = "",
    level: str = Notification.Level.INFO,
    sms: bool = False,
    email: bool = False,
) -> Notification:
    """Create the in-app notification now; send SMS/e-mail copies after the transaction commits."""
    note = Notification.objects.create(
        recipient=recipient, title=title[:200], body=body, url=url, level=level
    )
    if sms or email:
        from .tasks import send_outbound

        note_id = note.pk
        transaction.on_commit(lambda: send_outbound.enqueue(note_id, sms, email))
    return note


def deliver_outbound(note_id: int, sms: bool, email: bool) -> None:
    note = Notification.objects.select_related("recipient").filter(pk=note_id).first()
    if note is None:
        return
    user = note.recipient
    text = f"【通办】{note.title}" + (f"：{note.body}" if note.body else "")
    if sms and getattr(user, "phone", ""):
        sms_gateway().send(user.phone, text[:300])
    if email and user.email:
        send_mail(note.title, note.body or note.title, None, [user.email], fail_silently=False)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def unread(user, limit: int):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at", "-id")[:limit]
