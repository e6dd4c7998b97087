"""Opinion conversations: opening and closing, seed and member statements, moderation, reactions (one per
member, changeable), the next statement, the map computed from the reactions, and bad input that changes
nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from coopgov.audit.models import AuditEntry
from coopgov.conversations import selectors, services
from coopgov.conversations.models import Conversation, MapSnapshot, Reaction, Statement
from tests.conversations.builders import SEEDS, conversation, member, plant_groups
from tests.followup.builders import officer
from tests.organisation.world import World


def _state() -> tuple[int, ...]:
    return (
        Conversation.objects.count(),
        Statement.objects.count(),
        Reaction.objects.count(),
        AuditEntry.objects.count(),
        MapSnapshot.objects.count(),
    )


def test_a_conversation_is_opened_with_its_seeds_and_audited(world: World) -> None:
    conv = conversation(world)
    assert conv.is_open and conv.unit == world.be and conv.slug == "avenir"
    assert conv.get_absolute_url() == "/conversations/avenir/"
    seeds = list(conv.statements.all())
    assert [s.text for s in seeds] == list(SEEDS)
    assert all(s.is_seed and s.status == Statement.Status.ACCEPTED for s in seeds)
    actions = list(
        AuditEntry.objects.filter(action__startswith="conversation.").values_list("action", flat=True)
    )
    assert actions == ["conversation.created"] + ["conversation.statement_seeded"] * len(SEEDS)
    created = AuditEntry.objects.get(action="conversation.created")
    assert created.after["slug"] == "avenir" and created.after["seeds"] == len(SEEDS)


def test_the_address_is_made_from_the_title_when_none_is_given(world: World) -> None:
    conv = services.conversation_create(
        unit=world.be,
        request=services.ConversationRequest(title="Vie d'antenne : quoi changer ?", question="Q ?"),
        actor=officer(world, "staff", "cooperative BE"),
    )
    assert conv.slug == "vie-dantenne-quoi-changer"


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"title": "  "}, "title", "Give the conversation a title."),
        ({"question": ""}, "question", "Write the question put to the members."),
        ({"slug": "Pas Bon!"}, "slug", "lowercase letters, digits and hyphens"),
        ({"slug": "new"}, "slug", "lowercase letters"),
        (
            {"seeds": ("Une idée.", "   ", "x" * 281)},
            "too_long",
            "Seed statements, line 3: A statement has at most 280",
        ),
        ({"seeds": ("Une idée.", "une  idée.")}, "duplicate", "is already a statement"),
    ],
)
def test_a_bad_conversation_is_refused_and_records_nothing(
    world: World, changes: dict[str, Any], code: str, message: str
) -> None:
    staff = officer(world, "staff", "cooperative BE")
    before = _state()
    base: dict[str, Any] = {"title": "Titre", "question": "Question ?", "slug": "titre"}
    base.update(changes)
    with pytest.raises(services.ConversationRefused) as refused:
        services.conversation_create(unit=world.be, request=services.ConversationRequest(**base), actor=staff)
    assert refused.value.code == code
    assert message in refused.value.message
    assert _state() == before


def test_an_address_already_taken_is_refused(world: World) -> None:
    conversation(world)
    before = _state()
    with pytest.raises(services.ConversationRefused) as refused:
        conversation(world)
    assert refused.value.message == "The address avenir is already taken; choose another."
    assert _state() == before


def test_a_conversation_is_not_held_in_a_community(world: World) -> None:
    from coopgov.organisation.models import Unit

    community = Unit.objects.create(kind=Unit.Kind.COMMUNITY, code="COMM-X", name="X", parent=world.group)
    with pytest.raises(services.ConversationRefused) as refused:
        conversation(world, community)
    assert refused.value.code == "unit_kind"


def test_a_member_reacts_changes_their_mind_and_keeps_one_reaction(world: World) -> None:
    conv = conversation(world)
    statement = conv.statements.first()
    assert statement is not None
    before = AuditEntry.objects.count()
    first = services.reaction_cast(statement=statement, vote="agree", actor=world.member_user)
    again = services.reaction_cast(statement=statement, vote="disagree", actor=world.member_user)
    assert first.pk == again.pk
    reaction = Reaction.objects.get()
    assert reaction.vote == -1
    assert reaction.updated_at >= reaction.created_at
    assert AuditEntry.objects.count() == before  # reactions are not audited one by one


def test_the_database_holds_one_reaction_per_member_and_statement(world: World) -> None:
    conv = conversation(world)
    statement = conv.statements.first()
    assert statement is not None
    Reaction.objects.create(statement=statement, user=world.member_user, vote=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(statement=statement, user=world.member_user, vote=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.filter(statement=statement).update(vote=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(conversation=conv, text="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(status="rejected", rejection_reason="")


def test_a_lost_race_for_the_first_reaction_is_retried_as_an_update(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A concurrent first reaction of the same member wins the insert: the retry updates its row."""
    conv = conversation(world)
    statement = conv.statements.first()
    assert statement is not None
    real = Reaction.objects.update_or_create
    calls = []

    def racing(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            Reaction.objects.create(statement=statement, user=world.member_user, vote=1)
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(**kwargs)

    monkeypatch.setattr(Reaction.objects, "update_or_create", racing)
    services.reaction_cast(statement=statement, vote="pass", actor=world.member_user)
    assert len(calls) == 2
    assert list(Reaction.objects.values_list("vote", flat=True)) == [0]


@pytest.mark.parametrize("vote", [2, "5", "yes", True, None])
def test_a_reaction_other_than_agree_disagree_or_pass_is_refused(world: World, vote: Any) -> None:
    conv = conversation(world)
    statement = conv.statements.first()
    assert statement is not None
    with pytest.raises(services.ConversationRefused) as refused:
        services.reaction_cast(statement=statement, vote=vote, actor=world.member_user)
    assert refused.value.code == "vote"
    assert not Reaction.objects.exists()


def test_reacting_to_a_statement_not_accepted_or_in_a_closed_conversation_changes_nothing(
    world: World,
) -> None:
    conv = conversation(world)
    author = member(world, 1)
    pending = services.statement_submit(conversation=conv, text="Une nouvelle idée.", actor=author)
    moderator = officer(world, "moderator", "cooperative BE")
    other = services.statement_submit(conversation=conv, text="Une idée hors sujet.", actor=author)
    rejected = services.statement_moderate(
        statement=other, accept=False, reason="Hors sujet.", actor=moderator
    )
    before = _state()
    for statement, message in ((pending, "waiting for moderation"), (rejected, "rejected by the moderators")):
        with pytest.raises(services.ConversationRefused) as refused:
            services.reaction_cast(statement=statement, vote="agree", actor=world.member_user)
        assert message in refused.value.message
    services.conversation_close(conversation=conv, actor=officer(world, "staff", "cooperative BE"))
    before = _state()
    seed = conv.statements.filter(is_seed=True).first()
    assert seed is not None
    with pytest.raises(services.ConversationRefused) as refused:
        services.reaction_cast(statement=seed, vote="agree", actor=world.member_user)
    assert refused.value.code == "closed"
    with pytest.raises(services.ConversationRefused):
        services.statement_submit(conversation=conv, text="Encore une idée.", actor=world.member_user)
    with pytest.raises(services.ConversationRefused):
        services.conversation_close(conversation=conv, actor=officer(world, "staff", "cooperative BE"))
    assert _state() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "A statement cannot be empty."),
        ("   \n\t ", "A statement cannot be empty."),
        ("x" * 281, "A statement has at most 280 characters; this one has 281."),
    ],
)
def test_an_empty_or_over_long_statement_is_refused_and_changes_nothing(
    world: World, text: str, message: str
) -> None:
    conv = conversation(world)
    staff = officer(world, "staff", "cooperative BE")
    before = _state()
    with pytest.raises(services.ConversationRefused) as refused:
        services.statement_submit(conversation=conv, text=text, actor=world.member_user)
    assert refused.value.message == message
    with pytest.raises(services.ConversationRefused):
        services.statement_seed(conversation=conv, text=text, actor=staff)
    assert _state() == before


