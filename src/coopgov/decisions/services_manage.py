"""Writes that prepare and run an assembly from the staff pages: create, edit, agenda, sites, documents,
and the assembly-wide acts (open, close, count and publish every item).

Each act is atomic, re-checks its rule at the moment of the act, and is audited. The item-level acts are
those of `coopgov.decisions.services`; the acts here apply them to the whole agenda in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from coopgov.audit.services import audit_record
from coopgov.decisions import counting, presets, services
from coopgov.decisions.models import Assembly, AssemblyLink, AssemblySite, Item, Option, Result
from coopgov.decisions.services import DecisionRefused
from coopgov.domain.voting.numbers import to_fraction
from coopgov.organisation.models import Unit

# --- statutory defaults per country and kind of meeting (DOMAIN.md §2.4, §3, §6.8) ---------------------

# The presets themselves, the law's and each cooperative's own, live in coopgov.decisions.presets.
DEFAULT_PRESETS = presets.DEFAULT_PRESETS
country_of = presets.country_of

# The shortest notice the law allows between the convocation and the meeting, in days.
# BE: CSA art. 6:70 §2 (fifteen days). FR, SA: C. com. R225-69 (fifteen days on first convocation,
# ten on the second). Board and local meetings: the statutes decide (no legal minimum).
STATUTORY_NOTICE_DAYS: dict[tuple[str, str], int] = {
    ("BE", Assembly.Kind.ORDINARY): 15,
    ("BE", Assembly.Kind.EXTRAORDINARY): 15,
    ("FR", Assembly.Kind.ORDINARY): 15,
    ("FR", Assembly.Kind.EXTRAORDINARY): 15,
}
FR_SECOND_CONVOCATION_NOTICE_DAYS = 10
# C. com. L225-96: the second extraordinary meeting may be postponed at most two months after the first.
FR_EXTRAORDINARY_SECOND_WITHIN_DAYS = 61


def presets_for(country: str) -> list[str]:
    """The legal preset names of a country (their names start with its code), in the order of PRESETS."""
    return presets.legal_presets_for(country)


def default_preset(cooperative: Unit, kind: str) -> str:
    """The preset a new assembly of this kind starts from: the cooperative's own default, else the law's."""
    return presets.default_preset(cooperative, kind)


def statutory_notice_days(country: str, kind: str) -> int:
    return STATUTORY_NOTICE_DAYS.get((country, kind), 0)


@dataclass(frozen=True)
class Problem:
    """A rule the submitted calendar breaks: the field it concerns and the sentence for the person."""

    field: str
    message: str


def calendar_problems(
    *,
    country: str,
    kind: str,
    first: datetime,
    second: datetime | None,
    opens: datetime | None,
    closes: datetime | None,
    record_date: date,
    notice_days: int,
    today: date,
) -> list[Problem]:
    """What is wrong with an assembly's dates, per field (empty when nothing is).

    Rules: the statutory notice (STATUTORY_NOTICE_DAYS; the statutes may ask for more, never less); the
    first meeting at least ``notice_days`` from today so that a convocation sent today is in time; a
    second convocation after the first (and for a French SA, ten days' notice and, for an extraordinary
    meeting, within two months: C. com. R225-69, L225-96); an online window that closes after it opens;
    a record date that is not in the future.
    """
    problems = []
    minimum = statutory_notice_days(country, kind)
    if notice_days < minimum:
        problems.append(
            Problem(
                "notice_days",
                _("The law asks at least %(days)d days of notice for this kind of meeting.")
                % {"days": minimum},
            )
        )
    if (first.date() - today).days < notice_days:
        problems.append(
            Problem(
                "first_convocation_at",
                _("The first convocation must be at least %(days)d days from today (statutory notice).")
                % {"days": notice_days},
            )
        )
    if second is not None:
        if second <= first:
            problems.append(
                Problem("second_convocation_at", _("The second convocation must come after the first."))
            )
        elif country == "FR" and (second.date() - today).days < FR_SECOND_CONVOCATION_NOTICE_DAYS:
            problems.append(
                Problem(
                    "second_convocation_at",
                    _("The second convocation must be at least %(days)d days from today (statutory notice).")
                    % {"days": FR_SECOND_CONVOCATION_NOTICE_DAYS},
                )
            )
        elif (
            country == "FR"
            and kind == Assembly.Kind.EXTRAORDINARY
            and second - first > timedelta(days=FR_EXTRAORDINARY_SECOND_WITHIN_DAYS)
        ):
            problems.append(
                Problem(
                    "second_convocation_at",
                    _("An extraordinary meeting may be postponed by at most two months."),
                )
            )
    if (opens is None) != (closes is None):
        problems.append(
            Problem(
                "voting_closes_at", _("Give both the opening and the closing of online voting, or neither.")
            )
        )
    elif opens is not None and closes is not None and closes <= opens:
        problems.append(Problem("voting_closes_at", _("Online voting must close after it opens.")))
    if record_date > today:
        problems.append(Problem("record_date", _("The record date cannot be in the future.")))
    return problems


class InvalidInput(DecisionRefused):
    """Submitted values that break a rule, with a sentence per field; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("invalid_input", "; ".join(p.message for p in problems))
        self.problems = problems


