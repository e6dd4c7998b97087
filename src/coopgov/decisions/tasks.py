"""Background work of assemblies: tasks load by id and call one function (Django Tasks API)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django_tasks import task

from coopgov.decisions.models import Assembly, ElectorateEntry


@task()
def send_convocation(assembly_id: int) -> int:
    """E-mail the convocation to every member of the electorate (at a board meeting, the directors), each
    in their own language; returns how many were sent."""
    assembly = Assembly.objects.select_related("cooperative").get(pk=assembly_id)
    entries = (
        ElectorateEntry.objects.filter(assembly=assembly, eligible=True)
        .select_related("membership__person")
        .order_by("pk")
    )
    items = list(assembly.items.order_by("order"))
    sent = 0
    with get_connection() as connection:
        for entry in entries.iterator(chunk_size=2000):
            person = entry.membership.person
            if not person.email:
                continue
            with translation.override(person.language):
                subject = _("Convocation: %(title)s") % {"title": assembly.title}
                agenda = "\n".join(f"{item.order}. {item.title}" for item in items)
                body = (_board_body if assembly.kind == Assembly.Kind.BOARD else _members_body)() % {
                    "title": assembly.title,
                    "cooperative": assembly.cooperative.display_name,
                    "when": formats.date_format(assembly.first_convocation_at, "DATETIME_FORMAT"),
                    "agenda": agenda,
                    "number": entry.membership.number,
                }
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email], connection=connection)
            sent += 1
    return sent


def _members_body() -> str:
    return _(
        "You are convened to %(title)s of %(cooperative)s on %(when)s.\n\n"
        "Agenda:\n%(agenda)s\n\n"
        "You are in the electorate (member number %(number)d). You may vote online during the "
        "voting window, in the room, or give a proxy to another member."
    )


def _board_body() -> str:
    """A board meeting convenes the directors only (the electorate frozen for it, docs/adr/0018)."""
    return _(
        "You are convened, as a director, to %(title)s of %(cooperative)s on %(when)s.\n\n"
        "Agenda:\n%(agenda)s\n\n"
        "Only the directors in office on the record date vote, one vote each. If the statutes allow it, "
        "you may give a proxy to another director."
    )
