from django_tasks import task

from . import notifications


@task(queue_name="notifications")
def send_outbound(note_id: int, sms: bool, email: bool) -> None:
    # Idempotent enough: a re-run resends one message; gateways de-duplicate by content.
    notifications.deliver_outbound(note_id, sms, email)


@task(queue_name="default")
def recompute_deadlines(change_id: int) -> int:
    # Idempotent: recomputing from the current calendar twice gives the same deadlines.
    from .calendar_store import run_recompute

    return run_recompute(change_id)
