"""Pages for joining a cooperative: the public application form, what happens next, and the staff's form
for applications received on paper. Parse, authorise, one service, render (ADR 0019)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coopgov.members import selectors, throttle
from coopgov.members.errors import RuleViolation
from coopgov.members.forms_apply import ApplicationForm
from coopgov.members.models import Membership, MembershipApplication
from coopgov.members.services_apply import membership_application_submit
from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import cooperatives

ONLINE_ACTOR = "online application"


def _cooperative(code: str) -> Unit:
    return get_object_or_404(Unit.objects.select_related("profile"), kind=Unit.Kind.COOPERATIVE, code=code)


def join_index(request: HttpRequest) -> HttpResponse:
    return render(request, "members/join_index.html", {"cooperatives": list(cooperatives())})


def join(request: HttpRequest, code: str) -> HttpResponse:
    cooperative = _cooperative(code)
    terms = selectors.application_terms(cooperative)
    form = ApplicationForm(request.POST or None, terms=terms)
    status = 200
    if request.method == "POST" and terms.is_open:
        if form.is_robot:
            # Tell a robot nothing: it sees the page a person sees, and nothing is written.
            return redirect("members:join_sent", code=code)
        ip = get_adapter().get_client_ip(request)
        if not throttle.application_allowed(ip=ip, email=request.POST.get("email", "")):
            form.add_error(None, _("Too many applications were sent in the last hour. Try again later."))
            status = 429
        else:
            throttle.try_counted(ip=ip)
        if (
            status == 200
            and form.is_valid()
            and _submit(request, form, cooperative, channel=MembershipApplication.Channel.ONLINE)
        ):
            throttle.application_counted(email=form.cleaned_data["email"])
            request.session["application_sent"] = {
                "code": code,
                "email": form.cleaned_data["email"],
                "shares": form.cleaned_data["shares"],
                "total": str(form.total_eur),
            }
            return redirect("members:join_sent", code=code)
        if status == 200:
            status = 400
    context = {"cooperative": cooperative, "terms": terms, "form": form}
    return render(request, "members/join.html", context, status=status)


def join_sent(request: HttpRequest, code: str) -> HttpResponse:
    cooperative = _cooperative(code)
    sent = request.session.get("application_sent")
    if not sent or sent.get("code") != code:
        sent = None
    context = {
        "cooperative": cooperative,
        "sent": sent,
        "by_assembly": selectors.admission_by_assembly(cooperative),
    }
    return render(request, "members/join_sent.html", context)


@login_required
def candidate_new(request: HttpRequest, code: str) -> HttpResponse:
    cooperative = _cooperative(code)
    if not request.user.has_perm("members.import_register", cooperative):
        raise PermissionDenied
    terms = selectors.application_terms(cooperative)
    form = ApplicationForm(request.POST or None, terms=terms, staff=True)
    if request.method == "POST" and form.is_valid():
        membership = _submit(request, form, cooperative, channel=MembershipApplication.Channel.STAFF)
        if membership is not None:
            messages.success(
                request,
                _("%(name)s is a candidate, number %(number)d.")
                % {"name": membership.person.display_name, "number": membership.number},
            )
            return redirect("members:admissions", code=code)
    context = {"cooperative": cooperative, "terms": terms, "form": form}
    return render(request, "members/candidate_new.html", context, status=400 if form.errors else 200)


def _submit(
    request: HttpRequest, form: ApplicationForm, cooperative: Unit, *, channel: str
) -> Membership | None:
    """Record the application; a rule broken since the form was checked goes onto its field."""
    data = form.cleaned_data
    actor = request.user if request.user.is_authenticated else ONLINE_ACTOR
    try:
        return membership_application_submit(
            cooperative=cooperative,
            applicant=form.applicant(),
            category=data.get("category"),
            shares=data["shares"],
            accepted_statutes=data["accept_statutes"],
            channel=channel,
            actor=actor,
            applied_on=data.get("applied_on"),
        )
    except RuleViolation as violation:
        for reason in violation.reasons:
            form.add_reason(reason)
        return None
