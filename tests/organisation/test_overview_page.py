"""The organisation page shows every member how the group is governed, in a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from coopgov.accounts.models import User
from coopgov.members.demo import setup_organisation
from coopgov.members.models import Person
from coopgov.organisation.models import Body, Mandate

pytestmark = pytest.mark.django_db


def test_a_member_sees_cooperatives_their_legal_form_bodies_and_antennas(client):
    units = setup_organisation()
    person = Person.objects.create(
        kind="natural", first_name="Lotte", last_name="Maes", profiles=["entrepreneur"]
    )
    board = Body.objects.get(unit=units["BE"], kind=Body.Kind.BOARD)
    Mandate.objects.create(
        person=person,
        body=board,
        role="présidente",
        starts_on=date(2024, 6, 20),
        appointed_how=Mandate.Appointment.ELECTED,
    )
    client.force_login(User.objects.create_user(email="m@test.example", password="a-long-test-password"))
    response = client.get(reverse("organisation:overview"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Smart Belgium", "Smart France", "Liège", "Béthune", "Lotte Maes", "présidente"):
        assert text in page


def test_the_organisation_page_query_count_does_not_grow_with_mandates(client, django_assert_max_num_queries):
    units = setup_organisation()
    board = Body.objects.get(unit=units["FR"], kind=Body.Kind.BOARD)
    for k in range(30):
        person = Person.objects.create(kind="natural", first_name="P", last_name=f"N{k}", profiles=["other"])
        Mandate.objects.create(
            person=person, body=board, starts_on=date(2025, 1, 1), appointed_how=Mandate.Appointment.ELECTED
        )
    client.force_login(User.objects.create_user(email="m@test.example", password="a-long-test-password"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("organisation:overview")).status_code == 200
