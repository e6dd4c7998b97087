"""Pages of the register: parse, authorise, call one service or selector, render."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.domain.governance.membership import Status
from coopgov.domain.governance.shares import ExitCause, MovementKind
from coopgov.members import selectors, services
from coopgov.members.errors import RuleViolation
from coopgov.members.explain import explain
from coopgov.members.forms import (
    AdmissionDecisionForm,
    PolicyRuleForm,
    RegisterFilterForm,
    ShareMovementForm,
    StatusChangeForm,
)
from coopgov.members.models import Membership, PolicyRule, Profile
from coopgov.members.simulation import simulate_draft
from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import antennas_of


def _cooperative(request: HttpRequest, code: str, perm: str) -> Unit:
    cooperative = get_object_or_404(
        Unit.objects.select_related("profile"), kind=Unit.Kind.COOPERATIVE, code=code
    )
    if not request.user.has_perm(perm, cooperative):
        raise PermissionDenied
    return cooperative


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("members:me")
    return render(request, "members/landing.html")


@login_required
def my_page(request: HttpRequest) -> HttpResponse:
    person = request.user.person  # type: ignore[union-attr]
    cards = []
    if person is not None:
        for m in person.memberships.select_related("cooperative", "category").order_by("cooperative__code"):
            checks = [
                (service, selectors.check_service(person, m.cooperative, service.code))
                for service in selectors.services_of(m.cooperative)
            ]
            cards.append(
                {
                    "membership": m,
                    "holdings": selectors.holdings(m),
                    "totals": selectors.total_shares(m),
                    "movements": m.movements.select_related("share_class").order_by(
                        "-effective_on", "-operation"
                    ),
                    "events": m.events.all(),
                    "checks": [
                        (s, r, [(reason, explain(reason)) for reason in r.reasons]) for s, r in checks
                    ],
                }
            )
    return render(request, "members/me.html", {"person": person, "cards": cards})


@login_required
def register_list(request: HttpRequest, code: str) -> HttpResponse:
    cooperative = _cooperative(request, code, "members.view_register")
    antennas = list(antennas_of(cooperative))
    form = RegisterFilterForm(request.GET or None, cooperative=cooperative, antennas=antennas)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.register_queryset(
        cooperative,
        search=filters.get("q", ""),
        status=filters.get("status", ""),
        category=filters.get("category", ""),
        antenna=filters.get("antenna", ""),
        profile=filters.get("profile", ""),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    sums = selectors.shares_for_memberships([m.pk for m in page.object_list])
    rows = [(m, *sums.get(m.pk, (0, 0))) for m in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/register.html",
        {
            "cooperative": cooperative,
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_invite": request.user.has_perm("accounts.invite_member", cooperative),
        },
    )


@login_required
def member_ledger(request: HttpRequest, code: str, number: int) -> HttpResponse:
    cooperative = _cooperative(request, code, "members.view_register")
    membership = get_object_or_404(
        Membership.objects.select_related("person__account", "category"),
        cooperative=cooperative,
        number=number,
    )
    movement_form = ShareMovementForm(cooperative=cooperative)
    status_form = StatusChangeForm()
    if request.method == "POST":
        if not request.user.has_perm("members.record_share_movement", cooperative):
            raise PermissionDenied
        if request.POST.get("form") == "status":
            status_form = StatusChangeForm(request.POST)
            if status_form.is_valid() and _act(
                request,
                lambda: services.membership_change_status(
                    membership=membership,
                    to_status=Status(status_form.cleaned_data["to_status"]),
                    on=status_form.cleaned_data["on"],
                    actor=request.user,
                    deciding_body=status_form.cleaned_data["deciding_body"],
                    reason=status_form.cleaned_data["reason"],
                ),
            ):
                return redirect("members:ledger", code=code, number=number)
        else:
            movement_form = ShareMovementForm(request.POST, cooperative=cooperative)
            if movement_form.is_valid() and _act(
                request, lambda: _record_movement(request, membership, movement_form)
            ):
                return redirect("members:ledger", code=code, number=number)
    return render(
        request,
        "members/ledger.html",
        {
            "cooperative": cooperative,
            "membership": membership,
            "holdings": selectors.holdings(membership),
            "movements": membership.movements.select_related("share_class").order_by("operation", "id"),
            "events": membership.events.all(),
            "movement_form": movement_form,
            "status_form": status_form,
            "can_invite": request.user.has_perm("accounts.invite_member", cooperative),
        },
    )


def _record_movement(request: HttpRequest, membership: Membership, form: ShareMovementForm) -> object:
    data = form.cleaned_data
    return services.share_movement_record(
        membership=membership,
        kind=MovementKind(data["kind"]),
        share_class=data["share_class"],
        on=data["on"],
        actor=request.user,
        quantity=data.get("quantity") or 0,
        amount_eur=Decimal(data.get("amount_eur") or 0),
        counterparty=data.get("counterparty"),
        to_class=data.get("to_class"),
        cause=ExitCause(data.get("cause") or "resignation"),
        note=data.get("note", ""),
    )


def _act(request: HttpRequest, act: object) -> bool:
    """Run a service; on a broken rule, show each reason and report failure (nothing was written)."""
    try:
        act()  # type: ignore[operator]
    except RuleViolation as violation:
        for reason in violation.reasons:
            messages.error(request, explain(reason))
        return False
    messages.success(request, _("Recorded."))
    return True


@login_required
def admission_queue(request: HttpRequest, code: str) -> HttpResponse:
    cooperative = _cooperative(request, code, "members.admit_member")
    candidates = selectors.admission_queue(cooperative)
    return render(
        request,
        "members/admissions.html",
        {
            "cooperative": cooperative,
            "candidates": candidates,
            "form": AdmissionDecisionForm(),
            "may_enter": request.user.has_perm("members.import_register", cooperative),
        },
    )


@login_required
@require_POST
def admission_decide(request: HttpRequest, code: str, number: int) -> HttpResponse:
    cooperative = _cooperative(request, code, "members.admit_member")
    membership = get_object_or_404(Membership, cooperative=cooperative, number=number)
    form = AdmissionDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{membership.person}: {error}")
        return redirect("members:admissions", code=code)
    data = form.cleaned_data
    if data["decision"] == "admit":
        ok = _act(
            request,
            lambda: services.membership_admit(
                membership=membership, on=data["on"], actor=request.user, deciding_body=data["deciding_body"]
            ),
        )
    else:
        ok = _act(
            request,
            lambda: services.membership_refuse(
                membership=membership,
                on=data["on"],
                actor=request.user,
                reason=data["reason"],
                deciding_body=data["deciding_body"],
            ),
        )
    if ok:
        messages.info(request, _("%(name)s: decision recorded.") % {"name": membership.person})
    return redirect("members:admissions", code=code)


@login_required
def policy_edit(request: HttpRequest, code: str) -> HttpResponse:
    cooperative = _cooperative(request, code, "members.edit_policy")
    if request.method == "POST" and request.POST.get("adopt"):
        count = services.policy_adopt_draft(cooperative=cooperative, actor=request.user)
        messages.success(request, _("%(count)d draft rule(s) put in force.") % {"count": count})
        return redirect("members:policy", code=code)
    rows = []
    for profile, label in Profile.choices:
        for is_draft in (False, True):
            rule = PolicyRule.objects.filter(
                cooperative=cooperative, profile=profile, is_draft=is_draft
            ).first()
            prefix = f"{profile}-{'draft' if is_draft else 'live'}"
            initial = {"requirement": "optional", "min_shares": 1}
            if rule is not None:
                initial = {
                    "requirement": rule.requirement,
                    "min_shares": rule.min_shares,
                    "shares_per_year_of_use": rule.shares_per_year_of_use,
                    "services": rule.services.all(),
                }
            posted = request.method == "POST" and request.POST.get("prefix") == prefix
            form = PolicyRuleForm(
                request.POST if posted else None, cooperative=cooperative, prefix=prefix, initial=initial
            )
            if posted and form.is_valid():
                services.policy_rule_save(
                    cooperative=cooperative,
                    profile=profile,
                    is_draft=is_draft,
                    actor=request.user,
                    services=list(form.cleaned_data["services"]),
                    **{
                        k: form.cleaned_data[k]
                        for k in ("requirement", "min_shares", "shares_per_year_of_use")
                    },
                )
                messages.success(request, _("Rule saved."))
                return redirect("members:policy", code=code)
            rows.append(
                {"profile": label, "is_draft": is_draft, "rule": rule, "form": form, "prefix": prefix}
            )
    return render(request, "members/policy.html", {"cooperative": cooperative, "rows": rows})


@login_required
def policy_simulate(request: HttpRequest, code: str) -> HttpResponse:
    cooperative = _cooperative(request, code, "members.simulate_policy")
    report = simulate_draft(cooperative)
    names = sorted(set(report.college_members_before) | set(report.college_members_after))
    colleges = [
        (
            name,
            report.college_members_before.get(name, 0),
            report.college_members_after.get(name, 0),
            report.member_weight_before.get(name, 0.0),
            report.member_weight_after.get(name, 0.0),
        )
        for name in names
    ]
    return render(
        request,
        "members/simulation.html",
        {
            "cooperative": cooperative,
            "report": report,
            "colleges": colleges,
        },
    )
