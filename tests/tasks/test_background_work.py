"""Background work goes through the Django Tasks API: in-process by default, Redis workers when configured."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.core import mail
from django.test import override_settings

from coopgov.members import services
from coopgov.members.demo import setup_organisation
from coopgov.members.models import Category, Person

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _candidate(email: str, language: str = "nl") -> object:
    units = setup_organisation()
    person = Person.objects.create(
        kind="natural",
        first_name="An",
        last_name="Claes",
        email=email,
        language=language,
        profiles=["entrepreneur"],
    )
    return services.membership_apply(
        person=person,
        cooperative=units["BE"],
        category=Category.objects.get(cooperative=units["BE"], code="A"),
        applied_on=date(2026, 1, 5),
        actor="test",
    )


@pytest.mark.django_db
def test_admitted_candidate_is_told_in_their_language(django_capture_on_commit_callbacks):
    membership = _candidate("an@example.org", language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_admit(membership=membership, on=date(2026, 2, 1), actor="test")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an@example.org"]
    assert str(membership.number) in mail.outbox[0].body


@pytest.mark.django_db
def test_refused_candidate_receives_the_reason(django_capture_on_commit_callbacks):
    membership = _candidate("refused@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_refuse(
            membership=membership,
            on=date(2026, 2, 1),
            actor="test",
            reason="No activity in the cooperative's field",
        )
    assert "No activity in the cooperative's field" in mail.outbox[0].body


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.django_db
@pytest.mark.skipif(not _redis_available(), reason=f"no Redis at {REDIS_TEST_URL}")
def test_a_redis_worker_sends_the_notice_when_tasks_go_to_redis(django_capture_on_commit_callbacks):
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    rq_settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": REDIS_TEST_URL, "DEFAULT_TIMEOUT": 60}},
    }
    with override_settings(**rq_settings):
        queue = django_rq.get_queue("default", job_class=Job)
        queue.empty()
        membership = _candidate("queued@example.org", language="fr")
        with django_capture_on_commit_callbacks(execute=True):
            services.membership_admit(membership=membership, on=date(2026, 2, 1), actor="test")
        assert mail.outbox == []  # queued in Redis, not run in-process
        assert queue.count == 1
        # The worker `coopgov rqworker --job-class django_tasks_rq.Job default` runs, without forking.
        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        worker.work(burst=True)
        assert [m.to for m in mail.outbox] == [["queued@example.org"]]
        assert queue.count == 0
