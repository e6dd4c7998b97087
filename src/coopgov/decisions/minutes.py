"""The minutes (procès-verbal) of an assembly, generated from the stored data, as HTML and OpenDocument text.

`minutes_build` reads the assembly, its convocation, sites, electorate, participations, proxies, stored
results and audit entries, and writes them as one neutral document (sections of paragraphs and tables) in
the language staff chose. Two renderers draw that same document: a Django template (the page, with a print
stylesheet) and `odt_bytes`, a minimal OpenDocument text package written with zipfile and ElementTree
(ODF 1.3, part 3: `mimetype` first and stored uncompressed, `META-INF/manifest.xml`, `content.xml`,
`styles.xml`, `meta.xml`). Both show the same numbers because they draw the same document.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any
from xml.etree import ElementTree as ET

from django.db.models import CharField, Count, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

import coopgov
from coopgov.audit.models import AuditEntry
from coopgov.decisions import charts, presets
from coopgov.decisions.models import (
    Assembly,
    Delegate,
    ElectorateEntry,
    HandCount,
    Item,
    Participation,
    Proxy,
    Result,
)
from coopgov.decisions.room import Attendance, attendance
from coopgov.domain.voting.numbers import to_fraction

LANGUAGES = ("fr", "nl", "en")


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[str | Table, ...]
    level: int = 2
    anchor: str = ""

    @property
    def paragraphs_and_tables(self) -> list[tuple[str, Any]]:
        """(kind, block) pairs for templates, which cannot test a block's type."""
        return [("table", b) if isinstance(b, Table) else ("p", b) for b in self.blocks]


@dataclass(frozen=True)
class Minutes:
    title: str
    subtitle: str
    language: str
    sections: tuple[Section, ...] = field(default_factory=tuple)


# --- reading the stored data ------------------------------------------------------------------------------


def _when(value: datetime | None) -> str:
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _number(value: Any) -> str:
    """A stored number (int, float, or an exact fraction as text) for reading: whole, or 4 decimals."""
    if value is None or value == "":
        return "—"
    try:
        exact = to_fraction(value, what="number")
    except (TypeError, ValueError):
        return str(value)
    if exact.denominator == 1:
        return str(exact.numerator)
    return formats.number_format(round(float(exact), 4), decimal_pos=4)


def _fraction_text(value: Fraction) -> str:
    return "0" if value == 0 else f"{value.numerator}/{value.denominator}"


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("yes") if value else _("no")


def _preset_text(assembly: Assembly, key: str) -> str:
    """The preset as the minutes state it: the copy frozen at convocation (an own preset with its
    article of the statutes and the legal preset it may not go below)."""
    snapshot = presets.resolve(assembly, key)
    if snapshot is None:
        return key or _("none: simple majority of votes cast, no quorum")
    rule = _("quorum %(q1)s on first convocation, %(q2)s on second; majority %(majority)s of %(base)s") % {
        "q1": snapshot["quorum_first"],
        "q2": snapshot["quorum_second"],
        "majority": snapshot["threshold"],
        "base": snapshot["base"],
    }
    if snapshot.get("college_quorum"):
        rule += "; " + _("quorum %(quorum)s of its own electorate in each collège") % {
            "quorum": snapshot["college_quorum"]
        }
    if snapshot["own"]:
        return _("%(label)s (statutes, %(article)s; at least %(law)s): %(rule)s") % {
            "label": presets.label_of(snapshot),
            "article": snapshot["statutes_article"],
            "law": snapshot["based_on"],
            "rule": rule,
        }
    return f"{snapshot['label']} ({snapshot['source']}): {rule}"