ASSEMBLY_FIELDS = (
    "kind",
    "title",
    "description",
    "unit",
    "first_convocation_at",
    "second_convocation_at",
    "voting_opens_at",
    "voting_closes_at",
    "record_date",
    "notice_days",
    "preset",
    "requires_paid_shares",
    "max_proxies_per_holder",
    "proxies_same_college",
    "allow_delegation_to_relays",
    "parent",
)


HELD_BY_ANTENNAS = (Assembly.Kind.LOCAL, Assembly.Kind.SECTION)
GENERAL_ASSEMBLIES = (Assembly.Kind.ORDINARY, Assembly.Kind.EXTRAORDINARY)


def _section_problems(cooperative: Unit, fields: dict[str, Any]) -> list[Problem]:
    """A section assembly meets before the general assembly it sends delegates to (DOMAIN.md §2.3; loi
    n° 78-763 art. 12 for SCOP); any other assembly has no such link."""
    parent: Assembly | None = fields.get("parent")
    if fields["kind"] != Assembly.Kind.SECTION:
        if parent is not None:
            return [Problem("parent", _("Only a section assembly sends delegates to a general assembly."))]
        return []
    if parent is None:
        return [Problem("parent", _("Choose the general assembly this section sends delegates to."))]
    if parent.cooperative_id != cooperative.pk or parent.kind not in GENERAL_ASSEMBLIES:
        return [Problem("parent", _("Choose a general assembly of the same cooperative."))]
    if parent.status != Assembly.Status.DRAFT:
        return [Problem("parent", _("This general assembly is already convened: its delegates are known."))]
    if fields["first_convocation_at"] >= parent.first_convocation_at:
        return [
            Problem(
                "first_convocation_at",
                _("A section assembly meets before the general assembly it sends delegates to."),
            )
        ]
    return []


def _offered_keys(cooperative: Unit) -> set[str]:
    return {key for key, _text in presets.offered(cooperative)}


def _preset_kind_problems(cooperative: Unit, kind: str, preset: str) -> list[Problem]:
    """A board meeting decides by a board preset, a members' meeting never does (docs/adr/0018)."""
    board_preset = presets.is_board_preset(cooperative, preset)
    if kind == Assembly.Kind.BOARD and not board_preset:
        return [Problem("preset", _("A board meeting decides by a board preset: choose one."))]
    if kind != Assembly.Kind.BOARD and board_preset:
        return [Problem("preset", _("This preset is a board meeting's: choose one of a members' meeting."))]
    return []


# C. com. R225-19: where the statutes allow it, a director may represent one other director at a meeting.
FR_BOARD_PROXIES_PER_DIRECTOR = 1


