"""The ballot file counted and published is written straight from the ballots as cast: the same bytes as
the file's records written by the ballot-file writer (weights after proxies, collèges, ties, approvals
in any order), and `coopgov tally` recounts it to the stored result."""

from __future__ import annotations

import json

from coopgov.audit.models import AuditEntry
from coopgov.decisions import services
from coopgov.decisions.models import Ballot, Result
from coopgov.domain.formats.json_ballots import dumps_ballot_file
from coopgov.tools.tally import tally_file
from tests.decisions.builders import assembly, cast, convene, election, entry, members_in, motion
from tests.members.builders import ACTOR


def written_both_ways(item) -> str:
    text = services.ballot_file_text(item)
    assert text == dumps_ballot_file(services.build_ballot_file(item))
    return text


def test_a_motion_by_college_with_a_proxy_is_written_as_its_records(org, tmp_path):
    voters = {code: members_in(org, org.fr, 2, category=code) for code in ("1", "2", "3")}
    a = assembly(org.fr, preset="fr-scic-sa-ago")
    item = motion(a)
    convene(a)
    holder, giver = voters["1"]
    services.proxy_give(assembly=a, giver=entry(a, giver), holder=entry(a, holder), actor=ACTOR)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, holder, "yes")
    for m, choice in zip([*voters["2"], *voters["3"]], ["no", "abstain", "yes", "blank"], strict=True):
        cast(item, a, m, choice)
    services.item_close(item=item, actor=ACTOR)
    assert Ballot.objects.filter(item=item, weight=2).count() == 1
    text = written_both_ways(item)
    assert '"college": "1"' in text and '"weight": 2' in text
    result = services.result_compute(item=item, actor=ACTOR, seed="3")
    assert result.ballots_file == text
    path = tmp_path / "ballots.json"
    path.write_text(text, encoding="utf-8")
    recount = tally_file("motion", path, seed="3")
    assert recount["explanation"] == json.loads(json.dumps(result.result["explanation"]))


def test_elections_with_ties_and_approvals_in_any_order_are_written_as_their_records(org):
    voters = members_in(org, org.be, 4)
    a = assembly(org.be)
    ranked = election(a, ["ana", "bo", "cy"], order=1, seats=2)
    approval = election(a, ["ana", "bo", "cy"], order=2, method="approval", seats=1)
    plurality = election(a, ["ana", "bo", "cy"], order=3, method="plurality", seats=1)
    convene(a)
    for item in (ranked, approval, plurality):
        services.item_open(item=item, actor=ACTOR)
    for m, ranking, approved, choice in zip(
        voters,
        [["cy", "ana"], ["bo", ["ana", "cy"]], ["ana"], ["cy", "bo", "ana"]],
        [["cy", "ana"], ["bo"], [], ["cy", "bo", "ana"]],
        ["bo", "ana", "bo", "cy"],
        strict=True,
    ):
        cast(ranked, a, m, ranking)
        cast(approval, a, m, approved)
        cast(plurality, a, m, choice)
    for item in (ranked, approval, plurality):
        services.item_close(item=item, actor=ACTOR)
        text = written_both_ways(item)
        assert services.result_compute(item=item, actor=ACTOR, seed="5").ballots_file == text
    assert '["bo", ["ana", "cy"]]' in services.ballot_file_text(ranked)
    assert '"vote": ["ana", "bo", "cy"]' in services.ballot_file_text(approval)


def test_counting_an_item_again_rewrites_its_one_result(org):
    voters = members_in(org, org.be, 3)
    a = assembly(org.be)
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    for m, choice in zip(voters, ["yes", "no", "yes"], strict=True):
        cast(item, a, m, choice)
    services.item_close(item=item, actor=ACTOR)
    first = services.result_compute(item=item, actor=ACTOR, seed="1")
    again = services.result_compute(item=item, actor=ACTOR, seed="2")
    assert again.pk == first.pk
    stored = Result.objects.get(item=item)
    assert (stored.seed, stored.result["seed"], stored.ballots_file) == ("2", "2", first.ballots_file)
    assert stored.participation == again.participation == first.participation
    assert stored.participation["voters"] == 3 and stored.participation["present_or_represented"] == 3
    assert AuditEntry.objects.filter(action="result.computed", object_id=str(first.pk)).count() == 2
