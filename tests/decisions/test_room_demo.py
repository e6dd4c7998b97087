"""The demo's open assembly shows the room and a participatory budget: a presence list at Bruxelles and
projects with their costs, which count once the item closes."""

from __future__ import annotations

from coopgov.decisions import counting, services
from coopgov.decisions.demo import generate_assemblies
from coopgov.decisions.models import Assembly, Item, Presence
from coopgov.members.demo import generate
from tests.members.builders import ACTOR


def test_the_demo_has_a_presence_list_and_a_participatory_budget_that_counts(db):
    generate(40, 7)
    generate_assemblies()
    upcoming = Assembly.objects.get(status="open")
    present = Presence.objects.filter(site__assembly=upcoming)
    assert present.exists()
    assert {p.entry.membership.person.home_antenna.code for p in present} == {"BE-BRUXELLES"}
    budget = upcoming.items.get(kind=Item.Kind.BUDGET)
    assert budget.budget_eur == 20000 and all(o.cost_eur for o in budget.options.all())
    entries = list(upcoming.electorate.filter(eligible=True).order_by("pk")[:5])
    for entry in entries:
        services.ballot_cast(item=budget, entry=entry, content=["bikes", "library"], actor=ACTOR)
    services.item_close(item=budget, actor=ACTOR)
    result = counting.item_count(item=budget, actor=ACTOR, seed="1")
    assert set(result.result["selected"]) >= {"bikes", "library"}
