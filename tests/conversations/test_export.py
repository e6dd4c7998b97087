"""A conversation exported in Polis's format: the files Polis writes and the project's own reader reads,
members under numbers that name no one, a recount through the project's Polis reader and pipeline that
finds the very groups of the stored map, the command (all or nothing, clear errors) and the download
(staff of the unit only)."""

from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from sklearn.metrics import adjusted_rand_score

from coopgov.audit.models import AuditEntry
from coopgov.conversations import exporting, selectors, services
from coopgov.conversations.management.commands.export_conversation import Command
from coopgov.conversations.models import Conversation, MapSnapshot, Reaction, Statement
from coopgov.domain.formats.polis import (
    polis_mod_out,
    read_comments,
    read_participants_votes,
    read_votes,
)
from coopgov.domain.opinion import VoteMatrix, opinion_map
from coopgov.tools import opinions
from tests.conversations.builders import SEEDS, conversation, member, plant_groups
from tests.followup.builders import officer
from tests.organisation.world import World


def _built(world: World, sizes: tuple[int, ...] = (5, 5, 5)) -> tuple[Conversation, dict[int, int]]:
    """A conversation of BE with members in planted groups of ``sizes``, a member's statement accepted,
    reacted to, then rejected (moderated out), one waiting for moderation, a late member with two
    reactions (not on the map), a changed reaction, and its map."""
    conv = conversation(world)
    planted = plant_groups(world, conv, sizes)
    staff = officer(world, "staff", "cooperative BE")
    author = member(world, 1)
    submitted = services.statement_submit(
        conversation=conv, text="Les antennes devraient fusionner.", actor=author
    )
    services.statement_moderate(statement=submitted, accept=True, actor=staff)
    for user_id in list(planted)[:6]:
        user = Reaction.objects.filter(user_id=user_id).first().user  # type: ignore[union-attr]
        services.reaction_cast(statement=submitted, vote="agree", actor=user)
    services.statement_moderate(statement=submitted, accept=False, reason="Hors sujet.", actor=staff)
    services.statement_submit(conversation=conv, text="Une idée à modérer.", actor=author)
    seeds = list(conv.statements.filter(is_seed=True).order_by("pk"))
    late = member(world, 2)
    services.reaction_cast(statement=seeds[0], vote="disagree", actor=late)
    services.reaction_cast(statement=seeds[1], vote="pass", actor=late)
    services.reaction_cast(statement=seeds[1], vote="agree", actor=late)  # changed their mind
    services.map_refresh(conversation=conv)
    return conv, planted


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _partition(groups: dict[int, int]) -> set[frozenset[int]]:
    found: dict[int, set[int]] = {}
    for who, group in groups.items():
        found.setdefault(group, set()).add(who)
    return {frozenset(members) for members in found.values()}


