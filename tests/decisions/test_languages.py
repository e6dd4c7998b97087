"""Members are addressed in their own language: the convocation e-mail and the electorate page."""

from __future__ import annotations

from django.core import mail
from django.utils import translation
from django.utils.translation import gettext as _

from coopgov.accounts.models import User
from coopgov.members.models import Person
from tests.decisions.builders import assembly, convene, members_in, motion


def test_the_convocation_is_emailed_to_each_member_in_their_language(org, django_capture_on_commit_callbacks):
    dutch, french = members_in(org, org.be, 2)
    Person.objects.filter(pk=dutch.person_id).update(language="nl")
    Person.objects.filter(pk=french.person_id).update(language="fr")
    a = assembly(org.be, title="AG 2027")
    motion(a)
    with django_capture_on_commit_callbacks(execute=True):
        convene(a)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    expected = {}
    for language in ("nl", "fr"):
        with translation.override(language):
            expected[language] = _("Convocation: %(title)s") % {"title": "AG 2027"}
    assert expected["nl"] != expected["fr"]  # the catalogues translate it
    assert subjects[dutch.person.email] == expected["nl"]
    assert subjects[french.person.email] == expected["fr"]


def test_a_member_reads_why_they_may_vote_in_dutch(client, org):
    (voter,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    motion(a)
    convene(a)
    client.force_login(User.objects.create_user(email="nl@example.org", person=voter.person))
    page = client.get(f"/assemblies/{a.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    with translation.override("nl"):
        yes = _("Yes, you may vote.")
        english = "Yes, you may vote."
    assert yes != english and yes in page