def test_a_statement_is_stripped_and_280_characters_are_allowed(world: World) -> None:
    conv = conversation(world)
    statement = services.statement_submit(
        conversation=conv, text="  " + "y" * 280 + " \n", actor=world.member_user
    )
    assert statement.text == "y" * 280
    assert statement.status == Statement.Status.PENDING
    assert statement.author == world.member_user


def test_a_statement_already_in_the_conversation_is_refused(world: World) -> None:
    conv = conversation(world)
    with pytest.raises(services.ConversationRefused) as refused:
        services.statement_submit(conversation=conv, text=SEEDS[0].upper(), actor=world.member_user)
    assert refused.value.code == "duplicate"


def test_without_moderation_first_a_member_s_statement_is_shown_at_once(world: World) -> None:
    conv = conversation(world, moderate_first=False)
    statement = services.statement_submit(conversation=conv, text="Une idée.", actor=world.member_user)
    assert statement.status == Statement.Status.ACCEPTED


def test_a_conversation_may_refuse_members_statements(world: World) -> None:
    conv = conversation(world, members_may_submit=False)
    with pytest.raises(services.ConversationRefused) as refused:
        services.statement_submit(conversation=conv, text="Une idée.", actor=world.member_user)
    assert refused.value.code == "no_submissions"