def _convocation_section(assembly: Assembly, documents: list[str], present: Attendance | None) -> Section:
    snapshot = presets.resolve(assembly, assembly.preset)
    preset = presets.meeting_preset(snapshot) if snapshot is not None else None
    blocks: list[str | Table] = [
        Table(
            caption=_("The convocation"),
            header=(_("Fact"), _("Value")),
            rows=(
                (_("Cooperative"), assembly.cooperative.display_name),
                (_("Held by"), assembly.unit.display_name),
                (_("Kind"), str(assembly.get_kind_display())),
                (_("First convocation"), _when(assembly.first_convocation_at)),
                (_("Second convocation"), _when(assembly.second_convocation_at)),
                (_("Online voting opens"), _when(assembly.voting_opens_at)),
                (_("Online voting closes"), _when(assembly.voting_closes_at)),
                (
                    _("Record date of the electorate"),
                    formats.date_format(assembly.record_date, "DATE_FORMAT"),
                ),
                (_("Statutory notice (days)"), str(assembly.notice_days)),
                (_("Convened (convocation sent) at"), _when(assembly.convened_at)),
                (_("Quorum and majority preset"), _preset_text(assembly, assembly.preset)),
                (_("Status"), str(assembly.get_status_display())),
            ),
        )
    ]
    if assembly.description:
        blocks.insert(0, assembly.description)
    rows = []
    for number, at in ((1, assembly.first_convocation_at), (2, assembly.second_convocation_at)):
        if at is None:
            continue
        quorum = (preset.quorum_first if number == 1 else preset.quorum_second) if preset else Fraction(0)
        held = assembly.convocation == number
        reached: bool | None = None
        if held and present is not None:
            reached = present.present_weight >= quorum * present.electorate
        rows.append(
            (
                str(number),
                _when(at),
                _fraction_text(quorum),
                _yes_no(held),
                _number(_fraction_text(present.present_weight)) if held and present is not None else "—",
                _yes_no(reached),
            )
        )
    blocks.append(
        Table(
            caption=_("Quorum per convocation (share of the electorate present or represented)"),
            header=(
                _("Convocation"),
                _("Date"),
                _("Quorum required"),
                _("Held"),
                _("Present or represented (weighted)"),
                _("Quorum reached"),
            ),
            rows=tuple(rows),
        )
    )
    blocks.append(
        _("Documents of the convocation: %(names)s.") % {"names": ", ".join(documents)}
        if documents
        else _("No document was attached to the convocation.")
    )
    return Section(heading=_("Convocation"), blocks=tuple(blocks), anchor="convocation")


def _presence_section(assembly: Assembly, present: Attendance) -> Section:
    electorate = list(
        ElectorateEntry.objects.filter(assembly=assembly, eligible=True)
        .values("college")
        .annotate(n=Count("id"), weight=Sum("weight"))
        .order_by("college")
    )
    checked = ElectorateEntry.objects.filter(assembly=assembly).count()
    per_channel = dict(
        Participation.objects.filter(item__assembly=assembly)
        .values("channel")
        .annotate(n=Count("entry", distinct=True))
        .values_list("channel", "n")
    )
    took_part = Participation.objects.filter(item__assembly=assembly).values("entry").distinct().count()
    channel_names = dict(Participation.Channel.choices)
    proxies = Proxy.objects.filter(assembly=assembly).aggregate(
        given=Count("id"),
        paper=Count("id", filter=~Q(paper_reference="")),
        revoked=Count("id", filter=Q(revoked_at__isnull=False)),
    )
    total = sum(r["n"] for r in electorate)
    blocks: list[str | Table] = [
        _(
            "%(eligible)d members were in the electorate at the record date, out of %(checked)d memberships "
            "of the register."
        )
        % {"eligible": total, "checked": checked},
        Table(
            caption=_("Electorate per category or collège"),
            header=(_("Category / collège"), _("Members"), _("Weight")),
            rows=tuple((r["college"], str(r["n"]), _number(str(r["weight"]))) for r in electorate),
        ),
        _("%(n)d members took part in at least one vote.") % {"n": took_part},
        Table(
            caption=_("Members who took part, per channel"),
            header=(_("Channel"), _("Members")),
            rows=tuple(
                (str(channel_names[c]), str(per_channel.get(c, 0))) for c in Participation.Channel.values
            ),
        ),
        _(
            "Proxies: %(given)d given (%(paper)d on paper), %(revoked)d revoked, %(active)d in force at "
            "closing."
        )
        % {
            "given": proxies["given"],
            "paper": proxies["paper"],
            "revoked": proxies["revoked"],
            "active": proxies["given"] - proxies["revoked"],
        },
    ]
    sites = list(assembly.sites.select_related("antenna", "relay").order_by("antenna__name"))
    if sites:
        blocks.append(
            Table(
                caption=_("Sites"),
                header=(_("Antenna"), _("Address"), _("Relay"), _("Present in the room")),
                rows=tuple(
                    (
                        s.antenna.display_name,
                        s.place or "—",
                        s.relay.email if s.relay else "—",
                        str(sum(present.in_room.get(s.pk, Counter()).values())),
                    )
                    for s in sites
                ),
            )
        )
    blocks.append(
        Table(
            caption=_("Attendance for the quorum"),
            header=(_("Fact"), _("Value")),
            rows=(
                (_("Present in a room"), str(present.in_room_total)),
                (_("Taking part online (or by post)"), str(present.online)),
                (_("Represented by a proxy"), str(present.represented)),
                (_("Present or represented (weighted)"), _number(_fraction_text(present.present_weight))),
                (_("Electorate (weighted)"), _number(_fraction_text(present.electorate))),
            ),
        )
    )
    return Section(heading=_("Electorate and presence"), blocks=tuple(blocks), anchor="presence")


