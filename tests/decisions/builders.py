"""Builders for assembly tests: an assembly of a cooperative, its items, and members who vote."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from coopgov.decisions import services
from coopgov.decisions.models import Assembly, ElectorateEntry, Item, Option
from coopgov.members.models import Category, Membership
from coopgov.organisation.models import Unit
from tests.members.builders import ACTOR, Org, member


def assembly(coop: Unit, *, record_date: date | None = None, preset: str = "", **fields: Any) -> Assembly:
    now = timezone.now()
    return Assembly.objects.create(
        unit=fields.pop("unit", coop),
        cooperative=coop,
        kind=fields.pop("kind", Assembly.Kind.ORDINARY),
        title=fields.pop("title", "Assemblée générale ordinaire"),
        first_convocation_at=now + timedelta(days=20),
        record_date=record_date or timezone.localdate() - timedelta(days=1),
        preset=preset,
        **fields,
    )


def motion(a: Assembly, *, order: int = 1, preset: str = "", secret: bool = True) -> Item:
    return Item.objects.create(
        assembly=a,
        order=order,
        kind=Item.Kind.MOTION,
        title=f"Motion {order}",
        method="motion",
        preset=preset,
        secret=secret,
    )


def election(
    a: Assembly, keys: list[str], *, order: int = 1, method: str = "stv-scottish", seats: int = 2
) -> Item:
    item = Item.objects.create(
        assembly=a,
        order=order,
        kind=Item.Kind.ELECTION,
        title=f"Board election {order}",
        method=method,
        seats=seats,
    )
    for i, key in enumerate(keys):
        Option.objects.create(item=item, key=key, label=f"Candidate {key.upper()}", order=i)
    return item


def members_in(org: Org, coop: Unit, n: int, *, category: str | None = None) -> list[Membership]:
    out = []
    for _ in range(n):
        m = member(org, coop, shares=1)
        if category is not None:
            Membership.objects.filter(pk=m.pk).update(
                category=Category.objects.get(cooperative=coop, code=category)
            )
            m.refresh_from_db()
        out.append(m)
    return out


def convene(a: Assembly) -> Assembly:
    return services.assembly_convene(assembly=a, actor=ACTOR)


def entry(a: Assembly, m: Membership) -> ElectorateEntry:
    return ElectorateEntry.objects.get(assembly=a, membership=m)


def cast(item: Item, a: Assembly, m: Membership, content: Any) -> str:
    return services.ballot_cast(item=item, entry=entry(a, m), content=content, actor=ACTOR)


def close_and_count(item: Item, *, seed: str = "7") -> Any:
    services.item_close(item=item, actor=ACTOR)
    return services.result_compute(item=item, actor=ACTOR, seed=seed)
