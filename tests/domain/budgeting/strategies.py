"""Hypothesis strategies: small participatory budgets of every ballot kind equal shares accepts."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from coopgov.domain.budgeting import Ballot, Election, Project


@st.composite
def elections(draw: st.DrawFn, kind: str = "approval") -> Election:
    """An election of 2–7 projects and 1–25 voters; costs collide often so that ties happen."""
    n_projects = draw(st.integers(2, 7))
    ids = [f"p{k}" for k in range(n_projects)]
    costs = draw(
        st.lists(st.sampled_from([1, 2, 3, 5, 10, 12, 30]), min_size=n_projects, max_size=n_projects)
    )
    projects = tuple(Project(id=i, cost=Fraction(c)) for i, c in zip(ids, costs, strict=True))
    budget = Fraction(draw(st.integers(1, sum(costs) + 5)))
    ballots = []
    for v in range(draw(st.integers(1, 25))):
        # pabutools cannot read an empty cumulative ballot, so cumulative voters name at least one project.
        least = 1 if kind == "cumulative" else 0
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, min_size=least, max_size=n_projects))
        if kind == "choose-1":
            chosen = chosen[:1]
        points = None
        if kind == "cumulative":
            points = tuple(draw(st.integers(1, 4)) for _ in chosen)
        ballots.append(Ballot(projects=tuple(chosen), points=points, voter_id=f"v{v}"))
    return Election(budget=budget, projects=projects, ballots=tuple(ballots), vote_type=kind)


def write(election: Election, path: object) -> None:
    """Write ``election`` as a Pabulib file at ``path`` (for pabutools, which reads files)."""
    from pathlib import Path

    from coopgov.domain.formats.pabulib import from_election, write_pabulib

    Path(str(path)).write_text(write_pabulib(from_election(election)), encoding="utf-8")
