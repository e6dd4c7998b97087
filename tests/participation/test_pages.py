"""The process and proposal pages as a member, a moderator and the author see them; query counts pinned."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coopgov.accounts.models import User
from coopgov.participation import services
from coopgov.participation.models import Comment, Process, Proposal, Support
from tests.organisation.world import World, user_with_role


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # pages follow the browser when the account sets no language
    client.force_login(user)
    return client


def _proposals(process: Process, author: User, n: int) -> list[Proposal]:
    return [
        services.proposal_create(
            process=process, author=author, title=f"Idée {i}", body=f"Texte {i}", language="fr", actor=author
        )
        for i in range(n)
    ]


def test_a_member_proposes_through_the_form_and_lands_on_the_proposal(world: World, process: Process) -> None:
    client = _client(world.member_user)
    page = client.get(reverse("participation:propose", args=[process.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("participation:propose", args=[process.pk]),
        {"title": "Des vélos partagés", "body": "Pour les livraisons.", "language": "fr"},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    page = client.get(proposal.get_absolute_url())
    assert "Des vélos partagés" in page.content.decode()


def test_a_proposal_form_with_an_empty_title_says_which_field_and_saves_nothing(
    world: World, process: Process
) -> None:
    response = _client(world.member_user).post(
        reverse("participation:propose", args=[process.pk]), {"title": "", "body": "x", "language": "fr"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not Proposal.objects.exists()


def test_a_member_of_another_antenna_may_not_propose_here(world: World, process: Process) -> None:
    outsider = user_with_role(world, "none", "other antenna")
    response = _client(outsider).get(reverse("participation:propose", args=[process.pk]))
    assert response.status_code == 403


def test_support_comment_and_follow_through_the_pages(world: World, process: Process) -> None:
    author = user_with_role(world, "relay", "antenna Bruxelles")
    (proposal,) = _proposals(process, author, 1)
    client = _client(world.member_user)
    client.post(reverse("participation:support", args=[proposal.pk]), {"support": "1"})
    assert Support.objects.filter(user=world.member_user, proposal=proposal).exists()
    client.post(
        reverse("participation:comment", args=[proposal.pk]),
        {"body": "Bonne idée", "stance": "for", "language": "fr"},
    )
    comment = Comment.objects.get()
    client.post(
        reverse("participation:comment", args=[proposal.pk]),
        {"body": "Merci", "language": "fr", "parent": comment.pk},
    )
    assert Comment.objects.get(parent=comment).body == "Merci"
    client.post(reverse("participation:follow", args=["process", process.pk]), {"follow": "1"})
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Withdraw my support" in page and "Bonne idée" in page and 'id="comment-' in page


def test_an_empty_comment_is_refused_with_the_field_named(world: World, process: Process) -> None:
    (proposal,) = _proposals(process, world.member_user, 1)
    response = _client(world.member_user).post(
        reverse("participation:comment", args=[proposal.pk]), {"body": "", "stance": "for", "language": "fr"}
    )
    assert response.status_code == 422
    assert response.context["comment_form"].errors["body"]
    assert not Comment.objects.exists()


def test_a_hidden_comment_shows_its_reason_to_its_author_and_nothing_to_others(
    world: World, process: Process
) -> None:
    (proposal,) = _proposals(process, world.member_user, 1)
    writer = user_with_role(world, "relay", "antenna Bruxelles")
    comment = services.comment_add(proposal=proposal, author=writer, body="Texte blessant", language="fr")
    moderator = user_with_role(world, "moderator", "cooperative BE")
    response = _client(moderator).post(
        reverse("participation:moderate", args=["comment", comment.pk]),
        {"action": "hide", "reason": "Injurieux"},
    )
    assert response.status_code == 302
    as_author = _client(writer).get(proposal.get_absolute_url()).content.decode()
    assert "Texte blessant" in as_author and "Injurieux" in as_author
    as_other = _client(world.member_user).get(proposal.get_absolute_url()).content.decode()
    assert "Texte blessant" not in as_other and "hidden by a moderator" in as_other


def test_a_member_may_not_hide(world: World, process: Process) -> None:
    (proposal,) = _proposals(process, world.member_user, 1)
    response = _client(world.member_user).post(
        reverse("participation:moderate", args=["proposal", proposal.pk]), {"action": "hide", "reason": "x"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert not proposal.is_hidden


def test_the_reader_sees_the_translation_in_their_language_and_the_original_marked(
    world: World, process: Process
) -> None:
    (proposal,) = _proposals(process, world.member_user, 1)
    services.translation_add(
        target=proposal, language="nl", title="Idee nul", body="Tekst nul", actor=world.member_user
    )
    world.member_user.language = "nl"
    world.member_user.save()
    page = _client(world.member_user).get(proposal.get_absolute_url()).content.decode()
    assert '<h1 id="proposal-title" lang="nl">Idee nul</h1>' in page
    assert '<div lang="fr"><p>Texte 0</p></div>' in page


def _count_queries(client: Client, url: str, django_assert_max_num_queries: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?sort=supports&status=published&q=Id%C3%A9e&page=2"])
def test_the_process_page_costs_the_same_queries_for_5_or_45_proposals(
    world: World, process: Process, query: str, django_assert_max_num_queries: Any
) -> None:
    client = _client(world.member_user)
    url = process.get_absolute_url() + query
    _proposals(process, world.member_user, 5)
    small = _count_queries(client, url, django_assert_max_num_queries)
    _proposals(process, world.member_user, 40)
    large = _count_queries(client, url, django_assert_max_num_queries)
    assert small == large, (small, large)
    assert large == PROCESS_PAGE_QUERIES, large


def test_the_proposal_page_costs_the_same_queries_for_2_or_40_comments(
    world: World, process: Process, django_assert_max_num_queries: Any
) -> None:
    client = _client(world.member_user)
    (proposal,) = _proposals(process, world.member_user, 1)

    def add(n: int) -> None:
        for i in range(n):
            writer = User.objects.create_user(email=f"w{Comment.objects.count()}-{i}@example.org")
            parent = Comment.objects.filter(proposal=proposal).last()
            services.comment_add(proposal=proposal, author=writer, body="x", language="fr", parent=parent)

    add(2)
    small = _count_queries(client, proposal.get_absolute_url(), django_assert_max_num_queries)
    add(38)
    large = _count_queries(client, proposal.get_absolute_url(), django_assert_max_num_queries)
    assert small == large, (small, large)
    assert large == PROPOSAL_PAGE_QUERIES, large


# Session, user, roles, the reader's standing in the unit (one query for a member), unread notices, and the
# page's own reads (process page: process, phases, count, ids of the page, its rows, supports, follow;
# proposal page: proposal, count and page of threads, their replies, stances, amendments, attachments,
# support, follow, rolled-up sources, supports by standing). Pinned exactly so a regression shows.
PROCESS_PAGE_QUERIES = 12
PROPOSAL_PAGE_QUERIES = 16


def test_the_process_list_shows_the_processes_by_unit(world: World, process: Process) -> None:
    page = _client(world.member_user).get(reverse("participation:list")).content.decode()
    assert "Bruxelles" in page and process.title in page


def test_comments_come_twenty_threads_a_page_with_all_their_replies(world: World, process: Process) -> None:
    (proposal,) = _proposals(process, world.member_user, 1)
    first = None
    for i in range(45):
        comment = services.comment_add(
            proposal=proposal, author=world.member_user, body=f"c{i}", language="fr"
        )
        first = first or comment
    reply = services.comment_add(
        proposal=proposal, author=world.member_user, body="r", language="fr", parent=first
    )
    deeper = services.comment_add(
        proposal=proposal, author=world.member_user, body="rr", language="fr", parent=reply
    )
    assert deeper.root_id == first.pk  # type: ignore[union-attr]
    client = _client(world.member_user)
    one = client.get(proposal.get_absolute_url())
    assert [c.body for c in one.context["pp"].comments][:2] == ["c0", "c1"]
    assert len(one.context["pp"].comments) == 20
    assert [c.body for c in one.context["pp"].comments[0].thread] == ["r", "rr"]
    three = client.get(proposal.get_absolute_url(), {"comments": 3})
    assert [c.body for c in three.context["pp"].comments] == [f"c{i}" for i in range(40, 45)]


def test_the_search_ignores_case_and_accents_and_reads_translations(world: World, process: Process) -> None:
    one, two, _three = _proposals(process, world.member_user, 3)
    services.proposal_edit(
        proposal=one, title="Cours de Néerlandais", body="Le soir.", actor=world.member_user
    )
    services.translation_add(
        target=two, language="nl", title="Gedeelde werkplek", body="Een plek", actor=world.member_user
    )
    client = _client(world.member_user)

    def found(q: str) -> list[str]:
        page = client.get(process.get_absolute_url(), {"q": q}).context["p"].page
        return [p.title for p in page.object_list]

    assert found("neerlandais") == ["Cours de Néerlandais"]
    assert found("WERKPLEK") == ["Idée 1"]
    assert found("rien de tel") == []
