"""The register CSV: all-or-nothing import with errors that name line and column, and the export as of a date
that imports back unchanged."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from coopgov.audit.models import AuditEntry
from coopgov.domain.governance.membership import Status
from coopgov.domain.governance.shares import MovementKind
from coopgov.members import services
from coopgov.members.importing import EXPORT_COLUMNS, REQUIRED_COLUMNS
from coopgov.members.models import Category, Membership, MembershipEvent, Person, ShareClass, ShareMovement
from coopgov.organisation.models import CooperativeProfile, Unit
from tests.members.builders import ACTOR, days_ago, member, today

pytestmark = pytest.mark.django_db

GOOD = {
    "member_number": "1",
    "kind": "natural",
    "first_name": "Lotte",
    "last_name": "Peeters",
    "legal_name": "",
    "email": "lotte.peeters@test.example.org",
    "language": "nl",
    "antenna": "Gent",
    "profile": "entrepreneur",
    "category": "A",
    "status": "admitted",
    "admitted_on": "2021-03-01",
    "shares": "3",
    "paid_in_eur": "90.00",
    "applied_on": "2021-02-15",
    "ended_on": "",
    "phone": "+32 9 000 00 00",
    "address": "Veldstraat 1, Gent",
    "representative": "",
}


def good_row(number: int, **changes: str) -> dict[str, str]:
    row = dict(GOOD, member_number=str(number), email=f"member{number}@test.example.org")
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(EXPORT_COLUMNS)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Membership.objects.count(),
        MembershipEvent.objects.count(),
        ShareMovement.objects.count(),
        AuditEntry.objects.count(),
    )


def import_fails(path: Path, coop: str = "BE") -> str:
    """Run the command on a bad file: it must fail, write nothing, and return what it told the person."""
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_register", "--coop", coop, str(path), stdout=io.StringIO(), stderr=err)
    assert counts() == before, "a refused import must write nothing"
    return err.getvalue() + str(failure.value)


def export(coop: str, *, at: str | None = None, fmt: str = "csv") -> str:
    out = io.StringIO()
    args = ["export_register", "--coop", coop, "--format", fmt]
    if at:
        args += ["--at", at]
    # The command streams to the process's standard output (a 100,000-member register is large).
    with contextlib.redirect_stdout(out):
        call_command(*args)
    return out.getvalue()


# --- a good file --------------------------------------------------------------------------------------


def test_a_good_file_imports_every_member_with_status_history_and_ledger(org, tmp_path):
    rows = [
        good_row(1),
        good_row(2, status="candidate", admitted_on="", shares="0", paid_in_eur="0.00"),
        good_row(3, status="resigned", ended_on="2023-05-02", shares="0", paid_in_eur="0.00"),
        good_row(
            4,
            kind="legal",
            first_name="",
            last_name="",
            legal_name="Atelier Lambert",
            representative="Julie Lambert",
            category="B",
            profile="client;partner",
        ),
    ]
    path = write_csv(tmp_path / "register.csv", rows)
    audit_before = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("import_register", "--coop", "BE", str(path), stdout=out)
    assert "imported 4 members" in out.getvalue()
    register = {m.number: m for m in Membership.objects.filter(cooperative=org.be).select_related("person")}
    assert sorted(register) == [1, 2, 3, 4]
    assert register[1].person.home_antenna.name == "Gent"
    assert [e.to_status for e in register[3].events.all()] == ["candidate", "admitted", "resigned"]
    assert register[4].person.legal_name == "Atelier Lambert" and register[4].person.profiles == [
        "client",
        "partner",
    ]
    assert ShareMovement.objects.filter(membership=register[1]).count() == 2
    # One audit entry for the whole import, naming the file and its digest.
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "register.imported" and entry.after["members"] == 4
    assert "register.csv sha256:" in entry.after["source"]


def test_after_an_import_the_next_candidacy_continues_the_numbering(org, tmp_path):
    path = write_csv(tmp_path / "r.csv", [good_row(1), good_row(7)])
    call_command("import_register", "--coop", "BE", str(path), stdout=io.StringIO())
    from tests.members.builders import candidate

    assert candidate(org, org.be).number == 8


def test_a_person_already_known_by_email_is_reused_in_another_cooperative(org, tmp_path):
    existing = member(org, org.fr).person
    path = write_csv(tmp_path / "r.csv", [good_row(5, email=existing.email)])
    before = Person.objects.count()
    call_command("import_register", "--coop", "BE", str(path), stdout=io.StringIO())
    assert Person.objects.count() == before
    assert Membership.objects.get(cooperative=org.be, number=5).person_id == existing.pk


# --- bad values: line and column named, nothing written ------------------------------------------------

BAD_VALUES = [
    ("member_number", {"member_number": "abc"}),
    ("member_number", {"member_number": "0"}),
    ("kind", {"kind": "robot"}),
    ("last_name", {"last_name": ""}),
    ("legal_name", {"kind": "legal", "legal_name": ""}),
    ("email", {"email": "not-an-address"}),
    ("email", {"email": "someone@"}),
    ("language", {"language": "de"}),
    ("antenna", {"antenna": "Atlantis"}),
    ("profile", {"profile": "astronaut"}),
    ("profile", {"profile": ""}),
    ("category", {"category": "Z"}),
    ("status", {"status": "sleeping"}),
    ("admitted_on", {"admitted_on": "01/03/2021"}),
    ("admitted_on", {"admitted_on": ""}),
    ("admitted_on", {"status": "candidate", "shares": "0", "paid_in_eur": "0"}),
    ("admitted_on", {"admitted_on": (today() + timedelta(days=3)).isoformat()}),
    ("applied_on", {"applied_on": "2021-13-01"}),
    ("applied_on", {"applied_on": "2021-04-01"}),
    ("ended_on", {"status": "resigned", "ended_on": "2020-01-01"}),
    ("shares", {"shares": "two"}),
    ("shares", {"shares": "-1"}),
    ("paid_in_eur", {"paid_in_eur": "thirty"}),
    ("paid_in_eur", {"paid_in_eur": "-5"}),
    ("paid_in_eur", {"paid_in_eur": "30.001"}),
    ("paid_in_eur", {"paid_in_eur": "120.00"}),
]


@pytest.mark.parametrize(
    ("column", "changes"), BAD_VALUES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(BAD_VALUES)]
)
def test_a_bad_value_is_reported_with_its_line_and_column_and_nothing_is_written(
    org, tmp_path, column, changes
):
    rows = [good_row(1), good_row(2), good_row(3, **changes), good_row(4)]
    message = import_fails(write_csv(tmp_path / "bad.csv", rows))
    assert f"line 4, column {column}:" in message
    assert "nothing imported" in message


def test_every_bad_row_is_listed_not_only_the_first(org, tmp_path):
    rows = [good_row(1, language="xx"), good_row(2), good_row(3, category="Q")]
    message = import_fails(write_csv(tmp_path / "bad.csv", rows))
    assert "line 2, column language" in message and "line 4, column category" in message


def test_a_number_used_twice_in_the_file_is_refused(org, tmp_path):
    message = import_fails(write_csv(tmp_path / "dup.csv", [good_row(1), good_row(2), good_row(1)]))
    assert "line 4, column member_number" in message and "line 2" in message


def test_a_number_already_in_the_register_is_refused(org, tmp_path):
    taken = member(org, org.be).number
    message = import_fails(write_csv(tmp_path / "dup.csv", [good_row(taken)]))
    assert "line 2, column member_number" in message


def test_an_email_used_twice_in_the_file_is_refused(org, tmp_path):
    rows = [good_row(1, email="same@test.example.org"), good_row(2, email="SAME@test.example.org")]
    message = import_fails(write_csv(tmp_path / "dup.csv", rows))
    assert "line 3, column email" in message


def test_an_email_of_a_member_of_the_same_cooperative_is_refused(org, tmp_path):
    existing = member(org, org.be).person
    message = import_fails(write_csv(tmp_path / "dup.csv", [good_row(900, email=existing.email)]))
    assert "line 2, column email" in message


def test_a_missing_required_column_is_named(org, tmp_path):
    columns = [c for c in EXPORT_COLUMNS if c != "status"]
    message = import_fails(write_csv(tmp_path / "cols.csv", [good_row(1)], columns))
    assert "line 1, column status: required column is missing" in message


def test_an_unknown_column_is_named(org, tmp_path):
    columns = [*REQUIRED_COLUMNS, "favourite_colour"]
    message = import_fails(
        write_csv(tmp_path / "cols.csv", [dict(good_row(1), favourite_colour="blue")], columns)
    )
    assert "line 1, column favourite_colour: unknown column" in message


def test_a_row_with_more_fields_than_the_header_is_refused(org, tmp_path):
    path = write_csv(tmp_path / "wide.csv", [good_row(1)])
    path.write_text(
        path.read_text(encoding="utf-8") + ",".join(good_row(2).values()) + ",extra\n", encoding="utf-8"
    )
    assert "line 3" in import_fails(path)


def test_a_file_that_is_not_utf8_is_refused_and_nothing_is_written(org, tmp_path):
    path = write_csv(tmp_path / "latin1.csv", [good_row(1, last_name="Lefèvre")])
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    message = import_fails(path)
    assert "not UTF-8" in message


def test_a_utf8_file_with_a_byte_order_mark_is_accepted(org, tmp_path):
    path = write_csv(tmp_path / "bom.csv", [good_row(1, last_name="Lefèvre")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    call_command("import_register", "--coop", "BE", str(path), stdout=io.StringIO())
    assert Membership.objects.get(cooperative=org.be, number=1).person.last_name == "Lefèvre"


def test_an_unknown_cooperative_or_file_is_refused(org, tmp_path):
    path = write_csv(tmp_path / "r.csv", [good_row(1)])
    with pytest.raises(CommandError, match="no cooperative"):
        call_command("import_register", "--coop", "XX", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_register", "--coop", "BE", str(tmp_path / "missing.csv"))


# --- export --------------------------------------------------------------------------------------------


def empty_twin(source: Unit, code: str) -> Unit:
    """A new, empty cooperative with the same antennas, categories and share class as ``source``."""
    twin = Unit.objects.create(
        kind=Unit.Kind.COOPERATIVE, code=code, name=f"Twin of {source.code}", parent=source.parent
    )
    CooperativeProfile.objects.create(
        unit=twin, country=source.profile.country, legal_form=source.profile.legal_form
    )
    for antenna in Unit.objects.filter(parent=source, kind=Unit.Kind.ANTENNA):
        Unit.objects.create(
            kind=Unit.Kind.ANTENNA, code=f"{code}-{antenna.pk}", name=antenna.name, parent=twin
        )
    for category in Category.objects.filter(cooperative=source):
        Category.objects.create(cooperative=twin, code=category.code, name=category.name)
    ShareClass.objects.create(
        cooperative=twin, code="A", name="Parts", nominal_eur=Decimal(30), is_default=True
    )
    return twin


def test_export_imported_into_an_empty_cooperative_exports_the_same_bytes(org, tmp_path):
    rows = [
        good_row(1),
        good_row(2, status="candidate", admitted_on="", shares="0", paid_in_eur="0.00", antenna=""),
        good_row(3, status="resigned", ended_on="2023-05-02", shares="0", paid_in_eur="0.00"),
        good_row(
            4,
            kind="legal",
            first_name="",
            last_name="",
            legal_name='Atelier, "Lambert" & fils',
            representative="Julie Lambert",
            category="B",
            profile="client;partner",
            paid_in_eur="45.50",
        ),
        good_row(
            5, status="excluded", ended_on="2024-01-10", language="fr", address="Rue du Marché 2\nNamur"
        ),
        good_row(6, status="refused", admitted_on="", ended_on="2021-03-01", shares="0", paid_in_eur="0.00"),
    ]
    call_command(
        "import_register", "--coop", "BE", str(write_csv(tmp_path / "in.csv", rows)), stdout=io.StringIO()
    )
    # Acts after the import show up too.
    services.share_movement_record(
        membership=Membership.objects.get(cooperative=org.be, number=1),
        kind=MovementKind.SUBSCRIPTION,
        share_class=org.share_class(org.be),
        on=days_ago(3),
        actor=ACTOR,
        quantity=2,
    )
    first = export("BE")
    (tmp_path / "export.csv").write_text(first, encoding="utf-8", newline="")
    empty_twin(org.be, "BE2")
    call_command("import_register", "--coop", "BE2", str(tmp_path / "export.csv"), stdout=io.StringIO())
    second = export("BE2")
    assert second.encode() == first.encode()
    assert first.splitlines()[0].split(",") == list(EXPORT_COLUMNS)
    assert len(list(csv.DictReader(io.StringIO(first)))) == 6


def test_export_as_of_a_past_date_shows_the_status_and_holdings_of_that_day(org):
    m = services.membership_apply(
        person=member(org, org.fr).person,
        cooperative=org.be,
        category=org.category(org.be),
        applied_on=days_ago(100),
        actor=ACTOR,
    )
    services.membership_admit(membership=m, on=days_ago(80), actor=ACTOR)
    share_class = org.share_class(org.be)
    services.share_movement_record(
        membership=m,
        kind=MovementKind.SUBSCRIPTION,
        share_class=share_class,
        on=days_ago(80),
        actor=ACTOR,
        quantity=2,
    )
    services.share_movement_record(
        membership=m,
        kind=MovementKind.PAYMENT,
        share_class=share_class,
        on=days_ago(50),
        actor=ACTOR,
        amount_eur=Decimal(60),
    )
    services.membership_change_status(
        membership=m,
        to_status=Status.EXCLUDED,
        on=days_ago(20),
        actor=ACTOR,
        reason="Non-respect des statuts",
    )

    def row_at(days: int) -> dict[str, str] | None:
        rows = {
            r["member_number"]: r
            for r in csv.DictReader(io.StringIO(export("BE", at=days_ago(days).isoformat())))
        }
        return rows.get(str(m.number))

    assert row_at(120) is None  # not yet a candidate
    assert (row_at(90)["status"], row_at(90)["admitted_on"], row_at(90)["shares"]) == ("candidate", "", "0")
    assert (row_at(70)["status"], row_at(70)["shares"], row_at(70)["paid_in_eur"]) == (
        "admitted",
        "2",
        "0.00",
    )
    assert row_at(70)["admitted_on"] == days_ago(80).isoformat()
    assert row_at(40)["paid_in_eur"] == "60.00" and row_at(40)["ended_on"] == ""
    assert (row_at(10)["status"], row_at(10)["ended_on"]) == ("excluded", days_ago(20).isoformat())


def test_json_export_carries_the_same_members_as_the_csv(org):
    member(org, org.be, shares=2)
    member(org, org.be)
    data = json.loads(export("BE", fmt="json"))
    rows = list(csv.DictReader(io.StringIO(export("BE"))))
    assert data["cooperative"] == "BE" and data["at"] == today().isoformat()
    assert [str(m["member_number"]) for m in data["members"]] == [r["member_number"] for r in rows]
    assert set(EXPORT_COLUMNS) <= set(data["members"][0])


def test_export_refuses_a_bad_date_or_an_unknown_cooperative(org):
    with pytest.raises(CommandError, match="not a date"):
        export("BE", at="26/11/2026")
    with pytest.raises(CommandError, match="no cooperative"):
        export("ZZ")