def _delegates_section(assembly: Assembly) -> Section | None:
    """A section assembly's delegates to its general assembly, with the members each represents."""
    delegates = list(
        Delegate.objects.filter(section=assembly).select_related("membership__person").order_by("id")
    )
    if assembly.kind != Assembly.Kind.SECTION or not delegates:
        return None
    parent = assembly.parent.title if assembly.parent_id and assembly.parent else "—"
    return Section(
        heading=_("Delegates elected"),
        blocks=(
            _("Delegates to the general assembly “%(title)s”.") % {"title": parent},
            Table(
                caption=_("Delegates and the members they represent"),
                header=(_("Register number"), _("Delegate"), _("Members represented")),
                rows=tuple(
                    (str(d.membership.number), d.membership.person.display_name, str(d.represents))
                    for d in delegates
                ),
            ),
        ),
        anchor="delegates",
    )


def _outcome(item: Item, result: Result, names: dict[str, str]) -> str:
    data = result.result
    if data.get("adopted") is not None:
        return _("The motion is adopted.") if data["adopted"] else _("The motion is not adopted.")
    winners = [names.get(w, w) for w in data.get("winners", [])]
    return _("Elected or chosen: %(names)s.") % {"names": ", ".join(winners) or "—"}


def _item_section(item: Item, result: Result | None) -> Section:
    names = {o.key: o.label for o in item.options.all()}
    facts = [
        (_("Kind"), str(item.get_kind_display())),
        (_("Counting method"), item.method),
        (_("Status"), str(item.get_status_display())),
        (_("Secret ballot"), _yes_no(item.secret)),
    ]
    if item.seats:
        facts.append((_("Seats"), str(item.seats)))
    if item.college:
        facts.append((_("Only for the category / collège"), item.college))
    if item.kind == Item.Kind.MOTION:
        facts.append((_("Decision type"), _preset_text(item.assembly, item.preset or item.assembly.preset)))
    if names:
        facts.append((_("Candidates or options"), ", ".join(names.values())))
    blocks: list[str | Table] = []
    if item.description:
        blocks.append(item.description)
    blocks.append(Table(caption=_("The item"), header=(_("Fact"), _("Value")), rows=tuple(facts)))
    if result is None or result.published_at is None:
        blocks.append(_("No result has been published for this item."))
        return Section(heading=f"{item.order}. {item.title}", blocks=tuple(blocks), level=3)
    participation = result.participation
    quorum = result.result.get("explanation", {}).get("quorum", {})
    required = quorum.get("required", None)
    if required is None and "quorum" in participation:
        required = str(
            to_fraction(participation["quorum"], what="quorum")
            * to_fraction(participation["electorate"], what="electorate")
        )
    blocks.append(
        Table(
            caption=_("Participation and quorum"),
            header=(_("Fact"), _("Value")),
            rows=(
                (_("Electorate (weighted)"), _number(participation.get("electorate"))),
                (_("Voters"), str(participation.get("voters", "—"))),
                (
                    _("Present or represented (weighted)"),
                    _number(participation.get("present_or_represented")),
                ),
                (_("Quorum required (weighted)"), _number(required)),
                (_("Quorum reached"), _yes_no(result.quorum_reached)),
            ),
        )
    )
    by_college = quorum.get("colleges") or {}
    if by_college:
        blocks.append(
            Table(
                caption=_("Quorum in each collège: %(quorum)s of its own electorate")
                % {"quorum": quorum.get("college_quorum", "—")},
                header=(
                    _("Collège"),
                    _("Present or represented (weighted)"),
                    _("Quorum required (weighted)"),
                    _("Quorum reached"),
                ),
                rows=tuple(
                    (
                        str(name),
                        _number(row.get("present_or_represented")),
                        _number(row.get("required")),
                        _yes_no(row.get("quorum_reached")),
                    )
                    for name, row in sorted(by_college.items())
                ),
            )
        )
    blocks.append(_outcome(item, result, names))
    caption, numbers = charts.result_numbers(result.result, names)
    if numbers:
        blocks.append(
            Table(
                caption=caption,
                header=(_("Option"), _("Votes")),
                rows=tuple((label, _number(value)) for label, value in numbers.items()),
            )
        )
    explanation = result.result.get("explanation", {})
    colleges = explanation.get("colleges") or []
    if colleges:
        blocks.append(
            Table(
                caption=_("Tally per collège"),
                header=(
                    _("Collège"),
                    _("For"),
                    _("Against"),
                    _("Abstain"),
                    _("Share for"),
                    _("Statutory weight"),
                    _("Weight applied"),
                ),
                rows=tuple(
                    (
                        str(c.get("college")),
                        _number(c.get("counts", {}).get("yes")),
                        _number(c.get("counts", {}).get("no")),
                        _number(c.get("counts", {}).get("abstain")),
                        _number(c.get("yes_share")),
                        str(c.get("weight", "—")),
                        str(c.get("applied_weight", "—")),
                    )
                    for c in colleges
                ),
            )
        )
        decision = explanation.get("decision", {})
        blocks.append(
            _("Weighted share for (Σ weight applied × share for): %(share)s.")
            % {"share": decision.get("weighted_yes_exact") or _number(decision.get("weighted_yes"))}
        )
    hands = list(item.hand_counts.select_related("site__antenna").order_by("site__antenna__name", "college"))
    if hands:
        blocks.append(
            Table(
                caption=_("Show of hands in the rooms"),
                header=(_("Antenna"), _("Collège"), _("For"), _("Against"), _("Abstain")),
                rows=tuple(
                    (
                        h.site.antenna.display_name,
                        h.college,
                        str(h.votes_for),
                        str(h.votes_against),
                        str(h.votes_abstain),
                    )
                    for h in hands
                ),
            )
        )
    report = item.proxy_report or {}
    refused = report.get("refused") or []
    blocks.append(
        _("Proxies used: %(applied)d applied, %(refused)d refused at closing.")
        % {"applied": int(report.get("applied", 0)), "refused": len(refused)}
    )
    if refused:
        reasons = Counter(str(r.get("reason", "")) for r in refused)
        blocks.append(
            Table(
                caption=_("Proxies refused at closing"),
                header=(_("Reason"), _("Proxies")),
                rows=tuple((reason, str(n)) for reason, n in sorted(reasons.items())),
            )
        )
    blocks.append(
        Table(
            caption=_("Stored inputs of the count"),
            header=(_("Fact"), _("Value")),
            rows=(
                (_("Method"), result.method),
                (_("Lottery seed"), result.seed),
                (_("Ballot file SHA-256"), result.inputs_digest),
                (_("Code version"), result.code_version),
                (_("Counted at"), _when(result.computed_at)),
                (_("Published at"), _when(result.published_at)),
            ),
        )
    )
    return Section(heading=f"{item.order}. {item.title}", blocks=tuple(blocks), level=3)


