"""Staff pages that prepare and run an assembly: create and edit its convocation, its agenda, sites and
documents; convene, open, close and publish; the minutes as a page and as an OpenDocument file.

Who may: staff or board of the unit holding the assembly (for a new one, of the cooperative), roles
inherited down the unit tree (organisation/rules.py). Each view parses, authorises, calls one service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.decisions import minutes as minutes_doc
from coopgov.decisions import presets, services, services_manage
from coopgov.decisions.forms_manage import (
    ASSEMBLY_FORM_FIELDS,
    AssemblyForm,
    DocumentForm,
    ItemForm,
    LinkForm,
    MinutesForm,
    PresetForm,
    SiteForm,
    add_problems,
    preset_initial,
)
from coopgov.decisions.models import Assembly, AssemblyLink, CooperativePreset, Item, Result
from coopgov.decisions.services import DecisionRefused
from coopgov.decisions.services_manage import InvalidInput
from coopgov.organisation.models import Unit
from coopgov.organisation.rules import is_board_here, is_staff_here

# Preparing and running an assembly is the work of the cooperative's staff and of its board.
may_prepare = is_staff_here | is_board_here


def _check(request: HttpRequest, target: Any) -> None:
    if not may_prepare.test(request.user, target):
        raise PermissionDenied


def _assembly(request: HttpRequest, pk: int) -> Assembly:
    assembly = get_object_or_404(Assembly.objects.select_related("cooperative__profile", "unit"), pk=pk)
    _check(request, assembly)
    return assembly


def cooperatives_to_prepare(user: Any) -> list[Unit]:
    """The cooperatives where this user may create an assembly (for the links on the list page)."""
    return [
        c
        for c in Unit.objects.filter(kind=Unit.Kind.COOPERATIVE).order_by("code")
        if may_prepare.test(user, c)
    ]


@login_required
def assembly_new(request: HttpRequest) -> HttpResponse:
    """Which cooperative and which kind of meeting: the links to the convocation form."""
    cooperatives = cooperatives_to_prepare(request.user)
    if not cooperatives:
        raise PermissionDenied
    return render(
        request,
        "decisions/manage_new.html",
        {
            "cooperatives": cooperatives,
            "kinds": Assembly.Kind.choices,
            "keeps_presets": {c.code for c in cooperatives if presets.may_keep_presets.test(request.user, c)},
        },
    )


@login_required
def assembly_create(request: HttpRequest, code: str) -> HttpResponse:
    cooperative = get_object_or_404(
        Unit.objects.select_related("profile"), code=code, kind=Unit.Kind.COOPERATIVE
    )
    _check(request, cooperative)
    country = services_manage.country_of(cooperative)
    form = AssemblyForm(request.POST or None, cooperative=cooperative, country=country)
    if request.method == "GET":
        kind = request.GET.get("kind", Assembly.Kind.ORDINARY)
        form.initial.update(
            kind=kind,
            unit=cooperative.pk,
            preset=services_manage.default_preset(cooperative, kind),
            notice_days=services_manage.statutory_notice_days(country, kind) or 15,
        )
        if kind == Assembly.Kind.BOARD:  # one proxy per director at most (C. com. R225-19)
            form.initial["max_proxies_per_holder"] = services_manage.FR_BOARD_PROXIES_PER_DIRECTOR
    if request.method == "POST" and form.is_valid():
        try:
            assembly = services_manage.assembly_create(
                cooperative=cooperative, fields=form.cleaned_data, actor=request.user
            )
        except InvalidInput as invalid:
            add_problems(form, invalid.problems)
        else:
            messages.success(request, _("The assembly is created as a draft. Now build its agenda."))
            return redirect("decisions:manage_prepare", pk=assembly.pk)
    return render(
        request,
        "decisions/manage_form.html",
        {
            "form": form,
            "cooperative": cooperative,
            "heading": _("New assembly of %(name)s") % {"name": cooperative.display_name},
            "presets": _presets_table(cooperative),
            "may_keep_presets": presets.may_keep_presets.test(request.user, cooperative),
        },
    )


def _presets_table(cooperative: Unit) -> list[dict[str, Any]]:
    """The defaults, shown beside the form so staff see what each kind of meeting starts from: the
    cooperative's own preset for that kind of meeting, else the law's."""
    country = services_manage.country_of(cooperative)
    out = []
    for kind, label in Assembly.Kind.choices:
        key = services_manage.default_preset(cooperative, kind)
        snapshot = presets.resolve(Assembly(cooperative=cooperative), key) if key else None
        out.append(
            {
                "kind": label,
                "notice": services_manage.statutory_notice_days(country, kind),
                "preset": snapshot,
                "label": presets.label_of(snapshot),
            }
        )
    return out


@login_required
def assembly_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _assembly(request, pk)
    country = services_manage.country_of(assembly.cooperative)
    form = AssemblyForm(
        request.POST or None,
        initial=model_to_dict(assembly, fields=ASSEMBLY_FORM_FIELDS),
        cooperative=assembly.cooperative,
        country=country,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_manage.assembly_update(
                assembly=assembly,
                fields=form.cleaned_data,
                actor=request.user,
            )
        except InvalidInput as invalid:
            add_problems(form, invalid.problems)
        except DecisionRefused as refused:
            messages.error(request, refused.message)
            return redirect("decisions:manage_prepare", pk=assembly.pk)
        else:
            messages.success(request, _("The convocation is saved."))
            return redirect("decisions:manage_prepare", pk=assembly.pk)
    return render(
        request,
        "decisions/manage_form.html",
        {
            "form": form,
            "assembly": assembly,
            "cooperative": assembly.cooperative,
            "heading": _("Edit the convocation"),
            "presets": _presets_table(assembly.cooperative),
            "may_keep_presets": presets.may_keep_presets.test(request.user, assembly.cooperative),
        },
    )


def _prepare_page(request: HttpRequest, assembly: Assembly, **forms: Any) -> HttpResponse:
    country = services_manage.country_of(assembly.cooperative)
    items = list(assembly.items.prefetch_related("options").order_by("order"))
    resolved = presets.resolve_many(assembly, {assembly.preset, *(item.preset for item in items)})
    preset = resolved[assembly.preset]
    context = {
        "assembly": assembly,
        "items": items,
        "sites": list(assembly.sites.select_related("antenna", "relay").order_by("antenna__name")),
        "documents": services_manage.documents_of(assembly),
        "item_form": forms.get("item_form") or ItemForm(cooperative=assembly.cooperative, country=country),
        "site_form": forms.get("site_form") or SiteForm(assembly=assembly),
        "document_form": forms.get("document_form") or DocumentForm(),
        "link_form": forms.get("link_form") or LinkForm(),
        "links": list(assembly.links.order_by("title", "id")),
        "minutes_form": MinutesForm(initial={"language": get_language()}),
        "preset": preset,
        "preset_label": presets.label_of(preset),
        "item_presets": {
            item.pk: presets.label_of(resolved[item.preset]) if resolved[item.preset] else item.preset
            for item in items
            if item.preset
        },
        "counts": {status: sum(1 for i in items if i.status == status) for status in Item.Status.values},
    }
    return render(request, "decisions/manage_prepare.html", context, status=400 if forms else 200)


@login_required
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff page of one assembly: convocation, agenda, sites, documents, acts, minutes."""
    return _prepare_page(request, _assembly(request, pk))


