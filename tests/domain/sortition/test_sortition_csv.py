"""Reading pools and quotas in both conventions, and refusing malformed files with line and column."""

from __future__ import annotations

import pytest

from coopgov.domain.formats.sortition_csv import (
    FLANIGAN,
    SORTITION_FOUNDATION,
    SortitionFormatError,
    SortitionInput,
    parse_pool,
    parse_quotas,
)

FEATURES = "feature,value,min,max,min_flex,max_flex\nGender,Female,1,2,0,3\nGender,Male,1,2,,\n"
PEOPLE = "member_id,name,Gender,street\nx1,Ann,Female,1 Main St\nx2,Bob,male, 1 main st\nx3,Cy,Male,\n"


def test_the_sortition_foundation_convention_is_read(fixture_pool: SortitionInput) -> None:
    assert fixture_pool.convention == SORTITION_FOUNDATION
    assert len(fixture_pool.pool) == 150 and len(fixture_pool.quotas) == 20
    assert fixture_pool.pool[0].id == "p0"
    assert fixture_pool.pool[0].features["geo_bucket"] == "South Scotland"
    assert fixture_pool.quotas[0].max_flex == 12


def test_the_flanigan_convention_is_read_with_members_numbered_from_zero(flanigan: SortitionInput) -> None:
    assert flanigan.convention == FLANIGAN
    assert [p.id for p in flanigan.pool[:3]] == ["0", "1", "2"]
    assert flanigan.pool[0].features == {"gender": "female", "leaning": "conservative"}
    assert {(q.feature, q.value) for q in flanigan.quotas} >= {("gender", "female"), ("leaning", "liberal")}


def test_values_match_the_quota_spelling_and_addresses_make_households() -> None:
    quotas, _ = parse_quotas(FEATURES)
    pool = parse_pool(PEOPLE, quotas, address_columns=["street"])
    assert [p.id for p in pool] == ["x1", "x2", "x3"]
    assert pool[1].features["Gender"] == "Male"
    assert pool[0].household == pool[1].household is not None
    assert pool[2].household is None


@pytest.mark.parametrize(
    ("quotas", "message"),
    [
        (
            "feature,value,min,max\nGender,Female,one,2\n",
            "quotas, line 2, column 'min': 'one' is not a whole number",
        ),
        ("feature,value,min,max\nGender,Female,3,2\n", "quotas, line 2, column 'max': max 2 is below min 3"),
        ("feature,value,min,max\nGender,Female,1\n", "quotas, line 2: 3 fields where the header has 4"),
        ("feature,value,min,max\n\nGender,,1,2\n", "quotas, line 3, column 'value': empty"),
        ("name,min,max\nGender,1,2\n", "quotas, line 1: the header 'name,min,max' is neither"),
        (
            "feature,value,min,max\nG,F,1,2\nG,F,0,1\n",
            "quotas, line 3, column 'value': G=F was already given on line 2",
        ),
        ("feature,value,min,max\nG,F,-1,2\n", "quotas, line 2, column 'min': -1 is negative"),
        ("", "quotas, line 1: the file is empty"),
    ],
)
def test_a_malformed_quota_file_is_refused_naming_line_and_column(quotas: str, message: str) -> None:
    with pytest.raises(SortitionFormatError) as caught:
        parse_quotas(quotas)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ("id,Gender\nx1,Female\nx2,Other\n", "pool, line 3, column 'Gender': 'Other' has no quota"),
        (
            "id,Gender\nx1,Female\nx1,Male\n",
            "pool, line 3, column 'id': the id 'x1' is already used on line 2",
        ),
        ("id,Gender\nx1,\n", "pool, line 2, column 'Gender': no value for this feature"),
        ("id,Sex\nx1,Female\n", "pool, line 1, column 'Gender': the feature column 'Gender' is missing"),
        ("id,Gender\nx1,Female,extra\n", "pool, line 2: 3 fields where the header has 2"),
        ('id,Gender\n"x1,Female\n', "pool, line"),
    ],
)
def test_a_malformed_pool_file_is_refused_naming_line_and_column(people: str, message: str) -> None:
    quotas, _ = parse_quotas(FEATURES)
    with pytest.raises(SortitionFormatError) as caught:
        parse_pool(people, quotas)
    assert str(caught.value).startswith(message)
