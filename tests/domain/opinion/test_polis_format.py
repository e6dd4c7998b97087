"""Reading Polis exports: comments, votes and participants-votes, and clear errors on malformed files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coopgov.domain.formats.polis import (
    PolisFormatError,
    polis_mod_out,
    read_comments,
    read_participants_votes,
    read_vote_history,
    read_votes,
    read_votes_file,
)

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '1,Mon,1,0,3,1,1,"Bus lanes, everywhere"\n'
    "2,Mon,0,0,2,2,-1,Free parking\n"
)
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n30,x,0,5,1\n10,x,1,7,-1\n20,x,0,7,0\n40,x,0,7,1\n"
PARTICIPANTS = (
    "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n7,1,0,2,1,1,1,-1\n5,,0,1,1,0,1,\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_comments_are_read_in_id_order_with_moderation_and_text(tmp_path):
    comments = read_comments(write(tmp_path, "comments.csv", COMMENTS))
    assert [c.id for c in comments] == [0, 1]
    assert comments[0].moderated == -1
    assert comments[1].text == "Bus lanes, everywhere"


def test_a_later_vote_replaces_an_earlier_one_on_the_same_statement(tmp_path):
    votes = read_votes(write(tmp_path, "votes.csv", VOTES))
    got = sorted(
        zip(votes.participants.tolist(), votes.statements.tolist(), votes.votes.tolist(), strict=True)
    )
    assert got == [(5, 0, 1), (7, 0, 1), (7, 1, -1)]
    assert votes.order.tolist() == [7, 5]  # order of first vote in time
    assert votes.group_of is None


def test_participants_votes_gives_the_same_votes_and_polis_groups(tmp_path):
    votes = read_participants_votes(write(tmp_path, "participants-votes.csv", PARTICIPANTS))
    got = sorted(
        zip(votes.participants.tolist(), votes.statements.tolist(), votes.votes.tolist(), strict=True)
    )
    assert got == [(5, 0, 1), (7, 0, 1), (7, 1, -1)]
    assert votes.group_of == {7: 1}


def test_the_kind_of_votes_file_is_told_by_its_header(tmp_path):
    assert read_votes_file(write(tmp_path, "a.csv", VOTES)).group_of is None
    assert read_votes_file(write(tmp_path, "b.csv", PARTICIPANTS)).group_of == {7: 1}
    with pytest.raises(PolisFormatError, match="line 1"):
        read_votes_file(write(tmp_path, "c.csv", "a,b\n1,2\n"))


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (VOTES.replace("20,x,0,7,0", "20,x,0,7,2"), 4, "vote"),
        (VOTES.replace("10,x,1,7,-1", "10,x,one,7,-1"), 3, "comment-id"),
        (VOTES.replace("40,x,0,7,1", "40,x,0,7"), 5, "vote"),
        (VOTES.replace("30,x,0,5,1", "soon,x,0,5,1"), 2, "timestamp"),
        ("timestamp,comment-id,vote\n1,2,1\n", 1, "voter-id"),
    ],
)
def test_a_malformed_votes_file_is_refused_with_its_line_and_field(tmp_path, text, line, field):
    with pytest.raises(PolisFormatError) as caught:
        read_votes(write(tmp_path, "votes.csv", text))
    assert caught.value.line == line and caught.value.field == field
    assert f"line {line}" in str(caught.value) and "votes.csv" in str(caught.value)


def test_a_malformed_participants_votes_file_is_refused_with_its_line(tmp_path):
    bad = PARTICIPANTS.replace("5,,0,1,1,0,1,", "5,,0,1,1,0,yes,")
    with pytest.raises(PolisFormatError) as caught:
        read_participants_votes(write(tmp_path, "pv.csv", bad))
    assert caught.value.line == 3 and caught.value.field == "0"
    short = PARTICIPANTS.replace("5,,0,1,1,0,1,", "5,,0")
    with pytest.raises(PolisFormatError, match="line 3"):
        read_participants_votes(write(tmp_path, "pv.csv", short))


def test_a_comment_listed_twice_is_refused(tmp_path):
    with pytest.raises(PolisFormatError, match=r"line 4.*appears twice"):
        read_comments(write(tmp_path, "comments.csv", COMMENTS + "3,Mon,0,0,0,0,1,Again\n"))


def test_the_real_exports_agree_with_each_other(shared_data):
    """votes.csv and participants-votes.csv of one conversation hold the same final votes."""
    folder = shared_data / "polis" / "scoop-hivemind.freshwater"
    a = read_votes(folder / "votes.csv")
    b = read_participants_votes(folder / "participants-votes.csv")

    def triples(v):
        return set(zip(v.participants.tolist(), v.statements.tolist(), v.votes.tolist(), strict=True))

    assert triples(a) == triples(b)
    assert len(b.group_of or {}) == 117
    assert np.isin(a.votes, (-1, 0, 1)).all()


def test_the_history_keeps_every_vote_in_time_order_with_its_timestamp(tmp_path):
    history = read_vote_history(write(tmp_path, "votes.csv", VOTES))
    assert history.timestamps is not None and history.timestamps.tolist() == [10, 20, 30, 40]
    assert history.votes.tolist() == [-1, 0, 1, 1]  # participant 7's pass on 0 is later changed to agree


def test_meta_statements_are_read_and_left_out_of_the_map_like_moderated_out_ones(tmp_path):
    """Polis's mod-update (conversation.clj) puts a statement in mod-out when it is meta or moderated out."""
    text = (
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,comment-body\n"
        "1,0,0,1,0,1,true,false,About this conversation\n"
        "2,1,0,1,0,-1,false,false,Off topic\n"
        "3,2,0,1,0,1,false,true,Bus lanes\n"
    )
    comments = read_comments(write(tmp_path, "comments.csv", text))
    assert [c.is_meta for c in comments] == [True, False, False]
    assert polis_mod_out(comments) == frozenset({0, 1})
    assert polis_mod_out(read_comments(write(tmp_path, "old.csv", COMMENTS))) == frozenset({0})