def _prepare_form_post(
    request: HttpRequest,
    assembly: Assembly,
    form: Any,
    form_name: str,
    act: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A form of the assembly's page: the act with the cleaned data, then back to the page with ``done``;
    an invalid form, bad input (per field) or a refusal shows the page again with the form's errors."""
    if form.is_valid():
        try:
            act(dict(form.cleaned_data))
        except InvalidInput as invalid:
            add_problems(form, invalid.problems)
        except DecisionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, done)
            return redirect("decisions:manage_prepare", pk=assembly.pk)
    return _prepare_page(request, assembly, **{form_name: form})


def _prepare_act(
    request: HttpRequest, assembly: Assembly, act: Callable[[], object], done: str
) -> HttpResponse:
    """A button of the assembly's page: the act, then back to the page with ``done`` or the refusal."""
    try:
        act()
        messages.success(request, done)
    except DecisionRefused as refused:
        messages.error(request, refused.message)
    return redirect("decisions:manage_prepare", pk=assembly.pk)


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _assembly(request, pk)
    form = ItemForm(
        request.POST,
        cooperative=assembly.cooperative,
        country=services_manage.country_of(assembly.cooperative),
    )

    def add(data: dict[str, Any]) -> object:
        options = data.pop("options")
        return services_manage.item_add(assembly=assembly, fields=data, options=options, actor=request.user)

    return _prepare_form_post(request, assembly, form, "item_form", add, _("The item is on the agenda."))


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assembly = _assembly(request, pk)
    item = get_object_or_404(Item, pk=item_pk, assembly=assembly)
    return _prepare_act(
        request,
        assembly,
        lambda: services_manage.item_remove(item=item, actor=request.user),
        _("The item is taken off the agenda."),
    )