def test_the_export_recounts_to_the_stored_map_with_the_project_s_polis_reader_and_pipeline(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    conv, _planted = _built(world, (12, 10, 8))
    snapshot = selectors.latest_snapshot(conv)
    assert snapshot is not None and len(snapshot.result["groups"]) == 3
    out = tmp_path / "export"
    exporting.export_to_directory(conv, out)
    comments = read_comments(out / "comments.csv")
    from_votes = read_votes(out / "votes.csv")
    from_rows = read_participants_votes(out / "participants-votes.csv")
    users = selectors.reactions_by_arrival(conv).users.tolist()  # participant number → account

    # The vote matrix: the same from votes.csv, from participants-votes.csv and from the database.
    statements = list(conv.statements.order_by("created_at", "pk").values_list("pk", flat=True))
    in_database = {
        (users.index(u), statements.index(s), v)
        for u, s, v in Reaction.objects.values_list("user_id", "statement_id", "vote")
    }
    for read in (from_votes, from_rows):
        triples = zip(read.participants.tolist(), read.statements.tolist(), read.votes.tolist(), strict=True)
        assert set(triples) == in_database
        assert len(read.votes) == len(in_database)
    a = VoteMatrix.from_votes(from_votes.participants, from_votes.statements, from_votes.votes)
    b = VoteMatrix.from_votes(from_rows.participants, from_rows.statements, from_rows.votes)
    for field in ("participants", "statements", "rows", "cols", "values"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field

    # The groups: recomputed from the export, exactly the stored map's partition; group-id says it too.
    stored = {int(u): int(p[2]) for u, p in snapshot.result["points"].items()}
    recount = opinion_map(a, moderated_out=polis_mod_out(comments), parameters=services.PARAMETERS)
    recounted = {
        users[int(p)]: int(recount.group_of[i])
        for i, p in enumerate(recount.participants)
        if recount.in_conv[i]
    }
    assert _partition(recounted) == _partition(stored)
    assert recounted == stored  # the same labels too: the same rows in the same order
    assert from_rows.group_of == {users.index(u): g for u, g in stored.items()}
    ids = sorted(stored)
    assert adjusted_rand_score([stored[u] for u in ids], [recounted[u] for u in ids]) == 1.0
    assert snapshot.result["points"] == {
        str(users[int(p)]): [
            round(float(recount.coordinates[i, 0]), 4),
            round(float(recount.coordinates[i, 1]), 4),
            int(recount.group_of[i]),
        ]
        for i, p in enumerate(recount.participants)
        if recount.in_conv[i]
    }

    # And through the command line, as the export command says to recount it.
    assert opinions.main([str(out / "comments.csv"), str(out / "votes.csv")]) == 0
    printed = json.loads(capsys.readouterr().out)
    by_cli = {users[p]: g["id"] for g in printed["groups"] for p in g["members"]}
    assert _partition(by_cli) == _partition(stored)


def test_the_files_have_polis_s_columns_coding_and_order(world: World, tmp_path: Path) -> None:
    conv, planted = _built(world)
    exporting.export_to_directory(conv, tmp_path / "x")
    comments = _rows(tmp_path / "x" / "comments.csv")
    assert comments[0] == list(exporting.COMMENTS_HEADER)
    by_creation = list(conv.statements.order_by("created_at", "pk"))
    assert [row[2] for row in comments[1:]] == [str(i) for i in range(len(by_creation))]
    assert [row[-1] for row in comments[1:]] == [s.text for s in by_creation]
    assert [row[6] for row in comments[1:]] == ["1"] * len(SEEDS) + ["-1", "0"]
    assert [row[8] for row in comments[1:]] == ["true"] * len(SEEDS) + ["false", "false"]
    assert {row[7] for row in comments[1:]} == {"false"}
    rejected = comments[len(SEEDS) + 1]
    assert (rejected[4], rejected[5]) == ("6", "0")  # agrees, disagrees: the reactions it had
    assert rejected[1].endswith(" UTC " + rejected[1][-4:]) and rejected[0].isdigit()

    votes = _rows(tmp_path / "x" / "votes.csv")
    assert votes[0] == ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
    assert {row[4] for row in votes[1:]} == {"1", "-1", "0"}
    assert [int(row[0]) for row in votes[1:]] == sorted(int(row[0]) for row in votes[1:])
    assert len(votes) - 1 == Reaction.objects.count()

    participants = _rows(tmp_path / "x" / "participants-votes.csv")
    header = participants[0]
    assert header == [*exporting.PARTICIPANTS_HEADER, *(str(i) for i in range(len(by_creation)))]
    n = len(planted) + 1
    # Consecutive numbers in order of arrival: the planted members reacted first, the late one last.
    assert [row[0] for row in participants[1:]] == [str(p) for p in range(n)]
    late = participants[-1]
    assert late[1] == ""  # two reactions: not on the map, so no group
    assert late[3:6] == ["2", "1", "1"] and late[6:9] == ["-1", "1", ""]

    summary = dict(_rows(tmp_path / "x" / "summary.csv"))
    snapshot = selectors.latest_snapshot(conv)
    assert snapshot is not None and snapshot.result["groups"]
    assert summary["topic"] == conv.title
    assert summary["url"].endswith("/conversations/avenir/")
    groups = str(len(snapshot.result["groups"]))
    assert (summary["voters"], summary["voters-in-conv"], summary["groups"]) == (str(n), "15", groups)
    assert (summary["comments"], summary["commenters"]) == (str(len(by_creation)), "2")
    assert summary["conversation-description"] == conv.question


def test_the_export_names_no_member_and_keeps_authors_apart_from_their_reactions(
    world: World, tmp_path: Path
) -> None:
    conv, planted = _built(world)
    exporting.export_to_directory(conv, tmp_path / "x")
    text = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "x").iterdir())
    reacted = {r.user for r in Reaction.objects.select_related("user__person")}
    assert len(reacted) == len(planted) + 1
    for user in reacted:
        assert user.email not in text and user.person is not None and user.person.last_name not in text
    n = len(planted) + 1
    comments = _rows(tmp_path / "x" / "comments.csv")[1:]
    # The staff member who wrote the seeds is n; the member who wrote two statements is n + 1, not the
    # number under which they react.
    assert [row[3] for row in comments] == [str(n)] * len(SEEDS) + [str(n + 1)] * 2
    assert {row[2] for row in _rows(tmp_path / "x" / "participants-votes.csv")[1:]} == {"0"}