def test_moderation_accepts_or_rejects_with_a_reason_the_author_reads_and_is_audited(world: World) -> None:
    conv = conversation(world)
    moderator = officer(world, "moderator", "cooperative BE")
    first = services.statement_submit(conversation=conv, text="Idée une.", actor=world.member_user)
    second = services.statement_submit(conversation=conv, text="Idée deux.", actor=world.member_user)
    with pytest.raises(services.ConversationRefused) as refused:
        services.statement_moderate(statement=second, accept=False, reason="  ", actor=moderator)
    assert refused.value.code == "reason"
    assert selectors.moderation_queue(conv) == [first, second]
    services.statement_moderate(statement=first, accept=True, actor=moderator)
    services.statement_moderate(
        statement=second, accept=False, reason="Elle répète la première.", actor=moderator
    )
    assert selectors.moderation_queue(conv) == []
    mine = {s.text: s for s in selectors.statements_by(conv, world.member_user)}
    assert mine["Idée une."].status == "accepted"
    assert mine["Idée deux."].rejection_reason == "Elle répète la première."
    entries = AuditEntry.objects.filter(action="conversation.statement_moderated").order_by("pk")
    assert [(e.before["status"], e.after["status"]) for e in entries] == [
        ("pending", "accepted"),
        ("pending", "rejected"),
    ]
    assert entries[1].after["reason"] == "Elle répète la première."
    # A decision may be changed, but not repeated.
    services.statement_moderate(statement=second, accept=True, actor=moderator)
    with pytest.raises(services.ConversationRefused) as again:
        services.statement_moderate(statement=second, accept=True, actor=moderator)
    assert again.value.code == "unchanged"