def _board_problems(country: str, fields: dict[str, Any]) -> list[Problem]:
    """A board meeting gathers the directors, one vote each: no relays, no collèges, no paid-in shares;
    proxies only between directors and, for a French SA, at most one per director (R225-19)."""
    problems = []
    if fields.get("allow_delegation_to_relays"):
        problems.append(
            Problem(
                "allow_delegation_to_relays",
                _("Directors do not delegate their vote to relays: at a board meeting, untick this."),
            )
        )
    if fields.get("proxies_same_college"):
        problems.append(
            Problem(
                "proxies_same_college", _("Directors vote in no collège: at a board meeting, untick this.")
            )
        )
    if fields.get("requires_paid_shares"):
        problems.append(
            Problem(
                "requires_paid_shares",
                _("A board meeting's electorate is its directors, whatever their shares: untick this."),
            )
        )
    most = fields.get("max_proxies_per_holder")
    if country == "FR" and (most is None or most > FR_BOARD_PROXIES_PER_DIRECTOR):
        problems.append(
            Problem(
                "max_proxies_per_holder",
                _(
                    "A director may hold at most one other director's proxy (C. com. R225-19): write 1, "
                    "or 0 if the statutes allow none."
                ),
            )
        )
    return problems


def _check_assembly(cooperative: Unit, fields: dict[str, Any], today: date) -> None:
    country = country_of(cooperative)
    problems = calendar_problems(
        country=country,
        kind=fields["kind"],
        first=fields["first_convocation_at"],
        second=fields.get("second_convocation_at"),
        opens=fields.get("voting_opens_at"),
        closes=fields.get("voting_closes_at"),
        record_date=fields["record_date"],
        notice_days=fields["notice_days"],
        today=today,
    )
    unit: Unit = fields["unit"]
    if unit.pk != cooperative.pk and not unit.path.startswith(cooperative.path):
        problems.append(Problem("unit", _("The unit must be the cooperative or one of its antennas.")))
    elif fields["kind"] == Assembly.Kind.LOCAL and unit.pk == cooperative.pk:
        problems.append(Problem("unit", _("A local assembly is held by an antenna: choose it.")))
    elif fields["kind"] not in HELD_BY_ANTENNAS and unit.pk != cooperative.pk:
        problems.append(Problem("unit", _("Only a local or section assembly is held by an antenna.")))
    problems += _section_problems(cooperative, fields)
    preset = fields.get("preset", "")
    if preset and preset not in _offered_keys(cooperative):
        problems.append(
            Problem("preset", _("This preset is not one of the cooperative's country nor one of its own."))
        )
    elif preset:
        problems += _preset_kind_problems(cooperative, fields["kind"], preset)
    if fields["kind"] == Assembly.Kind.BOARD:
        problems += _board_problems(country, fields)
    if problems:
        raise InvalidInput(problems)


def _audit_value(value: Any) -> Any:
    if isinstance(value, Unit):
        return value.code
    if isinstance(value, Assembly):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@transaction.atomic
def assembly_create(
    *, cooperative: Unit, fields: dict[str, Any], actor: Any, now: datetime | None = None
) -> Assembly:
    """Create a draft assembly of a cooperative (or of one of its antennas, for a local assembly)."""
    now = now or timezone.now()
    values = {name: fields[name] for name in ASSEMBLY_FIELDS if name in fields}
    _check_assembly(cooperative, values, timezone.localdate(now))
    assembly = Assembly.objects.create(
        cooperative=cooperative, created_by=actor if getattr(actor, "pk", None) else None, **values
    )
    audit_record(
        actor=actor,
        action="assembly.created",
        obj=assembly,
        unit=assembly.unit,
        after={name: _audit_value(value) for name, value in values.items()},
    )
    return assembly


def _lock_draft(assembly: Assembly) -> Assembly:
    locked = Assembly.objects.select_for_update().select_related("cooperative").get(pk=assembly.pk)
    if locked.status != Assembly.Status.DRAFT:
        raise DecisionRefused(
            "not_draft", _("The assembly has been convened: its convocation can no longer change.")
        )
    return locked


@transaction.atomic
def assembly_update(
    *, assembly: Assembly, fields: dict[str, Any], actor: Any, now: datetime | None = None
) -> Assembly:
    """Change a draft assembly; once convened, its convocation is what members received."""
    locked = _lock_draft(assembly)
    values = {
        name: fields[name]
        for name in ASSEMBLY_FIELDS
        if name in fields and fields[name] != getattr(locked, name)
    }
    if not values:
        return locked
    merged = {name: getattr(locked, name) for name in ASSEMBLY_FIELDS} | values
    _check_assembly(locked.cooperative, merged, timezone.localdate(now or timezone.now()))
    before = {name: _audit_value(getattr(locked, name)) for name in values}
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(values))
    audit_record(
        actor=actor,
        action="assembly.updated",
        obj=locked,
        unit=locked.unit,
        before=before,
        after={name: _audit_value(value) for name, value in values.items()},
    )
    return locked