def test_a_conversation_without_reactions_or_map_exports_empty_files_with_headers(
    world: World, tmp_path: Path
) -> None:
    conv = conversation(world, seeds=SEEDS[:2])
    summary = exporting.export_to_directory(conv, tmp_path / "x")
    assert (summary.participants, summary.statements, summary.reactions, summary.map_computed_at) == (
        0,
        2,
        0,
        None,
    )
    assert len(_rows(tmp_path / "x" / "votes.csv")) == 1
    assert len(_rows(tmp_path / "x" / "participants-votes.csv")) == 1
    assert dict(_rows(tmp_path / "x" / "summary.csv"))["groups"] == ""
    assert len(read_comments(tmp_path / "x" / "comments.csv")) == 2


def test_the_command_writes_the_files_and_says_how_to_recount_them(world: World, tmp_path: Path) -> None:
    conv, _planted = _built(world)
    out = io.StringIO()
    call_command("export_conversation", str(conv.pk), str(tmp_path / "x"), stdout=out)
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == sorted(exporting.FILES)
    said = out.getvalue()
    assert "16 participants, 10 statements, 128 reactions; group-id from the map of " in said
    assert " groups; 0 reactions came after it" in said
    assert f"coopgov opinions {tmp_path / 'x' / 'comments.csv'} {tmp_path / 'x' / 'votes.csv'}" in said
    # By its address too, into an existing empty directory.
    (tmp_path / "y").mkdir()
    call_command("export_conversation", conv.slug, str(tmp_path / "y"), stdout=io.StringIO())
    for name in exporting.FILES:
        assert (tmp_path / "y" / name).read_bytes() == (tmp_path / "x" / name).read_bytes()


def test_the_command_refuses_an_unknown_conversation_with_exit_code_1_and_writes_nothing(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["coopgov", "export_conversation", "999", str(tmp_path / "x")])
    assert exited.value.code == 1
    assert "no conversation has the id or address '999'; nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "case", ["a file", "no parent", "already there", "not writable", "fails midway", "fails moving"]
)
def test_the_command_refuses_where_it_cannot_write_and_leaves_nothing_half_written(
    world: World, tmp_path: Path, monkeypatch: Any, case: str
) -> None:
    conv = conversation(world, seeds=SEEDS[:3])
    first = conv.statements.first()
    assert first is not None
    services.reaction_cast(statement=first, vote="agree", actor=world.member_user)
    target = tmp_path / "x"
    expected = {
        "a file": f"{target} is a file, not a directory; nothing was written",
        "no parent": f"{tmp_path / 'nowhere'} does not exist; nothing was written",
        "already there": f"{target} already holds votes.csv: give a new or empty directory",
        "not writable": f"cannot write in {target}: Permission denied; nothing was written",
        "fails midway": f"cannot write in {target}: No space left on device; nothing was written",
        "fails moving": f"cannot write in {target}: Input/output error; nothing was written",
    }[case]
    before: dict[str, bytes] = {}
    if case == "a file":
        target.write_text("mine")
    elif case == "no parent":
        target = tmp_path / "nowhere" / "x"
    elif case == "already there":
        target.mkdir()
        (target / "votes.csv").write_text("an earlier export")
    elif case == "not writable":
        # The tests may run as root, whom a read-only directory does not stop: the refusal is simulated.
        def refuse(**kwargs: Any) -> str:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(exporting.tempfile, "mkdtemp", refuse)
    elif case == "fails moving":
        target.mkdir()  # an existing empty directory: the files moved before the failure are taken back
        replace = exporting.os.replace
        calls: list[Any] = []

        def third_fails(source: Any, destination: Any) -> None:
            calls.append(destination)
            if len(calls) == 3:
                raise OSError(5, "Input/output error")
            replace(source, destination)

        monkeypatch.setattr(exporting.os, "replace", third_fails)
    else:
        real = exporting.polis_export

        def full_disk(conversation: Conversation, open_file: Any) -> Any:
            def opener(name: str) -> Any:
                if name == "participants-votes.csv":
                    raise OSError(28, "No space left on device")
                return open_file(name)

            return real(conversation, opener)

        monkeypatch.setattr(exporting, "polis_export", full_disk)
    if target.exists():
        before = {p.name: p.read_bytes() for p in target.iterdir()} if target.is_dir() else {"": b"mine"}
    with pytest.raises(CommandError) as refused:
        call_command("export_conversation", str(conv.pk), str(target), stdout=io.StringIO())
    assert expected in str(refused.value)
    if case == "a file":
        assert target.read_text() == "mine"
    elif case == "already there":
        assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    elif case == "fails moving":
        assert list(target.iterdir()) == []
    else:
        assert not target.exists()  # created by the command, removed with what was in it


