"""Domain events: delivered after commit, one task per subscriber, retried, never lost."""

import datetime as dt

import pytest
from django.utils import timezone

from tongban.core import events
from tongban.core.models import EventDelivery

calls: list = []


def good(*, thing_id):
    calls.append(("good", thing_id))


def flaky(*, thing_id):
    calls.append(("flaky", thing_id))
    if len([c for c in calls if c[0] == "flaky"]) < 3:
        raise RuntimeError("remote platform down")


def broken(*, thing_id):
    raise ValueError("always broken")


@pytest.fixture
def subscribed():
    calls.clear()
    added = []

    def add(name, handler):
        events.subscribe(name, handler)
        added.append((name, handler))

    yield add
    for name, handler in added:
        events.unsubscribe(name, handler)


def test_nothing_is_delivered_when_the_action_rolls_back(db, subscribed, django_capture_on_commit_callbacks):
    from django.db import transaction

    subscribed("test.thing", good)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        events.publish("test.thing", thing_id=1)
        raise RuntimeError("the action failed")
    assert calls == [] and not EventDelivery.objects.exists()


def test_each_subscriber_gets_its_own_delivery_after_commit(db, subscribed, django_capture_on_commit_callbacks):
    subscribed("test.thing", good)
    subscribed("test.thing", broken)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("test.thing", thing_id=7)
        assert calls == []  # nothing runs before the commit
    assert calls == [("good", 7)]
    rows = {r.subscriber.rsplit(".", 1)[1]: r for r in EventDelivery.objects.all()}
    assert rows["good"].status == "done" and rows["good"].attempts == 1
    assert rows["broken"].status == "retry" and "always broken" in rows["broken"].last_error
    assert rows["broken"].next_attempt_at > timezone.now()


def test_a_failed_delivery_is_retried_with_back_off_until_it_succeeds(db, subscribed, django_capture_on_commit_callbacks):
    subscribed("test.thing", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        (pk,) = events.publish("test.thing", thing_id=3)
    row = EventDelivery.objects.get(pk=pk)
    first_wait = row.next_attempt_at - timezone.now()
    assert row.status == "retry" and events.retry_due() == 0  # not due yet
    EventDelivery.objects.filter(pk=pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        events.retry_due()
    row.refresh_from_db()
    assert row.status == "retry" and row.attempts == 2
    assert row.next_attempt_at - timezone.now() > first_wait  # the wait doubles
    EventDelivery.objects.filter(pk=pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        events.retry_due()
    row.refresh_from_db()
    assert row.status == "done" and row.attempts == 3 and row.last_error == ""


def test_after_the_last_attempt_the_delivery_stays_failed_for_an_administrator(db, subscribed, django_capture_on_commit_callbacks):
    subscribed("test.thing", broken)
    with django_capture_on_commit_callbacks(execute=True):
        (pk,) = events.publish("test.thing", thing_id=9)
    EventDelivery.objects.filter(pk=pk).update(attempts=events.MAX_ATTEMPTS - 1,
                                               next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        events.retry_due()
    row = EventDelivery.objects.get(pk=pk)
    assert row.status == "failed" and row.next_attempt_at is None
    assert events.retry_due() == 0  # a failed delivery waits for a person


def test_a_delivery_whose_enqueue_was_lost_or_whose_worker_died_is_taken_again(db, subscribed):
    subscribed("test.thing", good)
    lost = EventDelivery.objects.create(event="test.thing", subscriber=f"{__name__}.good", payload={"thing_id": 1})
    EventDelivery.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    died = EventDelivery.objects.create(event="test.thing", subscriber=f"{__name__}.good", payload={"thing_id": 2},
                                        status="running", started_at=timezone.now() - dt.timedelta(hours=1))
    events.retry_due()  # outside a transaction block: enqueued at once
    assert sorted(calls) == [("good", 1), ("good", 2)]
    assert set(EventDelivery.objects.filter(pk__in=[lost.pk, died.pk]).values_list("status", flat=True)) == {"done"}


def test_a_delivery_runs_once_even_if_enqueued_twice(db, subscribed):
    subscribed("test.thing", good)
    row = EventDelivery.objects.create(event="test.thing", subscriber=f"{__name__}.good", payload={"thing_id": 5})
    assert events.deliver(row.pk) == "done"
    assert events.deliver(row.pk) == "done"
    assert calls == [("good", 5)]


def test_administrators_see_failed_deliveries_and_retry_them(client, admin_p, clerk_a, subscribed,
                                                             django_capture_on_commit_callbacks):
    subscribed("test.thing", broken)
    with django_capture_on_commit_callbacks(execute=True):
        (pk,) = events.publish("test.thing", thing_id=4)
    EventDelivery.objects.filter(pk=pk).update(status="failed", next_attempt_at=None)
    client.force_login(clerk_a)
    assert client.get("/workspace/events/").status_code == 403
    assert client.post(f"/workspace/events/{pk}/retry/").status_code == 403
    assert EventDelivery.objects.get(pk=pk).status == "failed"
    client.force_login(admin_p)
    page = client.get("/workspace/events/").content.decode()
    assert "always broken" in page and "重新投递" in page
    events.unsubscribe("test.thing", broken)
    subscribed("test.thing", good)
    EventDelivery.objects.filter(pk=pk).update(subscriber=f"{__name__}.good")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workspace/events/{pk}/retry/", follow=True)
    assert "已重新排队投递" in response.content.decode()
    assert EventDelivery.objects.get(pk=pk).status == "done" and calls == [("good", 4)]