# --- the agenda -------------------------------------------------------------------------------------------

BUDGET_METHODS = ("greedy", "equal-shares")


@dataclass(frozen=True)
class OptionSpec:
    """A candidate, poll option or budget project as staff typed it: identifier, label, cost (budgets)."""

    key: str
    label: str
    cost_eur: Decimal | None = None


def _majority_problem(text: str) -> str | None:
    """None when ``text`` is a share of For + Withhold in (0, 1], else what is wrong."""
    try:
        share = to_fraction(text, what="majority")
    except (TypeError, ValueError):
        return _("Write the share of For as a fraction such as 1/2 or 2/3.")
    if not 0 < share <= 1:
        return _("The share of For must be more than 0 and at most 1.")
    return None


def _item_problems(assembly: Assembly, fields: dict[str, Any], options: list[OptionSpec]) -> list[Problem]:
    """What is wrong with an item, per field. Elections may have as many candidates as seats or fewer
    (acclamation then decides); polls offer at least two options; budgets cost their projects."""
    problems = []
    kind, method, seats = fields["kind"], fields["method"], fields.get("seats")
    majority, budget = fields.get("majority", ""), fields.get("budget_eur")
    if kind == Item.Kind.MOTION and method != "motion":
        problems.append(Problem("method", _("A motion is counted by the motion method.")))
    elif kind == Item.Kind.BUDGET and method not in BUDGET_METHODS:
        problems.append(Problem("method", _("A participatory budget is counted by greedy or equal-shares.")))
    elif kind not in (Item.Kind.MOTION, Item.Kind.BUDGET) and method in ("motion", *BUDGET_METHODS):
        problems.append(Problem("method", _("Choose how the candidates or options are counted.")))
    elif method == "for-withhold" and kind != Item.Kind.ELECTION:
        problems.append(Problem("method", _("For/Withhold decides elections only.")))
    if kind == Item.Kind.ELECTION and not seats:
        problems.append(Problem("seats", _("Say how many seats are to be filled.")))
    if kind in (Item.Kind.MOTION, Item.Kind.BUDGET) and seats:
        problems.append(Problem("seats", _("Only an election or a poll has seats.")))
    if kind == Item.Kind.ELECTION and not options:
        problems.append(Problem("options", _("Give the candidates, one per line.")))
    if kind == Item.Kind.POLL and len(options) < 2:
        problems.append(Problem("options", _("Give at least two candidates or options, one per line.")))
    if kind == Item.Kind.BUDGET:
        if not options or any(o.cost_eur is None or o.cost_eur <= 0 for o in options):
            problems.append(
                Problem("options", _("Give each project with its cost, one per line: name | cost in euros."))
            )
        if budget is None or budget <= 0:
            problems.append(Problem("budget_eur", _("Give the budget to share.")))
    else:
        if any(o.cost_eur is not None for o in options):
            problems.append(Problem("options", _("Only the projects of a participatory budget have a cost.")))
        if budget is not None:
            problems.append(Problem("budget_eur", _("Only a participatory budget has a budget.")))
    if method == "for-withhold":
        problem = (
            _majority_problem(majority) if majority else _("Give the share of For needed to be elected.")
        )
        if problem:
            problems.append(Problem("majority", problem))
    elif majority:
        problems.append(Problem("majority", _("Only a For/Withhold election has a share of For.")))
    keys = [o.key for o in options]
    if len(set(keys)) != len(keys):
        problems.append(Problem("options", _("Two candidates or options have the same identifier.")))
    preset = fields.get("preset", "")
    if preset and preset not in _offered_keys(assembly.cooperative):
        problems.append(
            Problem("preset", _("This preset is not one of the cooperative's country nor one of its own."))
        )
    if preset and kind != Item.Kind.MOTION:
        problems.append(Problem("preset", _("Only a motion has a decision type.")))
    return problems


