"""The FR, NL and EN catalogues are complete, compiled, and every page of the register speaks them."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "coopgov"
LOCALE = SOURCE / "locale"
LANGUAGES = ("fr", "nl", "en")
TRANSLATED = ("fr", "nl")
# The project's catalogue, then one per app that keeps its own (`make messages` refreshes them all).
CATALOGUES = [LOCALE, *sorted(p for p in SOURCE.glob("*/locale") if any(p.glob("*/LC_MESSAGES/django.po")))]
PO_FILES = [(locale, language) for locale in CATALOGUES for language in LANGUAGES]
PO_TRANSLATED = [(locale, language) for locale in CATALOGUES for language in TRANSLATED]


def _name(value: object) -> str:
    return str(value.relative_to(SOURCE)) if isinstance(value, Path) else str(value)


@dataclass
class Entry:
    """One message of a .po file."""

    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    references: list[str] = field(default_factory=list)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header excluded), enough of the format for these checks."""
    entries: list[Entry] = []
    current = Entry()
    key: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal current
        if current.msgid or current.msgstr:
            entries.append(current)
        current = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            key = None
        elif line.startswith("#,"):
            current.fuzzy = current.fuzzy or "fuzzy" in line
        elif line.startswith("#:"):
            current.references += line[2:].split()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert key is not None, f"{path}:{number}: a string continues nothing"
            _append(current, key, ast.literal_eval(line))
        else:
            word, _, rest = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d)\]", word)
            if word == "msgid":
                current.line = number
            key = (word, 0) if match is None else ("msgstr", int(match.group(1)))
            _append(current, key, ast.literal_eval(rest))
    flush()
    return [e for e in entries if e.msgid]


def _append(entry: Entry, key: tuple[str, int], text: str) -> None:
    word, index = key
    if word == "msgid":
        entry.msgid += text
    elif word == "msgid_plural":
        entry.msgid_plural += text
    elif word == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text


def catalogue(language: str, locale: Path = LOCALE) -> list[Entry]:
    return read_po(locale / language / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize(("locale", "language"), PO_FILES, ids=_name)
def test_every_message_has_a_translation_and_none_is_fuzzy(locale: Path, language: str) -> None:
    entries = catalogue(language, locale)
    assert entries, f"the {language} catalogue is empty"
    problems = [
        f"django.po:{e.line}: {e.msgid!r} is {'fuzzy' if e.fuzzy else 'untranslated'}"
        for e in entries
        if e.fuzzy or not e.msgstr or not all(e.msgstr.values())
    ]
    assert problems == []


@pytest.mark.parametrize(("locale", "language"), PO_TRANSLATED, ids=_name)
def test_translations_keep_the_placeholders_of_the_source(locale: Path, language: str) -> None:
    placeholder = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
    problems = []
    for e in catalogue(language, locale):
        for index, text in e.msgstr.items():
            source = e.msgid_plural if index > 0 and e.msgid_plural else e.msgid
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(text)):
                problems.append(f"django.po:{e.line}: {e.msgid!r} → {text!r}")
    assert problems == []


