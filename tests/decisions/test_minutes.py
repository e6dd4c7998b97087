"""The minutes (procès-verbal) of an assembly: built from the stored data, as a page and as a valid
OpenDocument text file, in the language staff choose; and `coopgov minutes`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.decisions import services
from coopgov.decisions.minutes import NS, Table, minutes_build, odt_bytes
from coopgov.decisions.models import Assembly, Item
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.organisation.services import role_grant
from tests.decisions.builders import assembly, cast, convene, entry, members_in, motion
from tests.members.builders import ACTOR

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def published(org):
    """A French ordinary AG (quorum 1/5, absolute majority of votes cast) on one collège-weighted motion.

    Electorate: collège 1 four members, collèges 2, 3 and 4 two each (ten). Ballots: collège 1 yes, yes
    and no — the no held by a member who also holds the proxy of the fourth member of collège 1 —;
    collège 2 yes; collège 3 no, no; collège 4 abstain. The weights are the demo statutes' 40/20/20/20 %.
    """
    colleges = {
        code: members_in(org, org.fr, n, category=code)
        for code, n in (("1", 4), ("2", 2), ("3", 2), ("4", 2))
    }
    a = assembly(org.fr, title="AGO 2027", preset="fr-scic-sa-ago")
    item = motion(a, secret=True)
    convene(a)
    c1 = colleges["1"]
    services.proxy_give(assembly=a, giver=entry(a, c1[3]), holder=entry(a, c1[2]), actor=ACTOR)
    services.item_open(item=item, actor=ACTOR)
    for m, choice in [
        (c1[0], "yes"),
        (c1[1], "yes"),
        (c1[2], "no"),
        (colleges["2"][0], "yes"),
        (colleges["3"][0], "no"),
        (colleges["3"][1], "no"),
        (colleges["4"][0], "abstain"),
    ]:
        cast(item, a, m, choice)
    services.item_close(item=item, actor=ACTOR)
    services.result_compute(item=item, actor=ACTOR, seed="11")
    services.result_publish(item=item, actor=ACTOR)
    a.refresh_from_db()
    return a, item, colleges


def _tables(minutes):
    return {b.caption: b for s in minutes.sections for b in s.blocks if isinstance(b, Table)}


def _text(minutes) -> str:
    out = []
    for s in minutes.sections:
        out.append(s.heading)
        for b in s.blocks:
            out.extend(
                [b.caption, *b.header, *[c for r in b.rows for c in r]] if isinstance(b, Table) else [b]
            )
    return "\n".join(out)


def test_the_minutes_hold_presence_quorum_collège_tallies_result_proxies_and_audit_references(org, published):
    a, _item, _colleges = published
    minutes = minutes_build(a, language="en")
    tables = _tables(minutes)
    assert minutes.title == "Minutes — AGO 2027"
    # First convocation held: quorum 1/5; eight of ten present or represented (seven voters, one proxy).
    assert tables["Quorum per convocation (share of the electorate present or represented)"].rows[0][2:] == (
        "1/5",
        "yes",
        "8",
        "yes",
    )
    assert dict(tables["Attendance for the quorum"].rows) == {
        "Present in a room": "0",
        "Taking part online (or by post)": "7",
        "Represented by a proxy": "1",
        "Present or represented (weighted)": "8",
        "Electorate (weighted)": "10",
    }
    assert tables["Electorate per category or collège"].rows == (
        ("1", "4", "4"),
        ("2", "2", "2"),
        ("3", "2", "2"),
        ("4", "2", "2"),
    )
    assert dict(tables["Members who took part, per channel"].rows)["Online"] == "7"
    participation = dict(tables["Participation and quorum"].rows)
    # Eight present or represented (seven ballots, one of them carrying a proxy) out of ten; 1/5 × 10 = 2.
    assert participation == {
        "Electorate (weighted)": "10",
        "Voters": "7",
        "Present or represented (weighted)": "8",
        "Quorum required (weighted)": "2",
        "Quorum reached": "yes",
    }
    per_college = {row[0]: row[1:] for row in tables["Tally per collège"].rows}
    # Collège 1: yes 2, no 1 + the proxy = 2 → share for 1/2; collège 4 cast no vote for or against, so
    # its weight is shared among the others: 2/5 ÷ 4/5 = 1/2, 1/5 ÷ 4/5 = 1/4.
    assert per_college["1"][:2] == ("2", "2") and per_college["1"][-1] == "1/2"
    assert per_college["2"][-1] == "1/4" and per_college["4"][-1] == "0"
    text = _text(minutes)
    # 1/2 × 1/2 + 1/4 × 1 + 1/4 × 0 = 1/2: not more than half, so not adopted.
    assert "Weighted share for (Σ weight applied × share for): 1/2." in text
    assert "The motion is not adopted." in text
    assert "Proxies used: 1 applied, 0 refused at closing." in text
    assert "Proxies: 1 given (0 on paper), 0 revoked, 1 in force at closing." in text
    audit = tables["Audit entries of the assembly"]
    acts = [row[2] for row in audit.rows]
    assert acts == [
        "assembly.convened",
        "proxy.given",
        "item.opened",
        "item.closed",
        "result.computed",
        "result.published",
    ]
    published_entry = AuditEntry.objects.get(action="result.published")
    assert (str(published_entry.seq), published_entry.hash) == (audit.rows[-1][0], audit.rows[-1][3])
    assert "7 ballot casts are logged as well (not listed)." in text
    assert dict(tables["Stored inputs of the count"].rows)["Lottery seed"] == "11"


def test_the_minutes_are_written_in_the_language_staff_choose(org, published):
    a, _item, _colleges = published
    titles = {lang: minutes_build(a, language=lang).title for lang in ("fr", "nl", "en")}
    assert titles == {
        "fr": "Procès-verbal — AGO 2027",
        "nl": "Notulen — AGO 2027",
        "en": "Minutes — AGO 2027",
    }
    with pytest.raises(ValueError, match="language must be one of fr, nl, en"):
        minutes_build(a, language="de")


def test_the_odt_file_is_a_valid_opendocument_text_with_the_same_tables(org, published):
    a, _item, _colleges = published
    minutes = minutes_build(a, language="fr")
    data = odt_bytes(minutes)
    # ODF 1.3 part 3 §3.3: "mimetype" is the first entry, stored, and readable at a fixed offset.
    assert data[30:38] == b"mimetype" and data[38:77] == b"application/vnd.oasis.opendocument.text"
    package = zipfile.ZipFile(io.BytesIO(data))
    assert package.testzip() is None
    first = package.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    manifest = ET.fromstring(package.read("META-INF/manifest.xml"))
    entries = {
        e.get(f"{{{NS['manifest']}}}full-path"): e.get(f"{{{NS['manifest']}}}media-type")
        for e in manifest.iter(f"{{{NS['manifest']}}}file-entry")
    }
    assert entries == {
        "/": "application/vnd.oasis.opendocument.text",
        "content.xml": "text/xml",
        "styles.xml": "text/xml",
        "meta.xml": "text/xml",
    }
    assert set(package.namelist()) == {
        "mimetype",
        "content.xml",
        "styles.xml",
        "meta.xml",
        "META-INF/manifest.xml",
    }
    content = ET.fromstring(package.read("content.xml"))
    ET.fromstring(package.read("styles.xml"))
    meta = ET.fromstring(package.read("meta.xml"))
    assert meta.find(f".//{{{NS['dc']}}}language").text == "fr"
    tables = content.findall(f".//{{{NS['table']}}}table")
    assert len(tables) == len(_tables(minutes))
    cells = ["".join(c.itertext()) for c in content.iter(f"{{{NS['table']}}}table-cell")]
    expected = [
        cell for t in _tables(minutes).values() for cell in (*t.header, *[c for r in t.rows for c in r])
    ]
    assert cells == expected
    headings = ["".join(h.itertext()) for h in content.iter(f"{{{NS['text']}}}h")]
    assert headings[0] == "Procès-verbal — AGO 2027"


def officer(role, unit):
    user = User.objects.create_user(email=f"{role}@example.org")
    role_grant(user=user, unit=unit, role=role, actor=ACTOR)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def test_staff_read_the_minutes_page_and_download_the_odt_in_the_language_chosen(client, org, published):
    a, _item, _colleges = published
    client.force_login(officer("board", org.fr))
    page = client.get(f"/assemblies/{a.pk}/minutes/?language=nl", **EN)
    html = page.content.decode()
    assert '<article class="minutes" lang="nl">' in html and "Notulen — AGO 2027" in html
    assert "@media print" in html
    odt = client.get(f"/assemblies/{a.pk}/minutes.odt?language=en")
    assert odt["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert odt["Content-Disposition"] == f'attachment; filename="minutes-{a.pk}-en.odt"'
    assert (
        zipfile.ZipFile(io.BytesIO(odt.content)).read("mimetype")
        == b"application/vnd.oasis.opendocument.text"
    )


def test_members_read_the_minutes_once_the_results_are_published_and_not_before(client, org, published):
    a, _item, colleges = published
    user = User.objects.create_user(email="voter@example.org", person=colleges["1"][0].person)
    client.force_login(user)
    assert client.get(f"/assemblies/{a.pk}/minutes/", **EN).status_code == 200
    Assembly.objects.filter(pk=a.pk).update(status=Assembly.Status.CLOSED)
    assert client.get(f"/assemblies/{a.pk}/minutes/", **EN).status_code == 403
    assert client.get(f"/assemblies/{a.pk}/minutes.odt").status_code == 403


def test_an_item_without_a_published_result_says_so(org):
    a = assembly(org.be, title="AG 2027")
    motion(a)
    text = _text(minutes_build(a, language="en"))
    assert "No result has been published for this item." in text
    assert "No document was attached to the convocation." in text
    assert Item.objects.count() == 1


def test_the_minutes_command_writes_odt_and_html_and_says_what_is_wrong(org, published, tmp_path: Path):
    a, _item, _colleges = published
    out = io.StringIO()
    call_command(
        "minutes",
        "--assembly",
        str(a.pk),
        "--format",
        "odt",
        "--language",
        "en",
        str(tmp_path / "pv.odt"),
        stdout=out,
    )
    assert zipfile.ZipFile(tmp_path / "pv.odt").read("mimetype") == b"application/vnd.oasis.opendocument.text"
    call_command(
        "minutes", "--assembly", str(a.pk), "--format", "html", str(tmp_path / "pv.html"), stdout=out
    )
    html = (tmp_path / "pv.html").read_text()
    assert (
        html.startswith("<!DOCTYPE html>")
        and '<html lang="fr">' in html
        and "Procès-verbal — AGO 2027" in html
    )
    with pytest.raises(CommandError, match="--assembly 999999: no such assembly"):
        call_command("minutes", "--assembly", "999999", "--format", "odt", str(tmp_path / "x.odt"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "minutes", "--assembly", str(a.pk), "--format", "odt", str(tmp_path / "nowhere" / "x.odt")
        )
    with pytest.raises(CommandError, match="binary"):
        call_command("minutes", "--assembly", str(a.pk), "--format", "odt", "-")


def test_the_minutes_give_the_presence_in_each_room_and_the_show_of_hands(org):
    """Smart Belgium, one open (not secret) motion, a room at Bruxelles: three members present there
    vote by a show of hands (2 For, 1 Against in category A), a fourth votes online."""
    from coopgov.decisions import room
    from coopgov.decisions.models import AssemblySite
    from coopgov.organisation.models import Unit

    voters = members_in(org, org.be, 5)
    a = assembly(org.be, title="AG 2027", preset="be-sc-ordinary")
    item = motion(a, secret=False)
    site = AssemblySite.objects.create(
        assembly=a, antenna=Unit.objects.get(code="BE-BRUXELLES"), place="Rue Coenraets 72"
    )
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    for m in voters[:3]:
        room.presence_record(site=site, entry=entry(a, m), actor=ACTOR)
    room.hands_record(
        item=item, site=site, college="A", votes_for=2, votes_against=1, votes_abstain=0, actor=ACTOR
    )
    cast(item, a, voters[3], "yes")
    services.item_close(item=item, actor=ACTOR)
    services.result_compute(item=item, actor=ACTOR, seed="3")
    services.result_publish(item=item, actor=ACTOR)
    minutes = minutes_build(a, language="en")
    tables = _tables(minutes)
    assert tables["Sites"].rows == (("Bruxelles", "Rue Coenraets 72", "—", "3"),)
    attendance = dict(tables["Attendance for the quorum"].rows)
    assert (attendance["Present in a room"], attendance["Taking part online (or by post)"]) == ("3", "1")
    assert attendance["Electorate (weighted)"] == "5"
    assert tables["Show of hands in the rooms"].rows == (("Bruxelles", "A", "2", "1", "0"),)
    assert "hands.counted" in [row[2] for row in tables["Audit entries of the assembly"].rows]
    assert "The motion is adopted." in _text(minutes)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_minutes_of_a_published_assembly_speak_the_language_chosen_throughout(org, published, language):
    from tests.test_i18n import _english_only

    a, _item, _colleges = published
    untranslated = _english_only(language)
    minutes = minutes_build(a, language=language)
    pieces = [line for line in _text(minutes).splitlines() if line]
    assert sorted({p for p in pieces if p.rstrip(":") in untranslated}) == []


def test_the_minutes_of_a_section_assembly_name_its_delegates_and_whom_they_represent(org):
    from datetime import timedelta

    from coopgov.decisions.sections import section_delegates_record

    voters = members_in(org, org.be, 3)
    general = assembly(org.be, title="AG 2027")
    section = assembly(org.be, title="Section Bruxelles", kind="section", parent=general)
    section.first_convocation_at = general.first_convocation_at - timedelta(days=3)
    section.save()
    item = motion(section)
    convene(section)
    services.item_open(item=item, actor=ACTOR)
    for m in voters:
        cast(item, section, m, "yes")
    section_delegates_record(section=section, memberships=[voters[0], voters[1]], actor=ACTOR)
    minutes = minutes_build(section, language="en")
    delegates = _tables(minutes)["Delegates and the members they represent"]
    # Three members took part, shared between two delegates: 2 and 1.
    names = [m.person.display_name for m in voters[:2]]
    assert delegates.rows == (
        (str(voters[0].number), names[0], "2"),
        (str(voters[1].number), names[1], "1"),
    )
    assert "Delegates to the general assembly “AG 2027”." in _text(minutes)
    assert "section.delegates_recorded" in [
        r[2] for r in _tables(minutes)["Audit entries of the assembly"].rows
    ]
