"""Health, worker, sweeps, notifications, demo data and the database in use."""

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from tongban.accounts.models import Organisation, User
from tongban.appeals.models import Appeal
from tongban.core import notifications, sweeps
from tongban.core.models import Notification, SweepSchedule, WorkerHeartbeat
from tongban.core.worker import TongbanWorker

pytestmark = pytest.mark.django_db


def test_tests_run_on_the_database_that_was_asked_for():
    expected = os.environ.get("TONGBAN_EXPECT_DB_VENDOR")
    if expected:
        assert connection.vendor == expected
    else:
        assert connection.vendor in {"sqlite", "postgresql"}


def test_healthz_reports_database_and_worker(client):
    body = client.get("/healthz").json()
    assert body["database"]["status"] == "ok"
    assert body["worker"]["status"] == "down"
    assert body["status"] == "degraded"
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="h", pid=1, started_at=timezone.now(), seen_at=timezone.now()
    )
    body = client.get("/healthz").json()
    assert body["worker"] == {"status": "ok", "alive": 1, "pending_tasks": 0}
    assert body["status"] == "ok"


RUNS: list[str] = []


@task(queue_name="sweeps")
def _probe_sweep() -> None:
    RUNS.append("ran")


def test_a_due_sweep_is_claimed_by_exactly_one_worker():
    RUNS.clear()
    sweeps.register("test.probe", _probe_sweep, dt.timedelta(minutes=5))
    try:
        now = timezone.now()
        assert "test.probe" in sweeps.enqueue_due("worker-1", now)
        assert "test.probe" not in sweeps.enqueue_due("worker-2", now)
        assert RUNS == ["ran"]
        assert SweepSchedule.objects.get(name="test.probe").last_claimed_by == "worker-1"
        assert "test.probe" in sweeps.enqueue_due("worker-2", now + dt.timedelta(minutes=6))
    finally:
        sweeps._sweeps.pop("test.probe")


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
@override_settings(
    TASKS={
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "sweeps", "notifications"],
        }
    }
)
def test_worker_runs_queued_tasks_and_beats(citizen):
    from django_tasks_db.models import DBTaskResult

    from tongban.core.tasks import send_outbound

    notifications.LoggingSmsGateway.sent.clear()
    note = Notification.objects.create(recipient=citizen, title="受理通知")
    send_outbound.enqueue(note.pk, True, False)
    assert DBTaskResult.objects.ready().count() == 1
    worker = TongbanWorker()
    result = worker.run_once()
    assert result["tasks"] >= 1  # the notification, and any module sweep that fell due
    assert DBTaskResult.objects.ready().count() == 0
    assert WorkerHeartbeat.objects.filter(worker_id=worker.worker_id).exists()
    assert notifications.LoggingSmsGateway.sent == [(citizen.phone, "【通办】受理通知")]


def test_notification_center_counts_and_marks_read(
    client, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(citizen, "您的申请已受理", body="办件编号 A001", sms=True)
    client.force_login(citizen)
    page = client.get("/").content.decode()
    assert 'badge text-bg-danger">1<' in page
    listing = client.get("/notifications/").content.decode()
    assert "您的申请已受理" in listing
    client.post("/notifications/read/")
    assert notifications.unread_count(citizen) == 0


def test_users_only_see_their_own_notifications(client, citizen, enterprise_user):
    notifications.notify(enterprise_user, "企业专属消息")
    client.force_login(citizen)
    assert "企业专属消息" not in client.get("/notifications/").content.decode()


def test_demo_data_is_idempotent_and_coherent():
    import io

    from tongban.cases.models import Case, Transition

    out = io.StringIO()
    call_command("demo", "--quiet", stdout=out)
    assert out.getvalue() == ""  # a quiet load prints nothing (make setup)
    counts = (Organisation.objects.count(), User.objects.count(), Case.objects.count(), Transition.objects.count())
    stamps = list(Case.objects.order_by("pk").values_list("pk", "submitted_at", "received_on"))
    out = io.StringIO()
    call_command("demo", "--quiet", "--accounts", stdout=out)  # make run: the accounts, once
    text = out.getvalue()
    assert text.count("演示账号") == 1 and text.count("zz_clerk") == 1 and "已存在" not in text
    assert (Organisation.objects.count(), User.objects.count(), Case.objects.count(),
            Transition.objects.count()) == counts
    assert list(Case.objects.order_by("pk").values_list("pk", "submitted_at", "received_on")) == stamps
    zz = Organisation.objects.get(code="ZZ")
    assert zz.parent.code == "HA"
    assert {"ZZ-ZY", "ZZ-JS"} <= set(zz.children.values_list("code", flat=True))
    clerk = User.objects.get(username="zz_clerk")
    assert clerk.has_role("clerk") and clerk.organisation.is_within(zz)
    assert User.objects.filter(kind=User.Kind.ENTERPRISE).count() >= 4
    # The demo complaint about 金水区 is with the 金水区 office, which has a clerk to handle it.
    jinshui = Appeal.objects.get(external_source="demo", division_code="410105")
    assert jinshui.organisation.code == "ZZ-JS" and jinshui.division_name == "河南省郑州市金水区"
    assert jinshui.handler.username == "js_clerk" and jinshui.status == "handling"
    from tongban.core.audit import verify

    assert verify().ok