def test_an_export_is_a_read_and_is_not_audited_like_the_register_and_ballot_exports(
    world: World, tmp_path: Path
) -> None:
    conv, _planted = _built(world)
    counts = (AuditEntry.objects.count(), MapSnapshot.objects.count(), Reaction.objects.count())
    exporting.export_to_directory(conv, tmp_path / "x")
    assert (AuditEntry.objects.count(), MapSnapshot.objects.count(), Reaction.objects.count()) == counts


# The download: staff of the conversation's unit (or above) only.
DOWNLOAD: list[tuple[str, int]] = [
    ("staff in cooperative BE", 200),
    ("staff in group", 200),
    ("staff in other cooperative FR", 403),
    ("staff in antenna Bruxelles", 403),
    ("moderator in cooperative BE", 403),
    ("member of BE", 403),
    ("anonymous", 302),
]


@pytest.mark.parametrize(("who", "status"), DOWNLOAD)
def test_only_staff_of_the_unit_download_the_export_and_see_its_link(
    client: Any, world: World, who: str, status: int
) -> None:
    conv = conversation(world, seeds=SEEDS[:3])
    if who == "member of BE":
        client.force_login(world.member_user)
    elif who != "anonymous":
        role, _, where = who.partition(" in ")
        client.force_login(officer(world, role, where))
    url = reverse("conversations:export", args=[conv.slug])
    response = client.get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))
        return
    page = client.get(conv.get_absolute_url())
    assert (url in page.content.decode()) is (status == 200)


def test_the_download_is_a_zip_of_the_same_files_as_the_command(
    client: Any, world: World, tmp_path: Path
) -> None:
    conv, _planted = _built(world)
    client.force_login(officer(world, "staff", "cooperative BE"))
    response = client.get(reverse("conversations:export", args=[conv.slug]))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="avenir-polis-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    folder = response["Content-Disposition"].split('"')[1].removesuffix(".zip")
    assert sorted(archive.namelist()) == sorted(f"{folder}/{name}" for name in exporting.FILES)
    exporting.export_to_directory(conv, tmp_path / "x")
    for name in exporting.FILES:
        assert archive.read(f"{folder}/{name}") == (tmp_path / "x" / name).read_bytes(), name
    assert Statement.objects.filter(conversation=conv).count() == 10


def test_red_dwarf_reads_the_export_as_it_reads_polis_s_and_finds_the_same_groups(
    world: World, tmp_path: Path
) -> None:
    """red-dwarf (the Python reimplementation of Polis) loads a CSV export row by row into its own
    models, as its loader does for pol.is; run on those votes, its groups are the map's."""
    models = pytest.importorskip("reddwarf.models")
    from reddwarf.implementations.polis import run_pipeline

    conv, _planted = _built(world, (12, 10, 8))
    exporting.export_to_directory(conv, tmp_path / "x")
    with (tmp_path / "x" / "comments.csv").open(newline="", encoding="utf-8") as handle:
        statements = [models.Statement(**row).model_dump(mode="json") for row in csv.DictReader(handle)]
    with (tmp_path / "x" / "votes.csv").open(newline="", encoding="utf-8") as handle:
        votes = [models.Vote(**row).model_dump(mode="json") for row in csv.DictReader(handle)]
    assert all(s["is_meta"] is False for s in statements)  # no fall-back to pol.is's API for is-meta
    moderated = [s["statement_id"] for s in statements if s["moderated"] == -1]
    assert moderated == [len(SEEDS)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_pipeline(votes=votes, mod_out_statement_ids=moderated, random_state=42)
    labels = result.participants_df["cluster_id"]
    theirs = {int(p): int(g) for p, g in labels.items() if g is not None and str(g) != "<NA>"}
    users = selectors.reactions_by_arrival(conv).users.tolist()
    snapshot = selectors.latest_snapshot(conv)
    assert snapshot is not None
    ours = {users.index(int(u)): int(p[2]) for u, p in snapshot.result["points"].items()}
    assert _partition(theirs) == _partition(ours)


@pytest.mark.parametrize("microsecond", [0, 999, 1000, 123456, 999999])
def test_reaction_times_are_exact_milliseconds_read_by_the_database(world: World, microsecond: int) -> None:
    conv = conversation(world, seeds=SEEDS[:1])
    first = conv.statements.first()
    assert first is not None
    services.reaction_cast(statement=first, vote="agree", actor=world.member_user)
    when = datetime(2026, 3, 29, 1, 59, 59, microsecond, tzinfo=UTC)  # the night Brussels moves its clocks
    Reaction.objects.update(updated_at=when)
    reactions = selectors.reactions_by_arrival(conv, with_times=True)
    assert reactions.updated_ms is not None
    assert reactions.updated_ms.tolist() == [1_774_749_599_000 + microsecond // 1000]
    assert exporting.polis_datetime(1_774_749_599_000) == "Sun Mar 29 01:59:59 UTC 2026"
