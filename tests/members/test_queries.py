"""Query counts of the register's pages and API: independent of the page size and of a member's history."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopgov.domain.governance.shares import MovementKind
from coopgov.members import services
from coopgov.members.models import Membership
from tests.members.builders import ACTOR, days_ago
from tests.members.test_import_export import good_row, write_csv

pytestmark = pytest.mark.django_db

# The member page: session and user, roles, MFA check, cooperative, membership, holdings (classes and sums),
# ledger lines, status history, forms' choices, the header's unread-notice count, the cooperatives whose
# register the navigation links (staff of the group). Pinned so that a change that adds queries is noticed.
MEMBER_PAGE_QUERIES = 14


@pytest.fixture
def register(org, tmp_path):
    """60 members of BE, in several antennas and categories: page 1 shows 50 rows, page 2 shows 10."""
    antennas = ["Gent", "Namur", "Bruxelles"]
    rows = [
        good_row(n, antenna=antennas[n % 3], category="AB"[n % 2], last_name=f"Nom{n:03d}")
        for n in range(1, 61)
    ]
    call_command(
        "import_register", "--coop", "BE", str(write_csv(tmp_path / "r.csv", rows)), stdout=io.StringIO()
    )
    assert Membership.objects.filter(cooperative=org.be).count() == 60
    return org


def queries(client, url: str, params: dict[str, object] | None = None) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries), response.content


def test_register_page_makes_as_many_queries_for_10_rows_as_for_50(register, staff_client):
    full, full_html = queries(staff_client, "/register/BE/")
    short, short_html = queries(staff_client, "/register/BE/", {"page": 2})
    assert full_html.count(b"<tr>") == 51 and short_html.count(b"<tr>") == 11  # header row + members
    assert short == full


def test_filtered_register_page_makes_as_many_queries_as_the_unfiltered_one(register, staff_client):
    full, _ = queries(staff_client, "/register/BE/")
    filtered, html = queries(staff_client, "/register/BE/", {"antenna": "BE-GENT", "status": "admitted"})
    assert b"Nom003" in html and b"Nom004" not in html
    assert filtered == full


def test_api_member_list_makes_as_many_queries_for_limit_10_as_for_50(register, staff_client):
    ten, ten_body = queries(staff_client, "/api/v1/cooperatives/BE/members", {"limit": 10})
    fifty, fifty_body = queries(staff_client, "/api/v1/cooperatives/BE/members", {"limit": 50})
    assert ten_body.count(b'"number"') == 10 and fifty_body.count(b'"number"') == 50
    assert ten == fifty


def test_member_page_query_count_is_pinned_and_independent_of_the_ledger_length(
    register, staff_client, django_assert_num_queries
):
    short = Membership.objects.get(cooperative=register.be, number=1)
    long = Membership.objects.get(cooperative=register.be, number=2)
    share_class = register.share_class(register.be)
    for _ in range(8):
        services.share_movement_record(
            membership=long,
            kind=MovementKind.SUBSCRIPTION,
            share_class=share_class,
            on=days_ago(5),
            actor=ACTOR,
            quantity=1,
        )
        services.share_movement_record(
            membership=long,
            kind=MovementKind.PAYMENT,
            share_class=share_class,
            on=days_ago(5),
            actor=ACTOR,
            amount_eur=Decimal(30),
        )
    with django_assert_num_queries(MEMBER_PAGE_QUERIES):
        response = staff_client.get(f"/register/BE/{short.number}/")
    assert response.status_code == 200
    with django_assert_num_queries(MEMBER_PAGE_QUERIES):
        response = staff_client.get(f"/register/BE/{long.number}/")
    assert response.status_code == 200
