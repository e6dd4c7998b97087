"""Demo panels: two draws carried out on the demo register, so a newcomer sees a panel, its quotas met and
each member's chance.

- Smart Belgique: a panel of 24 on the future of the mutualised services, mirroring home antenna and
  collège (the pool's proportions), LEXIMIN.
- The group: a binational panel of 30 with quotas written by hand (at least 8 members of Smart France),
  mirroring language too, LEXIMIN.

Deterministic (the seeds are fixed); a second run leaves things as they are.
"""

from __future__ import annotations

from typing import Any

from coopgov.accounts.models import User
from coopgov.organisation.models import Unit
from coopgov.panels import selectors, services
from coopgov.panels.models import Draw


def _staff() -> User | None:
    return User.objects.filter(email="staff@example.org").first()


def demo_panels(seed: int) -> dict[str, Any]:
    staff = _staff()
    be = Unit.objects.filter(code="BE").first()
    group = Unit.objects.filter(code="SMART").first()
    if staff is None or be is None or group is None or Draw.objects.exists():
        return {"draws": Draw.objects.count(), "selected": 0}
    fr_count = sum(1 for m in selectors.pool(group) if "FR" in m.features["cooperative"].split("+"))
    fr_min = min(8, fr_count)
    requests = [
        (
            be,
            services.DrawRequest(
                title="Panel : l'avenir des services mutualisés",
                purpose="Douze soirées de délibération ; ses propositions iront au conseil d'administration.",
                panel_size=24,
                features=("antenna", "college"),
                seed=seed,
            ),
        ),
        (
            group,
            services.DrawRequest(
                title="Panel binational : une Smart européenne",
                panel_size=30,
                features=("cooperative", "language"),
                quotas_text=f"cooperative,FR,{fr_min},{max(fr_min, 15)}\ncooperative,BE,15,22",
                seed=seed + 1,
            ),
        ),
    ]
    selected = 0
    for unit, request in requests:
        try:
            draw = services.draw_request(unit=unit, request=request, actor=staff)
        except services.PanelRefused:
            continue  # a small demo register cannot hold this panel: skip it
        draw = services.draw_run(draw_id=draw.pk, actor="demo")
        selected += draw.candidates.filter(selected=True).count()
    return {"draws": Draw.objects.count(), "selected": selected}
