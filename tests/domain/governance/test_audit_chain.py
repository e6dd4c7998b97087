"""The audit hash chain without a database: any change to any entry is caught at that entry."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.governance.audit_chain import GENESIS, canonical, entry_hash, first_broken

payloads = st.dictionaries(
    st.sampled_from(["action", "actor", "after", "before", "object_id"]),
    st.one_of(st.text(max_size=8), st.integers(), st.none(), st.lists(st.integers(), max_size=3)),
    min_size=1,
)


def chain(items: list[dict]) -> list[tuple[int, str, str, dict]]:
    previous, out = GENESIS, []
    for seq, payload in enumerate(items, start=1):
        digest = entry_hash(previous, payload)
        out.append((seq, previous, digest, payload))
        previous = digest
    return out


def test_canonical_text_does_not_depend_on_key_order():
    assert canonical({"b": 1, "a": "é"}) == canonical({"a": "é", "b": 1}) == '{"a":"é","b":1}'


def test_an_intact_chain_has_no_broken_entry():
    assert first_broken(chain([{"action": "a"}, {"action": "b"}])) is None
    assert first_broken([]) is None


@given(st.lists(payloads, min_size=1, max_size=12), st.data())
def test_changing_any_payload_breaks_the_chain_at_that_entry(items, data):
    entries = chain(items)
    index = data.draw(st.integers(0, len(entries) - 1))
    seq, prev, digest, payload = entries[index]
    tampered = dict(payload, action=str(payload.get("action")) + "!")
    entries[index] = (seq, prev, digest, tampered)
    assert first_broken(entries) == seq


@given(st.lists(payloads, min_size=3, max_size=12), st.data())
def test_removing_a_middle_entry_breaks_the_chain_at_the_next_one(items, data):
    entries = chain(items)
    index = data.draw(st.integers(1, len(entries) - 2))
    removed = entries.pop(index)
    assert first_broken(entries) == removed[0] + 1