def _audit_section(assembly: Assembly) -> Section:
    """The audit entries of the assembly's governance acts, show-of-hands counts included (not the
    individual ballots nor presences: their counts are in the figures, and listing them would list who
    voted)."""

    # Subqueries rather than lists of ids: a large assembly has hundreds of thousands of participations.
    def ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.annotate(text_id=Cast("pk", CharField())).values("text_id")

    where = Q(object_type="decisions.assembly", object_id=str(assembly.pk))
    for object_type, queryset in (
        ("decisions.item", Item.objects.filter(assembly=assembly)),
        ("decisions.assemblysite", assembly.sites.all()),
        ("decisions.proxy", Proxy.objects.filter(assembly=assembly)),
        ("decisions.result", Result.objects.filter(item__assembly=assembly)),
        ("decisions.handcount", HandCount.objects.filter(item__assembly=assembly)),
    ):
        where |= Q(object_type=object_type, object_id__in=ids(queryset))
    entries = list(AuditEntry.objects.filter(where).order_by("seq").only("seq", "at", "action", "hash"))
    # Each cast (a changed vote included) writes one "ballot.cast" entry; the participations count them
    # (joining the log on its text object ids would be slow on a large, freshly written log).
    ballots = Participation.objects.filter(item__assembly=assembly).aggregate(n=Sum("times_cast"))["n"] or 0
    return Section(
        heading=_("Audit references"),
        blocks=(
            _(
                "Each act below is an entry of the hash-chained audit log; `coopgov verify_audit` checks the "
                "chain. %(ballots)d ballot casts are logged as well (not listed)."
            )
            % {"ballots": ballots},
            Table(
                caption=_("Audit entries of the assembly"),
                header=(_("Sequence"), _("Time"), _("Act"), _("Hash (SHA-256)")),
                rows=tuple((str(e.seq), _when(e.at), e.action, e.hash) for e in entries),
            ),
        ),
        anchor="audit",
    )


