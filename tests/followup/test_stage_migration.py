"""The migration that adds the stages: recommendations recorded before it were handed in."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("followup", "0002_dashboard_snapshots")]
AFTER = [("followup", "0003_recommendation_stages_and_comments")]


@pytest.mark.django_db(transaction=True)
def test_existing_recommendations_are_handed_in_after_the_migration() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # The other apps stay at their latest migration: their models are read in that state.
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "followup"]
    old = executor.loader.project_state(BEFORE + others).apps
    unit = old.get_model("organisation", "Unit").objects.create(kind="group", code="SMART", name="Smart")
    body = old.get_model("organisation", "Body").objects.create(unit=unit, kind="board", name="CA")
    cycle = old.get_model("followup", "Cycle").objects.create(
        unit=unit, slug="sip", title="SiP", starts_on=date(2020, 1, 1)
    )
    theme = old.get_model("followup", "Theme").objects.create(cycle=cycle, code="economy", title="Économie")
    old.get_model("followup", "Recommendation").objects.create(
        cycle=cycle,
        number=1,
        theme=theme,
        addressed_to=body,
        title="Un fonds",
        text="Texte.",
        status="done",
        submitted_on=date(2020, 6, 1),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    recommendation = new.get_model("followup", "Recommendation").objects.get(number=1)
    assert (recommendation.stage, recommendation.status, recommendation.submitted_on) == (
        "submitted",
        "done",
        date(2020, 6, 1),
    )
    assert recommendation.comment_opened_at is None
    # Leave the database at the latest migrations for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