@transaction.atomic
def item_add(*, assembly: Assembly, fields: dict[str, Any], options: list[OptionSpec], actor: Any) -> Item:
    """Put an item on the agenda of a draft assembly, with its candidates, options or projects."""
    locked = _lock_draft(assembly)
    problems = _item_problems(locked, fields, options)
    if fields.get("college") and locked.kind == Assembly.Kind.BOARD:
        problems.append(Problem("college", _("At a board meeting every director votes on every item.")))
    elif fields.get("college"):
        from coopgov.members.models import Category

        if not Category.objects.filter(cooperative=locked.cooperative, code=fields["college"]).exists():
            problems.append(
                Problem("college", _("This cooperative has no category or collège with this code."))
            )
    if problems:
        raise InvalidInput(problems)
    last = locked.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = Item.objects.create(
        assembly=locked,
        order=last + 1,
        kind=fields["kind"],
        title=fields["title"],
        description=fields.get("description", ""),
        method=fields["method"],
        seats=fields.get("seats") or None,
        preset=fields.get("preset", ""),
        secret=fields.get("secret", True),
        college=fields.get("college", ""),
        majority=fields.get("majority", ""),
        budget_eur=fields.get("budget_eur"),
    )
    Option.objects.bulk_create(
        [
            Option(item=item, key=o.key, label=o.label, order=i, cost_eur=o.cost_eur)
            for i, o in enumerate(options)
        ]
    )
    audit_record(
        actor=actor,
        action="item.added",
        obj=item,
        unit=locked.unit,
        after={
            "order": item.order,
            "kind": item.kind,
            "title": item.title,
            "method": item.method,
            "seats": item.seats,
            "preset": item.preset,
            "college": item.college,
            "secret": item.secret,
            "majority": item.majority,
            "budget_eur": str(item.budget_eur) if item.budget_eur is not None else None,
            "options": [o.key for o in options],
        },
    )
    return item


@transaction.atomic
def item_remove(*, item: Item, actor: Any) -> None:
    """Take an item off the agenda of a draft assembly."""
    locked = _lock_draft(item.assembly)
    target = Item.objects.get(pk=item.pk, assembly=locked)
    audit_record(
        actor=actor,
        action="item.removed",
        obj=target,
        unit=locked.unit,
        before={"order": target.order, "title": target.title},
    )
    target.delete()


@transaction.atomic
def site_add(*, assembly: Assembly, antenna: Unit, place: str, relay: Any, actor: Any) -> AssemblySite:
    """Add a place where the assembly meets at the same time, with the relay who records presence there."""
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if locked.status not in (Assembly.Status.DRAFT, Assembly.Status.CONVENED):
        raise DecisionRefused("site_too_late", _("Sites can be added only before voting opens."))
    problems = []
    if antenna.kind != Unit.Kind.ANTENNA or not antenna.path.startswith(locked.unit.path):
        problems.append(Problem("antenna", _("Choose an antenna of the unit holding the assembly.")))
    elif locked.sites.filter(antenna=antenna).exists():
        problems.append(Problem("antenna", _("This antenna is already a site of the assembly.")))
    if problems:
        raise InvalidInput(problems)
    site = AssemblySite.objects.create(assembly=locked, antenna=antenna, place=place, relay=relay)
    audit_record(
        actor=actor,
        action="assembly.site_added",
        obj=site,
        unit=locked.unit,
        after={"antenna": antenna.code, "place": place, "relay": getattr(relay, "email", None)},
    )
    return site


# --- documents (files under MEDIA_ROOT/assemblies/<id>/, see docs/adr/0013-assembly-documents.md) -------

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_SUFFIXES = (
    ".pdf",
    ".odt",
    ".ods",
    ".odp",
    ".docx",
    ".xlsx",
    ".pptx",
    ".txt",
    ".csv",
    ".png",
    ".jpg",
)


def document_storage() -> FileSystemStorage:
    """Where assembly documents live: MEDIA_ROOT when it is set, else var/media."""
    root = settings.MEDIA_ROOT or str(Path(settings.VAR_DIR) / "media")
    return FileSystemStorage(location=root)


def _folder(assembly: Assembly) -> str:
    return f"assemblies/{assembly.pk}"


def documents_of(assembly: Assembly) -> list[str]:
    """The names of the documents attached to an assembly, sorted."""
    storage = document_storage()
    folder = _folder(assembly)
    if not storage.exists(folder):
        return []
    return sorted(storage.listdir(folder)[1])