@pytest.mark.parametrize(("locale", "language"), PO_FILES, ids=_name)
def test_the_compiled_catalogue_says_what_the_po_file_says(locale: Path, language: str) -> None:
    """The committed .mo is compiled from the committed .po (run `make messages` after editing)."""
    with (locale / language / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        compiled: dict[Any, str] = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    stale = []
    for e in catalogue(language, locale):
        if e.msgid_plural:
            wanted = {(e.msgid, i): text for i, text in e.msgstr.items()}
        else:
            wanted = {e.msgid: e.msgstr.get(0, "")}
        stale += [f"{key!r}" for key, text in wanted.items() if compiled.get(key) != text]
    assert stale == []


# --- Pages rendered in each language ---------------------------------------------------------------

PASSWORD = "coopgov-i18n-2026"


class _Text(HTMLParser):
    """The text a person reads or hears: text nodes plus labels carried by attributes.

    Text marked with its own ``lang`` (each language's name in the switch, in that language) is left out.
    """

    SPOKEN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skip = 0
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style") or (tag != "html" and any(name == "lang" for name, _ in attrs)):
            self._skipping.append(tag)
            self._skip += 1
        for name, value in attrs:
            if name in self.SPOKEN_ATTRIBUTES and value:
                self.pieces.append(value)
            if tag == "input" and name == "value" and ("type", "submit") in attrs and value:
                self.pieces.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.pieces.append(" ".join(data.split()))


def spoken_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.pieces


@pytest.fixture
def register_world(db: None, settings: Any) -> dict[str, Any]:
    """The demo organisation, a member with shares in both cooperatives, a candidate, and staff."""
    from datetime import date, timedelta
    from decimal import Decimal

    from allauth.mfa.totp.internal.auth import TOTP

    from coopgov.accounts.models import User
    from coopgov.domain.governance.shares import MovementKind
    from coopgov.members import services
    from coopgov.members.demo import DEMO_TOTP_SECRET, setup_organisation
    from coopgov.members.models import Category, Person, ShareClass
    from coopgov.organisation.models import Unit
    from coopgov.organisation.services import role_grant

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    units = setup_organisation()
    brussels = Unit.objects.get(code="BE-BRUXELLES")
    today = date.today()

    def person(first: str, last: str, profiles: list[str]) -> Any:
        return Person.objects.create(
            first_name=first,
            last_name=last,
            email=f"{first.lower()}@example.org",
            home_antenna=brussels,
            profiles=profiles,
        )

    staff = User.objects.create_user(
        email="staff@example.org", password=PASSWORD, person=person("Sophie", "Martin", ["staff"])
    )
    role_grant(user=staff, unit=units["SMART"], role="staff", actor="test")
    TOTP.activate(staff, DEMO_TOTP_SECRET)
    marie = person("Marie", "Lambert", ["entrepreneur"])
    member = User.objects.create_user(email="member@example.org", password=PASSWORD, person=marie)
    numbers = {}
    for code, category, shares in (("BE", "A", 1), ("FR", "1", 1)):
        coop = units[code]
        membership = services.membership_apply(
            person=marie,
            cooperative=coop,
            category=Category.objects.get(cooperative=coop, code=category),
            applied_on=today - timedelta(days=400),
            actor="test",
        )
        services.membership_admit(membership=membership, on=today - timedelta(days=390), actor="test")
        share_class = ShareClass.objects.get(cooperative=coop, is_default=True)
        for kind, quantity, amount in (
            (MovementKind.SUBSCRIPTION, shares, Decimal(0)),
            (MovementKind.PAYMENT, 0, Decimal(30) * shares),
        ):
            services.share_movement_record(
                membership=membership,
                kind=kind,
                share_class=share_class,
                on=today - timedelta(days=390),
                actor="test",
                quantity=quantity,
                amount_eur=amount,
            )
        numbers[code] = membership.number
    services.membership_apply(
        person=person("Lotte", "Janssens", ["entrepreneur"]),
        cooperative=units["BE"],
        category=Category.objects.get(cooperative=units["BE"], code="A"),
        applied_on=today,
        actor="test",
    )
    return {"staff": staff, "member": member, "numbers": numbers}


def _pages(world: dict[str, Any]) -> list[tuple[str, Any, str]]:
    be = world["numbers"]["BE"]
    return [
        ("landing", None, "/"),
        ("sign-in", None, "/accounts/login/"),
        ("member page", world["member"], "/me/"),
        ("register list", world["staff"], "/register/BE/"),
        ("register list, filtered", world["staff"], "/register/BE/?status=candidate"),
        ("ledger", world["staff"], f"/register/BE/{be}/"),
        ("admission queue", world["staff"], "/register/BE/admissions/"),
        ("policy editor", world["staff"], "/register/BE/policy/"),
        ("simulation report", world["staff"], "/register/BE/policy/simulate/"),
    ]


def _render(client: Any, user: Any, path: str, language: str) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(path)
    assert response.status_code == 200, f"{path} in {language}: HTTP {response.status_code}"
    return response.content.decode()


def _english_only(language: str) -> set[str]:
    """Our messages without placeholders whose translation differs from the English source."""
    return {
        e.msgid
        for e in catalogue(language)
        if not e.msgid_plural and "%" not in e.msgid and e.msgstr.get(0) and e.msgstr[0] != e.msgid
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_register_page_is_fully_translated(client: Any, register_world: Any, language: str) -> None:
    untranslated = _english_only(language)
    leaks = {}
    for name, user, path in _pages(register_world):
        html = _render(client, user, path, language)
        assert f'<html lang="{language}">' in html, f"{name} is not served in {language}"
        found = sorted({piece for piece in spoken_text(html) if piece.rstrip(":") in untranslated})
        if found:
            leaks[name] = found
    assert leaks == {}


def test_the_english_pages_use_the_source_messages_so_the_check_above_can_see_them(
    client: Any, register_world: Any
) -> None:
    untranslated = _english_only("fr")
    for name, user, path in _pages(register_world):
        if path.startswith("/accounts/"):
            continue
        pieces = spoken_text(_render(client, user, path, "en"))
        assert any(piece.rstrip(":") in untranslated for piece in pieces), name


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_sign_in_page_of_allauth_is_translated(client: Any, register_world: Any, language: str) -> None:
    from django.utils import translation

    html = _render(client, None, "/accounts/login/", language)
    with translation.override(language):
        expected = [translation.gettext(s) for s in ("Sign In", "Password", "Forgot your password?")]
    assert all(text in html for text in expected), expected
    assert expected != ["Sign In", "Password", "Forgot your password?"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_fields_show_their_value_in_every_language(
    client: Any, register_world: Any, language: str
) -> None:
    """A browser's date picker reads only ISO dates; a localised value (26/11/2026) shows as blank."""
    be = register_world["numbers"]["BE"]
    for path in (f"/register/BE/{be}/", "/register/BE/admissions/"):
        html = _render(client, register_world["staff"], path, language)
        dates = re.findall(r'<input type="date"[^>]*>', html)
        assert dates, path
        assert all(re.search(r'value="\d{4}-\d{2}-\d{2}"', tag) for tag in dates), (path, dates)


@pytest.mark.parametrize("language", TRANSLATED)
def test_error_pages_speak_the_reader_s_language_and_keep_the_language_switch(
    client: Any, register_world: Any, language: str
) -> None:
    from django.utils import translation

    client.force_login(register_world["member"])
    client.cookies["django_language"] = language
    for path, status, title in (
        ("/no-such-page/", 404, "Page not found"),
        ("/register/BE/", 403, "Not allowed"),
    ):
        response = client.get(path)
        html = response.content.decode()
        with translation.override(language):
            expected = translation.gettext(title)
        assert response.status_code == status
        assert expected != title and f"<h1>{expected}</h1>" in html, path
        assert 'id="language-switch"' in html, path