def minutes_build(assembly: Assembly, *, language: str, documents: list[str] | None = None) -> Minutes:
    """The minutes of an assembly in one of the three languages, from what is stored."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    assembly = Assembly.objects.select_related("cooperative", "unit").get(pk=assembly.pk)
    items = list(assembly.items.prefetch_related("options").select_related("assembly").order_by("order"))
    results = list(Result.objects.filter(item__assembly=assembly))
    by_item = {r.item_id: r for r in results}
    present = attendance(assembly)  # the members present, online and represented (read once)
    with translation.override(language):
        sections = [
            _convocation_section(
                assembly, documents or [], present if assembly.status != Assembly.Status.DRAFT else None
            ),
            _presence_section(assembly, present),
            Section(
                heading=_("Agenda and results"),
                blocks=(_("%(n)d items were put to the vote.") % {"n": len(items)},),
                anchor="items",
            ),
            *[_item_section(item, by_item.get(item.pk)) for item in items],
            _delegates_section(assembly),
            _audit_section(assembly),
        ]
        subtitle = _("Minutes generated on %(when)s by coopgov %(version)s from the stored data.") % {
            "when": _when(timezone.now()),
            "version": coopgov.__version__,
        }
        title = _("Minutes — %(title)s") % {"title": assembly.title}
    return Minutes(
        title=title,
        subtitle=subtitle,
        language=language,
        sections=tuple(s for s in sections if s is not None),
    )


# --- OpenDocument text ------------------------------------------------------------------------------------

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _el(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(name), {_q(k.replace("__", ":")): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _root(name: str) -> ET.Element:
    return ET.Element(_q(name), {_q("office:version"): "1.3"})


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _styles() -> bytes:
    root = _root("office:document-styles")
    styles = _el(root, "office:styles")
    for name, size, weight in (
        ("Title", "18pt", "bold"),
        ("Heading_2", "14pt", "bold"),
        ("Heading_3", "12pt", "bold"),
    ):
        style = _el(styles, "style:style", style__name=name, style__family="paragraph")
        _el(style, "style:paragraph-properties", fo__margin_top="0.3cm", fo__margin_bottom="0.2cm")
        _el(style, "style:text-properties", fo__font_size=size, fo__font_weight=weight)
    for name, weight in (("Caption", "bold"), ("Cell", "normal")):
        style = _el(styles, "style:style", style__name=name, style__family="paragraph")
        _el(style, "style:text-properties", fo__font_size="10pt", fo__font_weight=weight)
    return _xml(root)


def _content(minutes: Minutes) -> bytes:
    root = _root("office:document-content")
    automatic = _el(root, "office:automatic-styles")
    cell = _el(automatic, "style:style", style__name="Frame", style__family="table-cell")
    _el(cell, "style:table-cell-properties", fo__border="0.5pt solid #000000", fo__padding="0.05cm")
    text = _el(_el(root, "office:body"), "office:text")
    _el(text, "text:h", minutes.title, text__style_name="Title", text__outline_level="1")
    _el(text, "text:p", minutes.subtitle)
    tables = 0
    for section in minutes.sections:
        _el(
            text,
            "text:h",
            section.heading,
            text__style_name=f"Heading_{section.level}",
            text__outline_level=str(section.level),
        )
        for block in section.blocks:
            if not isinstance(block, Table):
                for line in block.splitlines() or [""]:
                    _el(text, "text:p", line)
                continue
            tables += 1
            _el(text, "text:p", block.caption, text__style_name="Caption")
            table = _el(text, "table:table", table__name=f"Table{tables}")
            _el(table, "table:table-column", table__number_columns_repeated=str(len(block.header)))
            for row_values, is_header in [(block.header, True), *[(r, False) for r in block.rows]]:
                row = _el(table, "table:table-row")
                for value in row_values:
                    cell_el = _el(
                        row, "table:table-cell", table__style_name="Frame", office__value_type="string"
                    )
                    _el(cell_el, "text:p", value, text__style_name="Caption" if is_header else "Cell")
    return _xml(root)


def _meta(minutes: Minutes) -> bytes:
    root = _root("office:document-meta")
    meta = _el(root, "office:meta")
    _el(meta, "meta:generator", f"coopgov/{coopgov.__version__}")
    _el(meta, "dc:title", minutes.title)
    _el(meta, "dc:language", minutes.language)
    return _xml(root)


def _manifest() -> bytes:
    root = ET.Element(_q("manifest:manifest"), {_q("manifest:version"): "1.3"})
    for path, media in (
        ("/", ODT_MIMETYPE),
        ("content.xml", "text/xml"),
        ("styles.xml", "text/xml"),
        ("meta.xml", "text/xml"),
    ):
        attrs = {_q("manifest:full-path"): path, _q("manifest:media-type"): media}
        if path == "/":
            attrs[_q("manifest:version")] = "1.3"
        ET.SubElement(root, _q("manifest:file-entry"), attrs)
    return _xml(root)


def odt_bytes(minutes: Minutes) -> bytes:
    """The minutes as an OpenDocument text file: the `mimetype` entry first and stored (uncompressed),
    as ODF 1.3 part 3 §3.3 asks, so that tools recognise the package by its first bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, data in (
            ("content.xml", _content(minutes)),
            ("styles.xml", _styles()),
            ("meta.xml", _meta(minutes)),
            ("META-INF/manifest.xml", _manifest()),
        ):
            package.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