def test_closing_is_audited_and_queues_the_last_map(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    conv = conversation(world)
    seed = conv.statements.first()
    assert seed is not None
    services.reaction_cast(statement=seed, vote="agree", actor=world.member_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_close(conversation=conv, actor=officer(world, "staff", "cooperative BE"))
    conv.refresh_from_db()
    assert conv.status == "closed" and conv.closed_at is not None
    entry = AuditEntry.objects.get(action="conversation.closed")
    assert entry.before == {"status": "open"}
    assert MapSnapshot.objects.filter(conversation=conv).count() == 1


def test_the_next_statement_has_the_fewest_reactions_then_is_the_oldest(world: World) -> None:
    conv = conversation(world, seeds=SEEDS[:4])
    s1, s2, s3, s4 = conv.statements.order_by("pk")
    others = [member(world, n) for n in range(3)]
    for user in others:
        services.reaction_cast(statement=s1, vote="agree", actor=user)
    services.reaction_cast(statement=s2, vote="agree", actor=others[0])
    me = world.member_user
    assert selectors.remaining(conv, me) == 4
    assert selectors.next_statement(conv, me) == s3  # 0 reactions, older than s4
    services.reaction_cast(statement=s3, vote="pass", actor=me)
    assert selectors.next_statement(conv, me) == s4
    services.reaction_cast(statement=s4, vote="pass", actor=me)
    assert selectors.next_statement(conv, me) == s2  # 1 reaction before s1's 3
    services.reaction_cast(statement=s2, vote="pass", actor=me)
    services.reaction_cast(statement=s1, vote="pass", actor=me)
    assert selectors.next_statement(conv, me) is None
    assert selectors.remaining(conv, me) == 0
    pending = services.statement_submit(conversation=conv, text="En attente.", actor=others[0])
    assert selectors.next_statement(conv, me) is None  # a pending statement is not shown
    services.statement_moderate(statement=pending, accept=True, actor=officer(world, "staff", "group"))
    assert selectors.next_statement(conv, me) == pending


def test_a_reaction_queues_a_map_at_most_once_a_minute(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    conv = conversation(world, seeds=SEEDS[:3])
    s1, s2, s3 = conv.statements.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.reaction_cast(statement=s1, vote="agree", actor=world.member_user)
    assert len(callbacks) == 1
    assert MapSnapshot.objects.filter(conversation=conv).count() == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.reaction_cast(statement=s2, vote="agree", actor=world.member_user)
    assert callbacks == []  # the map is less than a minute old
    MapSnapshot.objects.update(computed_at=timezone.now() - timedelta(seconds=61))
    Conversation.objects.update(map_requested_at=timezone.now() - timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.reaction_cast(statement=s3, vote="agree", actor=world.member_user)
    assert len(callbacks) == 1
    assert MapSnapshot.objects.filter(conversation=conv).count() == 2
    latest = selectors.latest_snapshot(conv)
    assert latest is not None and latest.votes == 3


def test_the_map_recovers_planted_groups_and_what_sets_them_apart(world: World) -> None:
    conv = conversation(world)
    planted = plant_groups(world, conv, (12, 10, 8))
    snapshot = services.map_refresh(conversation=conv)
    assert (snapshot.participants, snapshot.statements, snapshot.votes) == (30, 8, 240)
    result = snapshot.result
    assert sorted(g["size"] for g in result["groups"]) == [8, 10, 12]
    found: dict[int, set[int]] = {}
    for user_id, (_x, _y, group) in result["points"].items():
        found.setdefault(group, set()).add(planted[int(user_id)])
    assert sorted(len(v) for v in found.values()) == [1, 1, 1]  # each group is one planted group
    statements = list(conv.statements.order_by("pk").values_list("pk", flat=True))
    for g in result["groups"]:
        planted_group = next(iter(found[g["index"]]))
        agreed = {r["statement"] for r in g["representative"] if r["direction"] == "agree"}
        assert agreed <= {s for i, s in enumerate(statements) if i % 3 == planted_group}
        assert agreed
    view = selectors.map_view(snapshot, world.member_user)
    line = view.groups[0].representative[0]
    assert line.percent is not None and line.percent >= 75
    assert line.others_percent is not None and line.others_percent <= 25
    assert view.divisive
    assert view.in_map == 30 and view.you is None


def test_a_member_sees_their_point_their_group_and_why(world: World) -> None:
    conv = conversation(world, seeds=SEEDS[:6])
    planted = plant_groups(world, conv, (8, 8), noise=0.0)
    me = next(u for u, g in planted.items() if g == 1)
    from coopgov.accounts.models import User

    user = User.objects.get(pk=me)
    view = selectors.map_view(services.map_refresh(conversation=conv), user)
    assert view.you is not None and view.your_group is not None
    assert view.your_group.size == 8
    assert view.compared == 6
    assert len(view.like_your_group) == 6  # no noise: they reacted as their whole group did
    assert all(line.percent == 100 for line in view.like_your_group)
    assert len(view.points) == 15  # the others, unnamed


def test_rejected_and_pending_statements_are_left_out_of_the_map(world: World) -> None:
    conv = conversation(world, seeds=SEEDS[:6])
    plant_groups(world, conv, (6, 6))
    target = conv.statements.order_by("pk").first()
    assert target is not None
    services.statement_moderate(
        statement=target,
        accept=False,
        reason="Mal formulée.",
        actor=officer(world, "moderator", "cooperative BE"),
    )
    services.statement_submit(conversation=conv, text="Pas encore modérée.", actor=world.member_user)
    snapshot = services.map_refresh(conversation=conv)
    assert str(target.pk) not in snapshot.result["statements"]
    assert len(snapshot.result["statements"]) == 5
    assert snapshot.statements == 5 and snapshot.votes == 12 * 5
    shown = {r["statement"] for g in snapshot.result["groups"] for r in g["representative"]}
    assert target.pk not in shown


def test_a_small_map_shows_no_groups_so_no_group_is_one_person(world: World) -> None:
    conv = conversation(world, seeds=SEEDS[:6])
    plant_groups(world, conv, (2, 2))
    snapshot = services.map_refresh(conversation=conv)
    assert snapshot.result["groups"] == []
    assert {p[2] for p in snapshot.result["points"].values()} == {-1}
    assert len(snapshot.result["points"]) == 4
    empty = services.map_refresh(conversation=conversation(world, slug="vide"))
    assert (empty.participants, empty.votes, empty.result["points"]) == (0, 0, {})


def test_only_the_last_snapshots_are_kept(world: World) -> None:
    conv = conversation(world, seeds=SEEDS[:2])
    for _ in range(services.SNAPSHOTS_KEPT + 3):
        services.map_refresh(conversation=conv)
    assert MapSnapshot.objects.filter(conversation=conv).count() == services.SNAPSHOTS_KEPT


def test_the_command_refreshes_the_maps_out_of_date_or_one_by_its_address(world: World) -> None:
    conv = conversation(world, seeds=SEEDS[:3])
    quiet = conversation(world, slug="calme", seeds=SEEDS[:2])
    out = StringIO()
    call_command("refresh_opinion_maps", stdout=out)
    assert "every opinion map is up to date" in out.getvalue()
    statement = conv.statements.first()
    assert statement is not None
    services.reaction_cast(statement=statement, vote="agree", actor=world.member_user)
    out = StringIO()
    call_command("refresh_opinion_maps", stdout=out)
    assert "avenir: 1 participants, 3 statements, 1 reactions" in out.getvalue()
    assert "calme" not in out.getvalue()
    out = StringIO()
    call_command("refresh_opinion_maps", "calme", stdout=out)
    assert MapSnapshot.objects.filter(conversation=quiet).count() == 1
    with pytest.raises(CommandError, match="no conversation has the address nope"):
        call_command("refresh_opinion_maps", "nope")
