"""The legal register of a cooperative as of a date, in the import's columns (it imports back unchanged)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.db.models import Sum
from django.db.models.functions import Coalesce

from coopgov.members.importing import EXPORT_COLUMNS
from coopgov.members.models import Membership, MembershipEvent, ShareMovement
from coopgov.organisation.models import Unit


def register_rows(cooperative: Unit, *, at: date) -> Iterator[dict[str, Any]]:
    """One dict per membership known on ``at``: status, dates and holdings as they stood that day."""
    sums = {
        mid: (shares, paid)
        for mid, shares, paid in ShareMovement.objects.filter(cooperative=cooperative, effective_on__lte=at)
        .values("membership_id")
        .annotate(s=Coalesce(Sum("shares_delta"), 0), p=Coalesce(Sum("paid_delta_eur"), Decimal("0.00")))
        .values_list("membership_id", "s", "p")
    }
    status_at: dict[int, str] = {}
    for mid, to_status in (
        MembershipEvent.objects.filter(membership__cooperative=cooperative, on__lte=at)
        .order_by("on", "id")
        .values_list("membership_id", "to_status")
    ):
        status_at[mid] = to_status
    rows = (
        Membership.objects.filter(cooperative=cooperative, applied_on__lte=at)
        .order_by("number")
        .values_list(
            "id", "number", "person__kind", "person__first_name", "person__last_name", "person__legal_name",
            "person__email", "person__language", "person__home_antenna__name", "person__profiles",
            "category__code", "admitted_on", "applied_on", "ended_on", "person__phone", "person__address",
            "person__representative",
        )
    )
    for (mid, number, kind, first, last, legal, email, lang, antenna, profiles, category, admitted, applied,
         ended, phone, address, representative) in rows.iterator(chunk_size=5000):
        shares, paid = sums.get(mid, (0, Decimal("0.00")))
        yield {
            "member_number": number,
            "kind": kind,
            "first_name": first,
            "last_name": last,
            "legal_name": legal,
            "email": email,
            "language": lang,
            "antenna": antenna or "",
            "profile": ";".join(profiles or []),
            "category": category,
            "status": status_at.get(mid, "candidate"),
            "admitted_on": admitted.isoformat() if admitted and admitted <= at else "",
            "shares": int(shares),
            "paid_in_eur": f"{Decimal(paid):.2f}",
            "applied_on": applied.isoformat(),
            "ended_on": ended.isoformat() if ended and ended <= at else "",
            "phone": phone,
            "address": address,
            "representative": representative,
        }


def write_csv(cooperative: Unit, *, at: date, out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in register_rows(cooperative, at=at):
        writer.writerow(row)
        count += 1
    return count


def write_json(cooperative: Unit, *, at: date, out: IO[str]) -> int:
    rows = list(register_rows(cooperative, at=at))
    json.dump({"cooperative": cooperative.code, "at": at.isoformat(), "members": rows}, out, ensure_ascii=False,
              indent=1)
    out.write("\n")
    return len(rows)