def document_path(assembly: Assembly, name: str) -> str | None:
    """The stored file of a document of this assembly, or None (a name never leaves the folder)."""
    if name not in documents_of(assembly):
        return None
    return document_storage().path(f"{_folder(assembly)}/{name}")


@transaction.atomic
def document_attach(*, assembly: Assembly, name: str, content: Any, actor: Any) -> str:
    """Attach a document (a file object) to the convocation; its SHA-256 goes to the audit log.

    Allowed until the assembly is closed (a corrected annex is attached under a new name: a document
    members may have read is never replaced).
    """
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if locked.status in (Assembly.Status.CLOSED, Assembly.Status.PUBLISHED):
        raise DecisionRefused("closed", _("Documents can no longer be attached to a closed assembly."))
    clean = get_valid_filename(Path(name).name)
    problems = []
    if not clean.lower().endswith(DOCUMENT_SUFFIXES):
        problems.append(
            Problem("document", _("Accepted files: %(kinds)s.") % {"kinds": ", ".join(DOCUMENT_SUFFIXES)})
        )
    size = getattr(content, "size", 0) or 0
    if size > MAX_DOCUMENT_BYTES:
        problems.append(Problem("document", _("The file is larger than 20 MB.")))
    if size == 0:
        problems.append(Problem("document", _("The file is empty.")))
    if clean in documents_of(locked):
        problems.append(Problem("document", _("A document with this name is already attached.")))
    if problems:
        raise InvalidInput(problems)
    digest = hashlib.sha256()
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)
    stored = document_storage().save(f"{_folder(locked)}/{clean}", content)
    audit_record(
        actor=actor,
        action="assembly.document_attached",
        obj=locked,
        unit=locked.unit,
        after={"document": Path(stored).name, "sha256": digest.hexdigest(), "bytes": size},
    )
    return Path(stored).name


def _before_convocation(locked: Assembly) -> None:
    if locked.status != Assembly.Status.DRAFT:
        raise DecisionRefused(
            "already_convened",
            _(
                "The convocation has been sent with this document: members were convened with it, so it "
                "stays. Attach a correction under a new name instead."
            ),
        )


@transaction.atomic
def document_remove(*, assembly: Assembly, name: str, actor: Any) -> None:
    """Remove an attached file before the convocation is sent; its SHA-256 stays in the audit log."""
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    _before_convocation(locked)
    path = document_path(locked, name)
    if path is None:
        raise DecisionRefused("no_document", _("This assembly has no document with this name."))
    digest = hashlib.sha256()
    with open(path, "rb") as stored:
        for chunk in iter(lambda: stored.read(1 << 16), b""):
            digest.update(chunk)
    audit_record(
        actor=actor,
        action="assembly.document_removed",
        obj=locked,
        unit=locked.unit,
        before={"document": name, "sha256": digest.hexdigest()},
    )
    # The file goes when the removal is committed, so a failed transaction keeps it.
    storage, stored_name = document_storage(), f"{_folder(locked)}/{name}"
    transaction.on_commit(lambda: storage.delete(stored_name))


LINK_SCHEMES = ("http", "https")


def _link_problems(assembly: Assembly, title: str, url: str) -> list[Problem]:
    problems = []
    if not title.strip():
        problems.append(Problem("title", _("Give the document's title.")))
    elif len(title.strip()) > 200:
        problems.append(Problem("title", _("The title is longer than 200 characters.")))
    try:
        URLValidator(schemes=list(LINK_SCHEMES))(url)
    except ValidationError:
        problems.append(Problem("url", _("Give a full web address starting with http:// or https://.")))
    else:
        if len(url) > 500:
            problems.append(Problem("url", _("The address is longer than 500 characters.")))
        elif assembly.links.filter(url=url).exists():
            problems.append(Problem("url", _("A document with this address is already linked.")))
    return problems


