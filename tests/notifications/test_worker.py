"""Immediate e-mails and digests go through the Tasks API: with Redis configured, a worker sends them."""

from __future__ import annotations

import os

import pytest
from django.core import mail
from django.test import override_settings

from coopgov.notifications import services
from coopgov.notifications.models import Notification

# Not the database of tests/tasks (15), so the two files can run at the same time.
REDIS_TEST_URL = os.environ.get("REDIS_NOTIFICATIONS_TEST_URL", "redis://127.0.0.1:6379/14")


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_available(), reason=f"no Redis at {REDIS_TEST_URL}")
def test_a_redis_worker_emails_an_immediate_notice_and_runs_the_digest_task(
    anne, bram, django_capture_on_commit_callbacks
):
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    from coopgov.notifications.tasks import send_digests

    rq_settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": REDIS_TEST_URL, "DEFAULT_TIMEOUT": 60}},
    }
    services.preference_set(user=anne, delivery="immediate")
    with override_settings(**rq_settings):
        queue = django_rq.get_queue("default", job_class=Job)
        queue.empty()
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(recipients=[anne, bram], kind="notifications.test")
        assert mail.outbox == []  # queued in Redis, not sent in the request
        assert queue.count == 1
        send_digests.enqueue("daily")
        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        worker.work(burst=True)
        assert queue.count == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@example.org", "bram@example.org"]
    assert Notification.objects.filter(emailed_at__isnull=True, digest_sent_at__isnull=True).count() == 0
