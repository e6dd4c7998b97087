"""The assembly commands: list_assemblies, export_ballots and result, and recounting with `coopgov tally`."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coopgov.decisions import services
from coopgov.members.models import Category
from coopgov.tools.tally import METHODS, tally_file
from tests.decisions.builders import assembly, cast, close_and_count, convene, election, members_in, motion
from tests.members.builders import ACTOR


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def recount(path: Path, stored: dict) -> dict:
    """`coopgov tally` on the exported file, with the stored method, seats and seed."""
    out = tally_file(stored["tally_method"], path, seats=stored.get("seats"), seed=stored["seed"])
    out.pop("file")
    return out


def published_fr_motion_by_college(org):
    """FR (four collèges, weights 40/20/20/20 %): six members of collège 1 say yes, one member of each other
    collège says no — a majority of heads, but not of the weighted collèges."""
    votes = {"1": ["yes"] * 6, "2": ["no"], "3": ["no"], "4": ["no", "abstain"]}
    voters = {code: members_in(org, org.fr, len(v), category=code) for code, v in votes.items()}
    a = assembly(org.fr, preset="fr-scic-sa-ago")
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    for code, choices in votes.items():
        for m, choice in zip(voters[code], choices, strict=True):
            cast(item, a, m, choice)
    close_and_count(item, seed="2026")
    services.result_publish(item=item, actor=ACTOR)
    return item, votes


def test_recounting_the_exported_motion_by_college_gives_the_stored_result(org, tmp_path):
    item, votes = published_fr_motion_by_college(org)
    path = tmp_path / "ballots.json"
    run("export_ballots", "--item", str(item.pk), str(path))
    stored = json.loads(run("result", "--item", str(item.pk), "--format", "json"))
    recounted = recount(path, stored)
    assert {k: stored[k] for k in recounted} == recounted
    # By hand: Σ weight × yes-share within the collège (DOMAIN.md §6.6), weights from the register.
    weights = {c.code: Fraction(c.college_weight) for c in Category.objects.filter(cooperative=org.fr)}
    weighted_yes = sum(weights[c] * Fraction(v.count("yes"), len(v)) for c, v in votes.items())
    assert stored["adopted"] == (weighted_yes > Fraction(1, 2))
    assert stored["explanation"]["decision"]["weighted_yes_exact"] == str(weighted_yes)
    assert stored["quorum_reached"] is True
    assert stored["explanation"]["counts"]["yes"] > stored["explanation"]["counts"]["no"]


def test_an_stv_election_recounted_from_the_exported_file_gives_the_stored_winners(org, tmp_path):
    voters = members_in(org, org.be, 7)
    a = assembly(org.be)
    item = election(a, ["ana", "bo", "cy", "di"], seats=2)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    rankings = [
        ["ana", "bo"],
        ["ana", "cy"],
        ["ana", "bo", "cy"],
        ["bo"],
        ["cy", "bo"],
        ["di", "cy"],
        ["bo", "ana"],
    ]
    for m, ranking in zip(voters, rankings, strict=True):
        cast(item, a, m, ranking)
    close_and_count(item, seed="42")
    services.result_publish(item=item, actor=ACTOR)
    path = tmp_path / "board.json"
    run("export_ballots", "--item", str(item.pk), str(path))
    stored = json.loads(run("result", "--item", str(item.pk), "--format", "json"))
    assert recount(path, stored)["winners"] == stored["winners"]
    assert {k: stored[k] for k in recount(path, stored)} == recount(path, stored)
    assert len(stored["winners"]) == 2


def test_the_published_file_holds_each_receipt_and_no_member_number(org, tmp_path):
    voters = members_in(org, org.be, 3)
    a = assembly(org.be)
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    receipts = [cast(item, a, m, "yes") for m in voters]
    close_and_count(item)
    services.result_publish(item=item, actor=ACTOR)
    path = tmp_path / "ballots.json"
    run("export_ballots", "--item", str(item.pk), str(path))
    published = json.loads(path.read_text())
    assert sorted(b["voter"] for b in published["ballots"]) == sorted(receipts)
    assert not any(str(m.number) in path.read_text().split('"voter"')[0] for m in voters if m.number > 99)


def test_list_assemblies_gives_each_item_with_its_tally_method_seats_and_status(org):
    members_in(org, org.be, 2)
    a = assembly(org.be)
    motion(a, order=1)
    election(a, ["x", "y", "z"], order=2, seats=2)
    convene(a)
    rows = json.loads(run("list_assemblies", "--format", "json"))
    (row,) = [r for r in rows if r["id"] == a.pk]
    assert row["cooperative"] == "BE" and row["status"] == "convened" and row["kind"] == "ordinary"
    assert [(i["method"], i.get("seats"), i["status"]) for i in row["items"]] == [
        ("motion", None, "draft"),
        ("stv-scottish", 2, "draft"),
    ]
    assert all(i["method"] in METHODS for i in row["items"])


def test_exporting_before_publication_is_refused_and_writes_nothing(org, tmp_path):
    members_in(org, org.be, 1)
    a = assembly(org.be)
    item = motion(a)
    convene(a)
    with pytest.raises(CommandError, match="no published result"):
        run("export_ballots", "--item", str(item.pk), str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()
    with pytest.raises(CommandError, match="no result yet"):
        run("result", "--item", str(item.pk))


def test_recounting_a_motion_under_a_per_college_quorum_gives_the_stored_result(org, tmp_path):
    """The cooperative's own preset asks 1/4 of each collège's electorate (docs/adr/0018): collège 4, two
    members, none voting, misses it (0 < 1/2). The exported file carries the per-collège quorum with each
    collège's electorate, so `coopgov tally` finds the same: quorum not reached, not adopted."""
    from coopgov.decisions import presets
    from tests.decisions.test_college_quorum import EACH_COLLEGE
    from tests.decisions.test_manage import officer

    presets.own_preset_create(cooperative=org.fr, fields=EACH_COLLEGE, actor=officer("staff", org.fr))
    voters = {code: members_in(org, org.fr, 2, category=code) for code in ("1", "2", "3", "4")}
    a = assembly(org.fr, preset="each-college")
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    for code in ("1", "2", "3"):
        cast(item, a, voters[code][0], "yes")
    close_and_count(item, seed="2027")
    services.result_publish(item=item, actor=ACTOR)
    path = tmp_path / "ballots.json"
    run("export_ballots", "--item", str(item.pk), str(path))
    assert json.loads(path.read_text())["rule"]["college_quorum"] == "1/4"
    stored = json.loads(run("result", "--item", str(item.pk), "--format", "json"))
    recounted = recount(path, stored)
    assert {k: stored[k] for k in recounted} == recounted
    assert recounted["explanation"]["quorum"]["colleges"]["4"]["quorum_reached"] is False
    assert stored["quorum_reached"] is False and stored["adopted"] is False