@transaction.atomic
def document_link_add(
    *, assembly: Assembly, title: str, url: str, actor: Any, now: datetime | None = None
) -> AssemblyLink:
    """Link a document published elsewhere (http or https) to the convocation, until the assembly is
    closed, like an attached file."""
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if locked.status in (Assembly.Status.CLOSED, Assembly.Status.PUBLISHED):
        raise DecisionRefused("closed", _("Documents can no longer be attached to a closed assembly."))
    url = url.strip()
    problems = _link_problems(locked, title, url)
    if problems:
        raise InvalidInput(problems)
    link = AssemblyLink.objects.create(
        assembly=locked,
        title=title.strip(),
        url=url,
        added_at=now or timezone.now(),
        added_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="assembly.document_linked",
        obj=locked,
        unit=locked.unit,
        after={"title": link.title, "url": link.url},
    )
    return link


@transaction.atomic
def document_link_remove(*, link: AssemblyLink, actor: Any) -> None:
    """Remove a linked document before the convocation is sent."""
    locked = Assembly.objects.select_for_update().get(pk=link.assembly_id)
    _before_convocation(locked)
    target = AssemblyLink.objects.get(pk=link.pk, assembly=locked)
    audit_record(
        actor=actor,
        action="assembly.document_unlinked",
        obj=locked,
        unit=locked.unit,
        before={"title": target.title, "url": target.url},
    )
    target.delete()


def convocation_documents(assembly: Assembly) -> list[str]:
    """Every document of the convocation as the minutes name it: the files, then each link's title
    and address."""
    return documents_of(assembly) + [
        f"{link.title} ({link.url})" for link in assembly.links.order_by("title", "id")
    ]


# --- assembly-wide acts -----------------------------------------------------------------------------------


@transaction.atomic
def assembly_second_convocation(*, assembly: Assembly, actor: Any) -> Assembly:
    """Hold the assembly on its second convocation, the first one having failed its quorum: every item
    counted from now on takes the quorum of the preset's second convocation (often none).

    Rule: C. com. L225-96 and L225-98 (SA), CSA art. 6:85 (BE): the second meeting, convened with the
    first, decides whatever the part of the capital or members present, on the same agenda.
    """
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if locked.second_convocation_at is None:
        raise DecisionRefused("no_second_convocation", _("This assembly has no second convocation."))
    if locked.convocation == 2:
        raise DecisionRefused("already_second", _("The assembly is already held on its second convocation."))
    if locked.status not in (Assembly.Status.CONVENED, Assembly.Status.OPEN):
        raise DecisionRefused(
            "second_not_now", _("The second convocation is held after convening and before closing.")
        )
    if Result.objects.filter(item__assembly=locked).exists():
        raise DecisionRefused(
            "already_counted", _("An item has already been counted on the first convocation.")
        )
    locked.convocation = 2
    locked.save(update_fields=["convocation"])
    audit_record(
        actor=actor,
        action="assembly.second_convocation",
        obj=locked,
        unit=locked.unit,
        before={"convocation": 1},
        after={"convocation": 2, "second_convocation_at": locked.second_convocation_at},
    )
    return locked


@transaction.atomic
def assembly_open(*, assembly: Assembly, actor: Any) -> list[Item]:
    """Open voting on every item of the agenda not yet opened (the assembly opens with them)."""
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    pending = list(locked.items.filter(status=Item.Status.DRAFT).order_by("order"))
    if not pending:
        raise DecisionRefused("nothing_to_open", _("No item is waiting to be opened."))
    return [services.item_open(item=item, actor=actor) for item in pending]


@transaction.atomic
def assembly_close(*, assembly: Assembly, actor: Any) -> list[Item]:
    """Close voting on every open item (proxies applied, secret ballots unlinked from their voters)."""
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    open_items = list(locked.items.filter(status=Item.Status.OPEN).order_by("order"))
    if not open_items:
        raise DecisionRefused("nothing_to_close", _("No item is open."))
    return [services.item_close(item=item, actor=actor) for item in open_items]


@transaction.atomic
def assembly_publish(*, assembly: Assembly, actor: Any, seed: str | None = None) -> list[Any]:
    """Count every closed item (each with its own stored seed) and publish the results."""
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    closed = list(locked.items.filter(status=Item.Status.CLOSED).order_by("order"))
    if not closed:
        raise DecisionRefused("nothing_to_publish", _("Close voting before publishing the results."))
    results = []
    for item in closed:
        # Each item with its own count (For / Withhold, budgets, acclamation kept as decided).
        counting.item_count(item=item, actor=actor, seed=seed)
        results.append(services.result_publish(item=item, actor=actor))
    return results
