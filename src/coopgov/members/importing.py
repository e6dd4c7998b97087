"""Import of a register from CSV: every row checked first, then all written in one transaction, or nothing.

Columns (header row required; order free; the optional ones may be left out):
member_number, kind, first_name, last_name, legal_name, email, language, antenna, profile, category, status,
admitted_on, shares, paid_in_eur — and optionally applied_on, ended_on, phone, address, representative.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_email
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from coopgov.audit.services import audit_record
from coopgov.db import analyze
from coopgov.domain.governance.membership import Status
from coopgov.members.models import (
    Category,
    Membership,
    MembershipEvent,
    OperationCounter,
    Person,
    Profile,
    ShareClass,
    ShareMovement,
)
from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import antennas_of

REQUIRED_COLUMNS = (
    "member_number",
    "kind",
    "first_name",
    "last_name",
    "legal_name",
    "email",
    "language",
    "antenna",
    "profile",
    "category",
    "status",
    "admitted_on",
    "shares",
    "paid_in_eur",
)
OPTIONAL_COLUMNS = ("applied_on", "ended_on", "phone", "address", "representative")
EXPORT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_ERRORS = 50
ENDED = {Status.RESIGNED.value, Status.EXCLUDED.value, Status.DECEASED.value, Status.REFUSED.value}
STATUSES = tuple(s.value for s in Status)
WAS_ADMITTED = frozenset(
    {Status.ADMITTED.value, Status.RESIGNED.value, Status.EXCLUDED.value, Status.DECEASED.value}
)
_EMAIL = EmailValidator()


def _email_ok(email: str, domains_ok: dict[str, bool]) -> bool:
    """Django's e-mail validation, with the verdict on each domain remembered (a register has few)."""
    user, at, domain = email.rpartition("@")
    if not at or len(email) > 320 or not _EMAIL.user_regex.match(user):
        return False
    ok = domains_ok.get(domain)
    if ok is None:
        try:
            validate_email(f"a@{domain}")
            ok = True
        except ValidationError:
            ok = False
        domains_ok[domain] = ok
    return ok


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    """The file was refused; nothing was written. ``errors`` says what and where."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class MovementSpec:
    kind: str
    shares: int
    paid: Decimal
    on: date


@dataclass
class ImportRow:
    """One member to write: the person, the membership, its status history and its ledger lines."""

    line: int
    number: int
    person: dict[str, Any]
    category: Category
    status: str
    applied_on: date
    admitted_on: date | None
    ended_on: date | None
    movements: list[MovementSpec] = field(default_factory=list)


def _date(value: str, line: int, column: str, errors: list[RowError]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(RowError(line, column, f"{value!r} is not a date in the form YYYY-MM-DD"))
        return None


def parse_register_csv(text: Iterable[str] | io.TextIOBase, cooperative: Unit) -> list[ImportRow]:
    """Read and check a register CSV for ``cooperative``; raise ImportFailed listing every problem found."""
    reader = csv.reader(text)
    header = [name.strip() for name in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFailed([RowError(1, c, "required column is missing") for c in missing])
    unknown = [c for c in header if c not in EXPORT_COLUMNS]
    if unknown:
        raise ImportFailed([RowError(1, c, "unknown column") for c in unknown])

    today = timezone.localdate()
    categories = {c.code: c for c in Category.objects.filter(cooperative=cooperative)}
    antennas: dict[str, Unit] = {}
    for unit in antennas_of(cooperative):
        antennas[unit.name.casefold()] = unit
        antennas[unit.code.casefold()] = unit
    existing_numbers = set(
        Membership.objects.filter(cooperative=cooperative).values_list("number", flat=True)
    )
    profiles = set(Profile.values)
    nominal = _default_class(cooperative).nominal_eur
    seen_numbers: dict[int, int] = {}
    seen_emails: dict[str, int] = {}
    domains_ok: dict[str, bool] = {}
    errors: list[RowError] = []
    rows: list[ImportRow] = []

    width = len(header)
    padding = [""] * width
    line = 1
    for raw in reader:
        if not raw:
            continue  # a blank line
        line += 1
        if len(errors) >= MAX_ERRORS:
            break
        if len(raw) > width:
            errors.append(RowError(line, "", "more fields than columns in the header"))
            continue
        if len(raw) < width:
            raw = raw + padding[len(raw) :]
        r = dict(zip(header, map(str.strip, raw), strict=True))
        before = len(errors)

        def err(column: str, message: str, _line: int = line) -> None:
            errors.append(RowError(_line, column, message))

        number = 0
        if not r["member_number"].isdigit() or int(r["member_number"]) <= 0:
            err("member_number", f"{r['member_number']!r} is not a positive whole number")
        else:
            number = int(r["member_number"])
            if number in seen_numbers:
                err("member_number", f"number {number} already used on line {seen_numbers[number]}")
            elif number in existing_numbers:
                err("member_number", f"number {number} is already in the register of {cooperative.code}")
            seen_numbers[number] = line
        kind = r["kind"]
        if kind not in ("natural", "legal"):
            err("kind", f"{kind!r} must be natural or legal")
        elif kind == "natural" and not r["last_name"]:
            err("last_name", "a natural person needs a last name")
        elif kind == "legal" and not r["legal_name"]:
            err("legal_name", "a legal person needs a legal name")
        email = r["email"].lower()
        if email:
            if not _email_ok(email, domains_ok):
                err("email", f"{r['email']!r} is not a valid e-mail address")
            if email in seen_emails:
                err("email", f"{email} already appears on line {seen_emails[email]}")
            seen_emails[email] = line
        if r["language"] not in ("fr", "nl", "en"):
            err("language", f"{r['language']!r} must be fr, nl or en")
        antenna: Unit | None = None
        if r["antenna"]:
            antenna = antennas.get(r["antenna"].casefold())
            if antenna is None:
                err("antenna", f"{r['antenna']!r} is not an antenna of {cooperative.code}")
        person_profiles = [p.strip() for p in r["profile"].split(";") if p.strip()]
        bad = [p for p in person_profiles if p not in profiles]
        if not person_profiles or bad:
            err(
                "profile",
                f"{r['profile']!r}: use one or more of {', '.join(sorted(profiles))} separated by ;",
            )
        category = categories.get(r["category"])
        if category is None:
            err(
                "category",
                f"{r['category']!r} is not a category of {cooperative.code} "
                f"({', '.join(sorted(categories))})",
            )
        status = r["status"]
        if status not in STATUSES:
            err("status", f"{status!r} must be one of {', '.join(STATUSES)}")
        admitted_on = _date(r["admitted_on"], line, "admitted_on", errors)
        applied_on = _date(r.get("applied_on", ""), line, "applied_on", errors)
        ended_on = _date(r.get("ended_on", ""), line, "ended_on", errors)
        if status in WAS_ADMITTED:
            if admitted_on is None and not any(e.column == "admitted_on" and e.line == line for e in errors):
                err("admitted_on", f"a member with status {status} needs an admission date")
        elif status == Status.CANDIDATE.value and admitted_on is not None:
            err("admitted_on", "a candidate has no admission date")
        for column, value in (
            ("admitted_on", admitted_on),
            ("applied_on", applied_on),
            ("ended_on", ended_on),
        ):
            if value is not None and value > today:
                err(column, f"{value} is in the future")
        if applied_on and admitted_on and applied_on > admitted_on:
            err("applied_on", "the application comes after the admission")
        if ended_on and admitted_on and ended_on < admitted_on:
            err("ended_on", "the membership ends before it began")
        shares = 0
        if not r["shares"].isdigit():
            err("shares", f"{r['shares']!r} is not a whole number of shares (0 or more)")
        else:
            shares = int(r["shares"])
        paid = Decimal(0)
        try:
            paid = Decimal(r["paid_in_eur"] or "0")
            if paid < 0 or paid != paid.quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation:
            err("paid_in_eur", f"{r['paid_in_eur']!r} is not an amount in euros (e.g. 30.00)")
            paid = Decimal(0)
        if paid > nominal * shares:
            err("paid_in_eur", f"{paid} € paid exceeds {shares} share(s) × {nominal} €")
        if len(errors) > before:
            continue
        assert category is not None
        start = applied_on or admitted_on or today
        on = admitted_on or start
        movements = []
        if shares:
            movements.append(MovementSpec("subscription", shares, Decimal(0), on))
        if paid:
            movements.append(MovementSpec("payment", 0, paid, on))
        rows.append(
            ImportRow(
                line=line,
                number=number,
                category=category,
                status=status,
                applied_on=start,
                admitted_on=admitted_on,
                ended_on=ended_on if status in ENDED else None,
                movements=movements,
                person={
                    "kind": kind,
                    "first_name": r["first_name"],
                    "last_name": r["last_name"],
                    "legal_name": r["legal_name"],
                    "email": email,
                    "language": r["language"],
                    "home_antenna": antenna,
                    "profiles": person_profiles,
                    "phone": r.get("phone", ""),
                    "address": r.get("address", ""),
                    "representative": r.get("representative", ""),
                },
            )
        )
    if errors:
        raise ImportFailed(errors)
    return rows


def _default_class(cooperative: Unit) -> ShareClass:
    share_class = ShareClass.objects.filter(cooperative=cooperative, is_default=True).first()
    if share_class is None:
        share_class = ShareClass.objects.filter(cooperative=cooperative).order_by("pk").first()
    if share_class is None:
        raise ImportFailed([RowError(1, "", f"cooperative {cooperative.code} has no share class")])
    return share_class


@dataclass(frozen=True)
class ImportSummary:
    members: int
    persons_created: int
    movements: int


@transaction.atomic
def register_import(*, cooperative: Unit, rows: list[ImportRow], actor: Any, source: str) -> ImportSummary:
    """Write checked rows in bulk, in one transaction; one audit entry records the import and its digest."""
    counter, _ = OperationCounter.objects.select_for_update().get_or_create(cooperative=cooperative)
    share_class = _default_class(cooperative)
    emails = [r.person["email"] for r in rows if r.person["email"]]
    existing = {}
    for start in range(0, len(emails), 5000):
        existing.update({p.email: p for p in Person.objects.filter(email__in=emails[start : start + 5000])})
    taken = set(
        Membership.objects.filter(cooperative=cooperative, person__in=list(existing.values())).values_list(
            "person__email", flat=True
        )
    )
    clash = [
        RowError(r.line, "email", f"{r.person['email']} is already a member of {cooperative.code}")
        for r in rows
        if r.person["email"] in taken
    ]
    if clash:
        raise ImportFailed(clash[:MAX_ERRORS])
    new_rows = [r for r in rows if r.person["email"] not in existing]
    person_ids = _allocate_ids(Person, len(new_rows))
    json_value = _json_values()
    _bulk_insert(
        Person,
        (
            "id",
            "kind",
            "first_name",
            "last_name",
            "legal_name",
            "representative",
            "email",
            "phone",
            "address",
            "language",
            "home_antenna_id",
            "profiles",
        ),
        (
            (
                pid,
                p["kind"],
                p["first_name"],
                p["last_name"],
                p["legal_name"],
                p["representative"],
                p["email"],
                p["phone"],
                p["address"],
                p["language"],
                p["home_antenna"].pk if p["home_antenna"] else None,
                json_value(p["profiles"]),
            )
            for pid, p in zip(person_ids, (r.person for r in new_rows), strict=True)
        ),
    )
    fresh = iter(person_ids)
    people = [existing[r.person["email"]].pk if r.person["email"] in existing else next(fresh) for r in rows]

    membership_ids = _allocate_ids(Membership, len(rows))
    _bulk_insert(
        Membership,
        (
            "id",
            "cooperative_id",
            "person_id",
            "number",
            "category_id",
            "status",
            "applied_on",
            "admitted_on",
            "ended_on",
            "refusal_reason",
        ),
        (
            (
                mid,
                cooperative.pk,
                pid,
                r.number,
                r.category.pk,
                r.status,
                r.applied_on,
                r.admitted_on,
                r.ended_on,
                "",
            )
            for mid, pid, r in zip(membership_ids, people, rows, strict=True)
        ),
    )

    events: list[tuple[Any, ...]] = []
    movements: list[tuple[Any, ...]] = []
    op = counter.next_operation
    class_id, coop_id = share_class.pk, cooperative.pk
    for r, mid in zip(rows, membership_ids, strict=True):
        events.append((mid, "", "candidate", r.applied_on, "import", ""))
        previous = "candidate"
        if r.admitted_on is not None:
            events.append((mid, previous, "admitted", r.admitted_on, "import", ""))
            previous = "admitted"
        if r.status != previous:
            events.append(
                (mid, previous, r.status, r.ended_on or r.admitted_on or r.applied_on, "import", "")
            )
        for spec in r.movements:
            movements.append(
                (coop_id, op, mid, class_id, spec.kind, spec.shares, spec.paid, spec.on, "import")
            )
            op += 1
    _bulk_insert(
        MembershipEvent,
        ("membership_id", "from_status", "to_status", "on", "deciding_body", "reason"),
        events,
    )
    _bulk_insert(
        ShareMovement,
        (
            "cooperative_id",
            "operation",
            "membership_id",
            "share_class_id",
            "kind",
            "shares_delta",
            "paid_delta_eur",
            "effective_on",
            "note",
        ),
        movements,
    )

    # The first reads of the new register (its export, its pages) are planned on fresh statistics.
    analyze(Person, Membership, MembershipEvent, ShareMovement)
    top = Membership.objects.filter(cooperative=cooperative).aggregate(n=Max("number"))["n"] or 0
    counter.next_member_number = max(counter.next_member_number, top + 1)
    counter.next_operation = op
    from coopgov.members.selectors import cooperative_capital_eur

    counter.highest_capital_eur = max(counter.highest_capital_eur, cooperative_capital_eur(cooperative))
    counter.save()
    audit_record(
        actor=actor,
        action="register.imported",
        obj=cooperative,
        unit=cooperative,
        after={
            "source": source,
            "members": len(rows),
            "persons_created": len(new_rows),
            "movements": len(movements),
        },
    )
    return ImportSummary(members=len(rows), persons_created=len(new_rows), movements=len(movements))


# --- bulk writing ---------------------------------------------------------------------------------------
# A 100,000-member register is ~600,000 rows over four tables: model instances and the ORM's per-value
# preparation cost more than the database. Rows are written as plain tuples (executemany on SQLite,
# COPY on PostgreSQL), with primary keys reserved beforehand so the tables can refer to each other.


def _allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve ``count`` primary keys of ``model``'s table for this transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: write transactions are serialised (BEGIN IMMEDIATE), so nobody inserts meanwhile.
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")
        top = int(cursor.fetchone()[0])
    return list(range(top + 1, top + 1 + count))


def _json_values() -> Any:
    """A JSON column's value as the driver wants it (text on SQLite, Jsonb on PostgreSQL), cached by value."""
    adapt = connection.ops.adapt_json_value
    cache: dict[tuple[str, ...], Any] = {}

    def value(items: list[str]) -> Any:
        key = tuple(items)
        if key not in cache:
            cache[key] = adapt(list(items), None)
        return cache[key]

    return value


def _bulk_insert(
    model: type[models.Model], columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Insert tuples of ``columns`` values; other columns get their model default (now, for auto_now)."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    now = timezone.now()
    rest: list[str] = []
    constants: list[Any] = []
    for column, f in fields.items():
        if column in columns or f.primary_key:
            continue
        value = now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False) else f.get_default()
        rest.append(column)
        constants.append(f.get_db_prep_save(value, connection))
    tail = tuple(constants)
    names = [*columns, *rest]
    table = connection.ops.quote_name(model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(c) for c in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + tail)
            return
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(names))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row + tail)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def file_digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
