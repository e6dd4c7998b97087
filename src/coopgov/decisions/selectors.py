"""Reads on assemblies: lists for pages and commands, a member's place in the electorate, results."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from coopgov.decisions.electorate import Seat, seat_reason
from coopgov.decisions.models import Assembly, ElectorateEntry, Item, Participation, Proxy, Result
from coopgov.members.models import Person
from coopgov.organisation.models import Body, Mandate


def assemblies() -> QuerySet[Assembly]:
    """Every assembly with its cooperative and items (two queries in all)."""
    return (
        Assembly.objects.select_related("cooperative", "unit")
        .prefetch_related(Prefetch("items", queryset=Item.objects.order_by("order")))
        .order_by("-first_convocation_at", "id")
    )


def assembly_summary(assembly: Assembly) -> dict[str, Any]:
    """The JSON shape of `coopgov list_assemblies`: the assembly, its dates and status, and its items."""
    items = []
    for item in assembly.items.all():
        row: dict[str, Any] = {"id": item.pk, "title": item.title, "kind": item.kind, "method": item.method}
        if item.seats:
            row["seats"] = item.seats
        if item.college:
            row["college"] = item.college
        row["secret"] = item.secret
        row["status"] = item.status
        items.append(row)
    return {
        "id": assembly.pk,
        "cooperative": assembly.cooperative.code,
        "unit": assembly.unit.code,
        "kind": assembly.kind,
        "title": assembly.title,
        "first_convocation_at": assembly.first_convocation_at.isoformat(),
        "second_convocation_at": assembly.second_convocation_at.isoformat()
        if assembly.second_convocation_at
        else None,
        "voting_opens_at": assembly.voting_opens_at.isoformat() if assembly.voting_opens_at else None,
        "voting_closes_at": assembly.voting_closes_at.isoformat() if assembly.voting_closes_at else None,
        "record_date": assembly.record_date.isoformat(),
        "status": assembly.status,
        "items": items,
    }


def board_seats(cooperative_id: int, record_date: date) -> dict[int, Seat]:
    """Each person holding a mandate on the cooperative's board on the record date: it began on or before
    that day and had not ended before it. A person with two such mandates keeps the earlier one."""
    mandates = Mandate.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=record_date),
        body__unit_id=cooperative_id,
        body__kind=Body.Kind.BOARD,
        starts_on__lte=record_date,
    ).order_by("starts_on", "pk")
    seats: dict[int, Seat] = {}
    for m in mandates:
        seats.setdefault(
            m.person_id,
            Seat(starts_on=m.starts_on, appointed_how=m.appointed_how, ratified_on=m.ratified_on),
        )
    return seats


def board_voters(assembly: Assembly) -> list[dict[str, Any]]:
    """Who votes at a board meeting and why, by name: once convened, the directors frozen in its
    electorate; before, the persons holding a mandate on the board on the record date as the register
    stands now. Empty for any other kind of meeting. Two queries."""
    if assembly.kind != Assembly.Kind.BOARD:
        return []
    reasons: list[tuple[Person, dict[str, Any]]]
    if assembly.status == Assembly.Status.DRAFT:
        when = assembly.record_date.isoformat()
        seats = board_seats(assembly.cooperative_id, assembly.record_date)
        persons = Person.objects.in_bulk(list(seats))
        reasons = [(persons[person_id], seat_reason(seat, when)) for person_id, seat in seats.items()]
    else:
        entries = ElectorateEntry.objects.filter(assembly=assembly, eligible=True).select_related(
            "membership__person"
        )
        reasons = [
            (e.membership.person, next((r for r in e.reasons if r.get("code") == "board_seat"), {}))
            for e in entries
        ]
    rows = [
        {"name": person.display_name, "since": reason.get("since", ""), "how": reason.get("how", "")}
        for person, reason in reasons
    ]
    return sorted(rows, key=lambda r: (r["name"].casefold(), r["since"]))


def entry_of(assembly: Assembly, person: Any) -> ElectorateEntry | None:
    """The person's electorate entry in this assembly (eligible or not), or None if not in the register."""
    if person is None:
        return None
    return (
        ElectorateEntry.objects.select_related("membership__category")
        .filter(assembly=assembly, membership__person=person)
        .first()
    )


def electorate_rows(assembly: Assembly) -> QuerySet[ElectorateEntry]:
    """The frozen electorate in register order, with each member's person (one query per page)."""
    return (
        ElectorateEntry.objects.filter(assembly=assembly)
        .select_related("membership__person")
        .order_by("membership__number")
    )


def voted_items(entry: ElectorateEntry | None) -> dict[int, Participation]:
    if entry is None:
        return {}
    return {p.item_id: p for p in Participation.objects.filter(entry=entry)}


def active_proxy_given(entry: ElectorateEntry | None) -> Proxy | None:
    if entry is None:
        return None
    return (
        Proxy.objects.select_related("holder__membership__person")
        .filter(giver=entry, revoked_at__isnull=True)
        .first()
    )


def proxies_held(entry: ElectorateEntry | None) -> list[Proxy]:
    if entry is None:
        return []
    return list(
        Proxy.objects.select_related("giver__membership__person").filter(
            holder=entry, revoked_at__isnull=True
        )
    )


def electorate_counts(assembly: Assembly) -> dict[str, int]:
    """Members in the electorate per category or collège."""
    from django.db.models import Count

    rows = (
        ElectorateEntry.objects.filter(assembly=assembly, eligible=True)
        .values("college")
        .annotate(n=Count("id"))
        .order_by("college")
    )
    return {r["college"]: r["n"] for r in rows}


def result_json(result: Result) -> dict[str, Any]:
    """The stored `coopgov tally` output, with the item, quorum, participation and the inputs' digest."""
    return {
        "item": result.item_id,
        **result.result,
        # The `coopgov tally --method` name that recounts the exported file ("method" is the rule's own name).
        "tally_method": result.method,
        "quorum_reached": result.quorum_reached,
        "participation": result.participation,
        "inputs_digest": result.inputs_digest,
        "code_version": result.code_version,
        "computed_at": result.computed_at.isoformat(),
        "published_at": result.published_at.isoformat() if result.published_at else None,
    }