@login_required
@require_POST
def site_add(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _assembly(request, pk)
    return _prepare_form_post(
        request,
        assembly,
        SiteForm(request.POST, assembly=assembly),
        "site_form",
        lambda data: services_manage.site_add(
            assembly=assembly,
            antenna=data["antenna"],
            place=data["place"],
            relay=data["relay_email"],
            actor=request.user,
        ),
        _("The site is added."),
    )


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _assembly(request, pk)
    return _prepare_form_post(
        request,
        assembly,
        DocumentForm(request.POST, request.FILES),
        "document_form",
        lambda data: services_manage.document_attach(
            assembly=assembly, name=data["document"].name, content=data["document"], actor=request.user
        ),
        _("The document is attached to the convocation."),
    )


@login_required
@require_POST
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a document published elsewhere to the convocation."""
    assembly = _assembly(request, pk)
    return _prepare_form_post(
        request,
        assembly,
        LinkForm(request.POST),
        "link_form",
        lambda data: services_manage.document_link_add(
            assembly=assembly, title=data["title"], url=data["url"], actor=request.user
        ),
        _("The document is linked to the convocation."),
    )


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Remove an attached file, before the convocation is sent."""
    assembly = _assembly(request, pk)
    return _prepare_act(
        request,
        assembly,
        lambda: services_manage.document_remove(assembly=assembly, name=name, actor=request.user),
        _("The document is removed from the convocation."),
    )


@login_required
@require_POST
def link_remove(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """Remove a linked document, before the convocation is sent."""
    assembly = _assembly(request, pk)
    link = get_object_or_404(AssemblyLink, pk=link_pk, assembly=assembly)
    return _prepare_act(
        request,
        assembly,
        lambda: services_manage.document_link_remove(link=link, actor=request.user),
        _("The document is removed from the convocation."),
    )


# --- the cooperative's own quorum and majority presets (presets.py, docs/adr/0012) ------------------------


def _preset_cooperative(request: HttpRequest, code: str) -> Unit:
    cooperative = get_object_or_404(
        Unit.objects.select_related("profile"), code=code, kind=Unit.Kind.COOPERATIVE
    )
    if not presets.may_keep_presets.test(request.user, cooperative):
        raise PermissionDenied
    return cooperative


def _presets_page(
    request: HttpRequest, cooperative: Unit, form: PresetForm, status: int = 200
) -> HttpResponse:
    legal = [
        presets.legal_snapshot(name)
        for name in presets.legal_presets_for(services_manage.country_of(cooperative))
    ]
    own = [
        {"preset": p, "label": presets.label_of(presets.own_snapshot(p))}
        for p in presets.own_presets(cooperative, active_only=False)
    ]
    return render(
        request,
        "decisions/manage_presets.html",
        {"cooperative": cooperative, "legal": legal, "own": own, "form": form},
        status=status,
    )


@login_required
def presets_page(request: HttpRequest, code: str) -> HttpResponse:
    """The law's presets of the cooperative's country and its own; a form to add one."""
    cooperative = _preset_cooperative(request, code)
    form = PresetForm(request.POST or None, cooperative=cooperative)
    if request.method == "POST" and form.is_valid():
        try:
            presets.own_preset_create(
                cooperative=cooperative, fields=form.fields_for_service(), actor=request.user
            )
        except presets.InvalidPreset as invalid:
            add_problems(form, invalid.problems)
        except DecisionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The preset is saved: assemblies of the cooperative may now use it."))
            return redirect("decisions:manage_presets", code=cooperative.code)
    return _presets_page(request, cooperative, form, status=400 if form.errors else 200)


@login_required
def preset_edit(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """Change an own preset: drafts follow; assemblies already convened keep their copy."""
    cooperative = _preset_cooperative(request, code)
    own = get_object_or_404(CooperativePreset, cooperative=cooperative, key=key, retired_at__isnull=True)
    form = PresetForm(
        request.POST or None, initial=preset_initial(own), cooperative=cooperative, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            presets.own_preset_update(preset=own, fields=form.fields_for_service(), actor=request.user)
        except presets.InvalidPreset as invalid:
            add_problems(form, invalid.problems)
        except DecisionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _(
                    "The preset is changed. Assemblies already convened keep the rule they were "
                    "convened with."
                ),
            )
            return redirect("decisions:manage_presets", code=cooperative.code)
    return render(
        request,
        "decisions/manage_preset_edit.html",
        {"cooperative": cooperative, "own": own, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def preset_retire(request: HttpRequest, code: str, key: str) -> HttpResponse:
    cooperative = _preset_cooperative(request, code)
    own = get_object_or_404(CooperativePreset, cooperative=cooperative, key=key)
    try:
        presets.own_preset_retire(preset=own, actor=request.user)
        messages.success(request, _("The preset is retired: it is no longer offered."))
    except DecisionRefused as refused:
        messages.error(request, refused.message)
    return redirect("decisions:manage_presets", code=cooperative.code)


@login_required
def document(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """A document of the convocation, for anyone who may see the assembly."""
    assembly = get_object_or_404(Assembly, pk=pk)
    if not request.user.has_perm("decisions.view_assembly", assembly):
        raise PermissionDenied
    path = services_manage.document_path(assembly, name)
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)


@login_required
def ballot_file(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The published anonymised ballot file of an item: each member finds their receipt code in it and
    anyone recounts it with `coopgov tally` (the same text as `coopgov export_ballots`)."""
    assembly = get_object_or_404(Assembly, pk=pk)
    if not request.user.has_perm("decisions.view_assembly", assembly):
        raise PermissionDenied
    stored = get_object_or_404(Result, item__pk=item_pk, item__assembly=assembly, published_at__isnull=False)
    response = HttpResponse(stored.ballots_file, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ballots-item-{item_pk}.json"'
    return response


ACTS: dict[str, Any] = {
    "convene": services.assembly_convene,
    "second": services_manage.assembly_second_convocation,
    "open": services_manage.assembly_open,
    "close": services_manage.assembly_close,
    "publish": services_manage.assembly_publish,
}
DONE = {
    "convene": gettext_lazy(
        "The assembly is convened: the electorate is frozen and the convocation is being e-mailed."
    ),
    "second": gettext_lazy("The assembly is held on its second convocation: its quorum applies."),
    "open": gettext_lazy("Voting is open on every item."),
    "close": gettext_lazy("Voting is closed on every open item."),
    "publish": gettext_lazy("The results are counted and published."),
}


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """Convene, hold the second convocation, open, close or publish the whole assembly."""
    assembly = _assembly(request, pk)
    action = request.POST.get("action", "")
    if action not in ACTS:
        messages.error(request, _("Unknown action."))
        return redirect("decisions:manage_prepare", pk=assembly.pk)
    try:
        ACTS[action](assembly=assembly, actor=request.user)
    except DecisionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, DONE[action])
    return redirect("decisions:manage_prepare", pk=assembly.pk)


def _minutes_assembly(request: HttpRequest, pk: int) -> Assembly:
    """Staff and board read the minutes at any time; members once the results are published."""
    assembly = get_object_or_404(Assembly.objects.select_related("cooperative", "unit"), pk=pk)
    published = assembly.status == Assembly.Status.PUBLISHED
    if not (
        may_prepare.test(request.user, assembly)
        or (published and request.user.has_perm("decisions.view_assembly", assembly))
    ):
        raise PermissionDenied
    return assembly


def _minutes_language(request: HttpRequest) -> str:
    form = MinutesForm(request.GET or {"language": get_language()})
    return form.cleaned_data["language"] if form.is_valid() else "fr"


@login_required
def minutes_page(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _minutes_assembly(request, pk)
    language = _minutes_language(request)
    document_ = minutes_doc.minutes_build(
        assembly, language=language, documents=services_manage.convocation_documents(assembly)
    )
    return render(
        request,
        "decisions/minutes.html",
        {
            "assembly": assembly,
            "minutes": document_,
            "minutes_form": MinutesForm(initial={"language": language}),
        },
    )


@login_required
def minutes_odt(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _minutes_assembly(request, pk)
    language = _minutes_language(request)
    data = minutes_doc.odt_bytes(
        minutes_doc.minutes_build(
            assembly, language=language, documents=services_manage.convocation_documents(assembly)
        )
    )
    response = HttpResponse(data, content_type=minutes_doc.ODT_MIMETYPE)
    response["Content-Disposition"] = f'attachment; filename="minutes-{assembly.pk}-{language}.odt"'
    return response
