"""The register's commands: `coopgov demo` through call_command, and every command through the real `coopgov`
executable (its exit codes, what it prints, what it leaves in the database)."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from coopgov.accounts.models import User
from coopgov.members.demo import DEMO_LOGINS
from coopgov.members.models import Category, Membership, Person, PolicyRule
from coopgov.organisation.models import Unit
from tests.members.test_import_export import good_row, write_csv

COOPGOV = Path(sys.executable).with_name("coopgov")


# --- demo through call_command ------------------------------------------------------------------------


def register_size() -> tuple[int, int, int]:
    return Unit.objects.count(), Person.objects.count(), Membership.objects.count()


@pytest.mark.django_db
def test_demo_with_no_members_sets_up_only_the_organisation():
    call_command("demo", "--members", "0", "--no-serve", stdout=io.StringIO())
    assert set(Unit.objects.filter(kind=Unit.Kind.COOPERATIVE).values_list("code", flat=True)) == {"BE", "FR"}
    assert Unit.objects.filter(kind=Unit.Kind.ANTENNA).count() > 10
    assert Category.objects.filter(cooperative__code="BE").exists()
    assert PolicyRule.objects.filter(cooperative__code="FR").exists()
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0
    assert not User.objects.filter(email__in=[login.email for login in DEMO_LOGINS]).exists()


@pytest.mark.django_db
def test_demo_run_twice_reuses_what_the_first_run_made():
    out = io.StringIO()
    call_command("demo", "--members", "40", "--seed", "7", "--no-serve", stdout=out)
    assert "created 30 synthetic members in BE" in out.getvalue()
    assert "created 10 synthetic members in FR" in out.getvalue()
    first = register_size()
    again = io.StringIO()
    call_command("demo", "--members", "40", "--seed", "7", "--no-serve", stdout=again)
    assert register_size() == first
    assert "created" not in again.getvalue()


# --- the real executable ------------------------------------------------------------------------------


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COOPGOV), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh SQLite database set up by `coopgov demo --members 0 --no-serve`."""
    if not COOPGOV.exists():
        pytest.skip(f"the coopgov executable is not installed beside {sys.executable}")
    folder = tmp_path_factory.mktemp("coopgov-site")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(DATABASE_URL=f"sqlite:///{folder / 'site.sqlite3'}", COOPGOV_VAR_DIR=str(folder))
    done = run(env, "demo", "--members", "0", "--no-serve")
    assert done.returncode == 0, done.stderr
    assert "Organisation set up" in done.stdout
    # A small French register, imported in three files: three audited acts for the audit tests.
    for number in (1, 2, 3):
        path = write_csv(folder / f"fr-{number}.csv", [good_row(number, category="1", antenna="Paris")])
        imported = run(env, "import_register", "--coop", "FR", str(path))
        assert imported.returncode == 0, imported.stderr
    return env


def test_import_then_export_through_the_executable(site, tmp_path):
    rows = [good_row(101), good_row(102, status="candidate", admitted_on="", shares="0", paid_in_eur="0")]
    done = run(site, "import_register", "--coop", "BE", str(write_csv(tmp_path / "good.csv", rows)))
    assert done.returncode == 0, done.stderr
    assert "imported 2 members into BE" in done.stdout

    exported = run(site, "export_register", "--coop", "BE", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    by_number = {r["member_number"]: r for r in csv.DictReader(io.StringIO(exported.stdout))}
    assert by_number["101"]["status"] == "admitted" and by_number["101"]["shares"] == "3"
    assert by_number["102"]["status"] == "candidate"

    past = run(site, "export_register", "--coop", "BE", "--format", "json", "--at", "2021-02-20")
    assert past.returncode == 0, past.stderr
    assert '"member_number": 101' in past.stdout and '"status": "candidate"' in past.stdout


def test_a_bad_file_exits_non_zero_names_line_and_column_and_writes_nothing(site, tmp_path):
    before = run(site, "export_register", "--coop", "BE").stdout
    rows = [good_row(201), good_row(202, language="klingon")]
    done = run(site, "import_register", "--coop", "BE", str(write_csv(tmp_path / "bad.csv", rows)))
    assert done.returncode == 1
    assert "line 3, column language" in done.stderr and "nothing imported" in done.stderr
    assert run(site, "export_register", "--coop", "BE").stdout == before


def test_a_non_utf8_file_exits_non_zero(site, tmp_path):
    path = write_csv(tmp_path / "latin1.csv", [good_row(301, last_name="Lefèvre")])
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    done = run(site, "import_register", "--coop", "BE", str(path))
    assert done.returncode == 1 and "not UTF-8" in done.stderr


def test_unknown_cooperative_and_bad_arguments_exit_non_zero(site, tmp_path):
    assert run(site, "import_register", "--coop", "XX", str(tmp_path / "x.csv")).returncode == 1
    assert run(site, "export_register", "--coop", "BE", "--at", "yesterday").returncode == 1
    assert run(site, "export_register", "--coop", "BE", "--format", "xml").returncode == 2
    assert run(site, "demo", "--members", "-3", "--no-serve").returncode == 2


def test_membership_check_prints_the_answer_and_its_reasons(site):
    done = run(
        site,
        "membership_check",
        "--coop",
        "FR",
        "--member",
        "1",
        "--service",
        "invoice_client",
        "--language",
        "en",
    )
    assert done.returncode == 0, done.stderr
    answer, *reasons = done.stdout.splitlines()
    assert answer.startswith(("yes: ", "no: "))
    assert reasons and all(r.strip().startswith(("+ ", "- ")) for r in reasons)
    missing = run(site, "membership_check", "--coop", "FR", "--member", "999", "--service", "invoice_client")
    assert missing.returncode == 1 and "no member number 999" in missing.stderr


def test_verify_audit_passes_then_names_a_tampered_entry(site):
    intact = run(site, "verify_audit")
    assert intact.returncode == 0 and "audit chain intact" in intact.stdout
    database = site["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        seq = db.execute("SELECT seq FROM audit_auditentry ORDER BY seq LIMIT 1 OFFSET 2").fetchone()[0]
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_auditentry SET after = '{\"forged\": true}' WHERE seq = ?", (seq,))
    broken = run(site, "verify_audit")
    assert broken.returncode == 1
    assert f"entry #{seq}" in broken.stderr
