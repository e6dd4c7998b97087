"""Documents of a convocation: a file or a link (http or https), removable by staff until the convocation
is sent — never after, since members were convened with them — and every change audited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.decisions import services_manage
from coopgov.decisions.minutes import minutes_build
from coopgov.decisions.models import AssemblyLink
from tests.decisions.builders import assembly, convene, members_in, motion
from tests.decisions.test_manage import EN, officer


@pytest.fixture(autouse=True)
def in_english():
    """The services' sentences are read in English here (the default language is French)."""
    with translation.override("en"):
        yield


@pytest.fixture
def staff(org):
    return officer("staff", org.be)


@pytest.fixture
def draft(org, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    a = assembly(org.be, title="AG 2027")
    motion(a)
    return a


def test_staff_link_a_document_published_elsewhere_which_members_see(client, org, staff, draft):
    client.force_login(staff)
    url = f"/assemblies/{draft.pk}/prepare/links/"
    response = client.post(
        url, {"title": "Rapport spécial 2026", "url": "https://smart.coop/rapport.pdf"}, **EN
    )
    assert response.status_code == 302
    link = AssemblyLink.objects.get()
    assert (link.title, link.added_by) == ("Rapport spécial 2026", staff)
    entry = AuditEntry.objects.get(action="assembly.document_linked")
    assert entry.after == {"title": "Rapport spécial 2026", "url": "https://smart.coop/rapport.pdf"}

    (voter,) = members_in(org, org.be, 1)
    client.force_login(User.objects.create_user(email="voter@example.org", person=voter.person))
    detail = client.get(f"/assemblies/{draft.pk}/", **EN).content.decode()
    assert 'href="https://smart.coop/rapport.pdf"' in detail and "Rapport spécial 2026" in detail
    text = str(minutes_build(draft, language="en", documents=services_manage.convocation_documents(draft)))
    assert "Rapport spécial 2026 (https://smart.coop/rapport.pdf)" in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "javascript:alert(1)"}, "url", "Give a full web address starting with http:// or https://."),
        (
            {"url": "ftp://smart.coop/rapport.pdf"},
            "url",
            "Give a full web address starting with http:// or https://.",
        ),
        (
            {"url": "smart.coop/rapport.pdf"},
            "url",
            "Give a full web address starting with http:// or https://.",
        ),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_a_link_that_is_not_http_or_https_is_refused_on_its_field(client, staff, draft, data, field, message):
    client.force_login(staff)
    form = {"title": "Rapport", "url": "https://smart.coop/r.pdf"} | data
    response = client.post(f"/assemblies/{draft.pk}/prepare/links/", form, **EN)
    assert response.status_code == 400
    assert response.context["link_form"].errors[field] == [message]
    assert not AssemblyLink.objects.exists()
    assert not AuditEntry.objects.filter(action="assembly.document_linked").exists()


def test_the_same_address_is_not_linked_twice(staff, draft):
    services_manage.document_link_add(assembly=draft, title="A", url="https://smart.coop/a", actor=staff)
    with pytest.raises(services_manage.InvalidInput) as refused:
        services_manage.document_link_add(assembly=draft, title="B", url="https://smart.coop/a", actor=staff)
    assert [p.field for p in refused.value.problems] == ["url"]


def test_staff_remove_a_file_or_a_link_before_the_convocation_is_sent_and_it_is_audited(
    client, staff, draft, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    client.post(
        f"/assemblies/{draft.pk}/prepare/documents/",
        {"document": SimpleUploadedFile("Comptes.pdf", b"%PDF comptes")},
        **EN,
    )
    link = services_manage.document_link_add(
        assembly=draft, title="A", url="https://smart.coop/a", actor=staff
    )
    assert services_manage.documents_of(draft) == ["Comptes.pdf"]
    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(
            f"/assemblies/{draft.pk}/prepare/documents/Comptes.pdf/remove/", follow=True, **EN
        )
    assert "The document is removed from the convocation." in removed.content.decode()
    assert services_manage.documents_of(draft) == []
    import hashlib

    entry = AuditEntry.objects.get(action="assembly.document_removed")
    assert entry.before == {"document": "Comptes.pdf", "sha256": hashlib.sha256(b"%PDF comptes").hexdigest()}
    client.post(f"/assemblies/{draft.pk}/prepare/links/{link.pk}/remove/", **EN)
    assert not AssemblyLink.objects.exists()
    assert AuditEntry.objects.get(action="assembly.document_unlinked").before["url"] == "https://smart.coop/a"


def test_once_the_convocation_is_sent_its_documents_cannot_be_removed(
    client, staff, draft, django_capture_on_commit_callbacks
):
    services_manage.document_attach(
        assembly=draft, name="Comptes.pdf", content=SimpleUploadedFile("Comptes.pdf", b"%PDF"), actor=staff
    )
    link = services_manage.document_link_add(
        assembly=draft, title="A", url="https://smart.coop/a", actor=staff
    )
    convene(draft)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            f"/assemblies/{draft.pk}/prepare/documents/Comptes.pdf/remove/", follow=True, **EN
        ).content.decode()
    assert "members were convened with it, so it stays" in page
    client.post(f"/assemblies/{draft.pk}/prepare/links/{link.pk}/remove/", **EN)
    assert services_manage.documents_of(draft) == ["Comptes.pdf"]
    assert AssemblyLink.objects.count() == 1
    assert not AuditEntry.objects.filter(
        action__in=["assembly.document_removed", "assembly.document_unlinked"]
    )
    # A link may still be added after convening, like a file (a correction under a new name).
    services_manage.document_link_add(
        assembly=draft, title="Erratum", url="https://smart.coop/b", actor=staff
    )


@pytest.mark.parametrize("who", ["member", "relay", "staff of another cooperative"])
def test_only_staff_or_board_of_the_unit_remove_or_link_documents(client, org, staff, draft, who):
    services_manage.document_attach(
        assembly=draft, name="Comptes.pdf", content=SimpleUploadedFile("Comptes.pdf", b"%PDF"), actor=staff
    )
    link = services_manage.document_link_add(
        assembly=draft, title="A", url="https://smart.coop/a", actor=staff
    )
    if who == "member":
        (m,) = members_in(org, org.be, 1)
        user = User.objects.create_user(email="m@example.org", person=m.person)
    elif who == "relay":
        user = officer("relay", org.be)
    else:
        user = officer("staff", org.fr)
    client.force_login(user)
    codes = [
        client.post(f"/assemblies/{draft.pk}/prepare/documents/Comptes.pdf/remove/").status_code,
        client.post(f"/assemblies/{draft.pk}/prepare/links/{link.pk}/remove/").status_code,
        client.post(
            f"/assemblies/{draft.pk}/prepare/links/", {"title": "B", "url": "https://b.example"}
        ).status_code,
    ]
    assert codes == [403, 403, 403]
    assert services_manage.documents_of(draft) == ["Comptes.pdf"] and AssemblyLink.objects.count() == 1
