"""The pages of the opinion conversations: the list, opening one, reacting by three buttons, changing a
reaction, submitting a statement, moderating, the map with its text alternative and "why am I in this
group", in English and in French; bad input shows a clear error and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from coopgov.audit.models import AuditEntry
from coopgov.conversations import services
from coopgov.conversations.models import Conversation, MapSnapshot, Reaction, Statement
from tests.conversations.builders import SEEDS, conversation, member, plant_groups
from tests.followup.builders import officer
from tests.organisation.world import World


def _state() -> tuple[int, ...]:
    return (Conversation.objects.count(), Statement.objects.count(), Reaction.objects.count())


def test_staff_open_a_conversation_from_the_list(client: Any, world: World) -> None:
    client.force_login(officer(world, "staff", "cooperative BE"))
    page = client.get(reverse("conversations:list")).content.decode()
    assert reverse("conversations:new", args=["BE"]) in page
    assert reverse("conversations:new", args=["BE-BRUXELLES"]) in page
    form = {
        "title": "Vie d'antenne",
        "question": "Que changer ?",
        "slug": "",
        "members_may_submit": "on",
        "moderate_first": "on",
        "seeds": "Plus de réunions.\n\nMoins de réunions.\n",
    }
    done = client.post(reverse("conversations:new", args=["BE"]), form)
    conv = Conversation.objects.get()
    assert done.status_code == 302 and done["Location"] == conv.get_absolute_url()
    assert conv.slug == "vie-dantenne"
    assert list(conv.statements.values_list("text", flat=True)) == ["Plus de réunions.", "Moins de réunions."]


def test_a_bad_new_conversation_shows_the_error_and_records_nothing(client: Any, world: World) -> None:
    client.force_login(officer(world, "staff", "cooperative BE"))
    form = {"title": "Titre", "question": "Q ?", "seeds": "Bien.\n" + "z" * 300}
    page = client.post(reverse("conversations:new", args=["BE"]), form)
    assert page.status_code == 400
    assert "Seed statements, line 2: A statement has at most 280 characters; this one has 300." in (
        page.content.decode()
    )
    assert _state() == (0, 0, 0)


def test_a_member_reacts_with_three_buttons_and_sees_what_is_left(client: Any, world: World) -> None:
    conv = conversation(world, seeds=SEEDS[:3])
    first, second, _third = conv.statements.order_by("pk")
    client.force_login(world.member_user)
    listing = client.get(reverse("conversations:list")).content.decode()
    assert conv.get_absolute_url() in listing
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "Que devrait changer Smart ?" in page
    assert "3 statements left to react to." in page
    assert first.text.replace("'", "&#x27;") in page
    for label in ("Agree", "Disagree", "Pass / unsure"):
        assert f">{label}</button>" in page
    done = client.post(
        reverse("conversations:react", args=[conv.slug]), {"statement": first.pk, "vote": "agree"}
    )
    assert done.status_code == 302 and done["Location"].endswith("#next")
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "2 statements left to react to." in page
    assert "Your reactions" in page and "Your reaction: <strong>Agree</strong>" in page
    assert "Change to disagree" in page
    # Changing one's mind updates the same reaction.
    client.post(reverse("conversations:react", args=[conv.slug]), {"statement": first.pk, "vote": "disagree"})
    assert list(Reaction.objects.values_list("statement_id", "vote")) == [(first.pk, -1)]
    client.post(reverse("conversations:react", args=[conv.slug]), {"statement": second.pk, "vote": "pass"})
    assert Reaction.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"statement": "x", "vote": "agree"},
            "Choose agree, disagree or pass on a statement of this conversation.",
        ),
        ({"statement": "999999", "vote": "agree"}, "Choose agree, disagree or pass"),
        ({"vote": "maybe"}, "Choose agree, disagree or pass"),
        ("pending", "This statement is waiting for moderation: it cannot be reacted to yet."),
        ("rejected", "This statement was rejected by the moderators: it cannot be reacted to."),
        ("closed", "This conversation is closed: reactions are no longer taken."),
    ],
)
def test_a_bad_reaction_shows_a_clear_error_and_changes_nothing(
    client: Any, world: World, data: Any, message: str
) -> None:
    conv = conversation(world)
    author = member(world, 1)
    statement = conv.statements.first()
    if data == "pending":
        statement = services.statement_submit(conversation=conv, text="En attente.", actor=author)
    elif data == "rejected":
        pending = services.statement_submit(conversation=conv, text="Rejetée.", actor=author)
        statement = services.statement_moderate(
            statement=pending, accept=False, reason="Hors sujet.", actor=officer(world, "staff", "group")
        )
    elif data == "closed":
        services.conversation_close(conversation=conv, actor=officer(world, "staff", "group"))
    assert statement is not None
    if isinstance(data, str):
        data = {"statement": statement.pk, "vote": "agree"}
    before = _state()
    client.force_login(world.member_user)
    page = client.post(reverse("conversations:react", args=[conv.slug]), data)
    assert page.status_code == 400
    text = page.content.decode()
    assert message in text
    assert 'role="alert"' in text
    assert _state() == before


def test_an_unknown_conversation_is_a_clear_404(client: Any, world: World) -> None:
    client.force_login(world.member_user)
    page = client.get(reverse("conversations:detail", args=["nope"]))
    assert page.status_code == 404
    assert client.post(reverse("conversations:react", args=["nope"]), {"vote": "agree"}).status_code == 404
    assert client.get(reverse("conversations:new", args=["NOPE"])).status_code == 404


def test_a_member_submits_a_statement_and_reads_why_it_was_rejected(client: Any, world: World) -> None:
    conv = conversation(world)
    client.force_login(world.member_user)
    url = reverse("conversations:submit", args=[conv.slug])
    done = client.post(url, {"text": "  Des permanences le samedi.  "})
    assert done.status_code == 302
    statement = Statement.objects.get(text="Des permanences le samedi.")
    assert statement.status == "pending"
    for bad, message in (("   ", "A statement cannot be empty."), ("w" * 281, "at most 280 characters")):
        before = _state()
        page = client.post(url, {"text": bad})
        assert page.status_code == 400
        assert message in page.content.decode()
        assert _state() == before
    services.statement_moderate(
        statement=statement,
        accept=False,
        reason="Déjà proposé ailleurs.",
        actor=officer(world, "staff", "group"),
    )
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "Your statements" in page
    assert "Rejected" in page and "Déjà proposé ailleurs." in page


def test_moderators_accept_and_reject_with_a_reason_on_their_page(client: Any, world: World) -> None:
    conv = conversation(world)
    one = services.statement_submit(conversation=conv, text="Idée une.", actor=world.member_user)
    two = services.statement_submit(conversation=conv, text="Idée deux.", actor=world.member_user)
    client.force_login(world.member_user)
    assert client.get(reverse("conversations:moderate", args=[conv.slug])).status_code == 403
    client.force_login(officer(world, "moderator", "cooperative BE"))
    page = client.get(reverse("conversations:moderate", args=[conv.slug])).content.decode()
    assert "2 statements waiting" in page and "Idée une." in page
    url = reverse("conversations:moderate_statement", args=[conv.slug, one.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 302
    url = reverse("conversations:moderate_statement", args=[conv.slug, two.pk])
    refused = client.post(url, {"decision": "reject", "reason": ""})
    assert refused.status_code == 400
    assert "Say why the statement is rejected" in refused.content.decode()
    assert client.post(url, {"decision": "reject", "reason": "Hors sujet."}).status_code == 302
    assert dict(Statement.objects.filter(pk__in=[one.pk, two.pk]).values_list("text", "status")) == {
        "Idée une.": "accepted",
        "Idée deux.": "rejected",
    }
    assert AuditEntry.objects.filter(action="conversation.statement_moderated").count() == 2
    # A moderator does not write seeds; staff do, on the same page.
    assert (
        client.post(reverse("conversations:seed", args=[conv.slug]), {"text": "Graine."}).status_code == 403
    )
    client.force_login(officer(world, "staff", "cooperative BE"))
    assert (
        client.post(reverse("conversations:seed", args=[conv.slug]), {"text": "Graine."}).status_code == 302
    )
    assert Statement.objects.get(text="Graine.").is_seed


def test_staff_close_the_conversation_from_its_page(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    conv = conversation(world)
    client.force_login(world.member_user)
    assert client.post(reverse("conversations:close", args=[conv.slug])).status_code == 403
    client.force_login(officer(world, "staff", "cooperative BE"))
    assert "Close the conversation" in client.get(conv.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("conversations:close", args=[conv.slug])).status_code == 302
    conv.refresh_from_db()
    assert conv.status == "closed"
    client.force_login(world.member_user)
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "This conversation is closed" in page
    assert 'name="vote"' not in page


def test_the_map_page_shows_groups_their_statements_and_why_i_am_in_mine(client: Any, world: World) -> None:
    conv = conversation(world)
    planted = plant_groups(world, conv, (8, 7), noise=0.0)
    from coopgov.accounts.models import User

    me = User.objects.get(pk=next(iter(planted)))
    client.force_login(me)
    assert (
        "There is no map yet" in client.get(reverse("conversations:map", args=[conv.slug])).content.decode()
    )
    services.map_refresh(conversation=conv)
    page = client.get(reverse("conversations:map", args=[conv.slug])).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "15 members placed by how they reacted" in page
    assert page.count(">you</text>") == 1
    assert "Groups of members who reacted alike" in page  # the table: the map's text alternative
    assert "You are in group" in page
    assert "On 8 of the 8 statements you agreed or disagreed with" in page
    assert "% of group A agree, 0 % of the others" in page or "% of group B agree, 0 % of the others" in page
    assert "What brings members together" in page
    assert "What divides the groups" in page
    assert "Rule applied" in page
    assert "member" + "101@" not in page  # no one is named


def test_an_officer_reads_the_map_without_a_point_and_may_recompute_it(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    conv = conversation(world)
    plant_groups(world, conv, (6, 6))
    client.force_login(officer(world, "moderator", "cooperative BE"))
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("conversations:map_refresh", args=[conv.slug]))
    assert done.status_code == 302
    assert MapSnapshot.objects.filter(conversation=conv).count() == 1
    page = client.get(reverse("conversations:map", args=[conv.slug])).content.decode()
    assert ">you</text>" not in page
    assert "Where you are" not in page  # an officer reads the map; they are not a participant
    client.force_login(member(world, 901))
    newcomer = client.get(reverse("conversations:map", args=[conv.slug])).content.decode()
    assert "You are not on the map yet" in newcomer
    client.force_login(member(world, 900, coop=world.fr))
    assert client.get(reverse("conversations:map", args=[conv.slug])).status_code == 403
    assert client.post(reverse("conversations:map_refresh", args=[conv.slug])).status_code == 403


def test_the_pages_speak_french(client: Any, world: World) -> None:
    conv = conversation(world)
    plant_groups(world, conv, (6, 6), noise=0.0)
    services.map_refresh(conversation=conv)
    client.force_login(world.member_user)
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    listing = client.get(reverse("conversations:list"), **french).content.decode()
    assert "Conversations auxquelles vous pouvez participer" in listing
    page = client.get(conv.get_absolute_url(), **french).content.decode()
    assert ">D&#x27;accord</button>" in page or ">D’accord</button>" in page
    assert ">Pas d&#x27;accord</button>" in page or ">Pas d’accord</button>" in page
    assert "Encore 8 affirmations auxquelles réagir." in page
    world_map = client.get(reverse("conversations:map", args=[conv.slug]), **french).content.decode()
    assert "Carte des opinions" in world_map
    assert "Règle appliquée" in world_map
    assert "% du groupe A sont d’accord" in world_map


def test_a_large_map_draws_a_random_sample_and_says_so(
    client: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coopgov.accounts.models import User
    from coopgov.conversations import selectors

    conv = conversation(world)
    planted = plant_groups(world, conv, (8, 8), noise=0.0)
    services.map_refresh(conversation=conv)
    monkeypatch.setattr(selectors, "MAX_POINTS_DRAWN", 5)
    client.force_login(User.objects.get(pk=next(iter(planted))))
    page = client.get(reverse("conversations:map", args=[conv.slug])).content.decode()
    # Five others, and the viewer's own point always.
    assert "The drawing shows 6 of the 16 members on the map, chosen at random" in page
    assert page.count("<circle") - page.count('r="12"') <= 6 + 1
    again = client.get(reverse("conversations:map", args=[conv.slug])).content.decode()

    def drawing(html: str) -> str:
        return html[html.index("<svg viewBox") : html.index("</svg>")]

    assert drawing(again) == drawing(page)  # the same sample for every view of a snapshot
