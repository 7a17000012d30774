from django_tasks import task

from . import notifications


@task(queue_name="notifications")
def send_outbound(note_id: int, sms: bool, email: bool) -> None:
    # Idempotent enough: a re-run resends one message; gateways de-duplicate by content.
    notifications.deliver_outbound(note_id, sms, email)


@task(queue_name="default")
def deliver_event(delivery_id: int) -> str:
    # Idempotent: the delivery row is claimed with a conditional UPDATE before the subscriber runs.
    from . import events

    return events.deliver(delivery_id)


@task(queue_name="default")
def retry_event_deliveries() -> int:
    from . import events

    return events.retry_due()