def test_a_malformed_is_meta_flag_names_its_line_and_field(tmp_path):
    text = "comment-id,author-id,moderated,is-meta,comment-body\n0,0,1,maybe,Hello\n"
    with pytest.raises(PolisFormatError, match=r"line 2.*is-meta"):
        read_comments(write(tmp_path, "comments.csv", text))


def test_the_real_bg2050_export_has_one_meta_statement_in_polis_mod_out(shared_data):
    comments = read_comments(shared_data / "polis" / "bg2050-volunteers" / "comments.csv")
    meta = [c.id for c in comments if c.is_meta]
    assert meta == [12]
    assert 12 in polis_mod_out(comments)
    assert len(polis_mod_out(comments)) == sum(c.moderated == -1 for c in comments) + 1


def test_polis_own_group_informed_consensus_is_read_where_the_export_has_it(tmp_path):
    text = (
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
        "group-informed-consensus,comment-body\n"
        "1,0,0,1,0,1,false,false,0.25,Bus lanes\n"
        "2,1,0,1,0,1,false,false,,Trams\n"
    )
    comments = read_comments(write(tmp_path, "comments.csv", text))
    assert [c.group_informed_consensus for c in comments] == [0.25, None]
    assert all(c.group_informed_consensus is None for c in read_comments(write(tmp_path, "o.csv", COMMENTS)))


@pytest.mark.parametrize("value", ["high", "nan", "inf"])
def test_a_malformed_group_informed_consensus_names_its_line_and_field(tmp_path, value):
    text = (
        "comment-id,author-id,moderated,group-informed-consensus,comment-body\n"
        f"0,0,1,0.5,A\n1,0,1,{value},B\n"
    )
    with pytest.raises(PolisFormatError, match=r"line 3.*group-informed-consensus"):
        read_comments(write(tmp_path, "comments.csv", text))
