"""The API's error bodies: always {"detail": what went wrong, "errors": [each problem, its code and field]}.

Every endpoint documents these bodies for its error statuses, so clients (and schemathesis) can rely on
them. A broken statutory rule becomes a 422 listing every reason, in the reader's language.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import StringConstraints

from coopgov.members.errors import RuleViolation
from coopgov.members.explain import explain

# Text read from a request never holds a NUL character: PostgreSQL cannot store one, so it is refused
# at the door with a 422 rather than failing deep in the database.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=300)]
LongText = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=2000)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,50}$")]


class ErrorItem(Schema):
    code: str
    text: str
    field: str | None = None


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, **READ_ERRORS}

# Which input field a rule's reason is about, so a client can show the message beside that field.
REASON_FIELDS = {
    "negative_amount": "amount_eur",
    "zero_quantity": "quantity",
    "zero_amount": "amount_eur",
    "payment_exceeds_unpaid": "amount_eur",
    "negative_holding": "quantity",
    "partial_resignation_not_allowed": "quantity",
    "repayment_exceeds_paid_in": "amount_eur",
    "outside_resignation_window": "on",
    "effective_date_in_future": "on",
    "reason_required": "reason",
    "not_a_member_of_cooperative": "counterparty",
    "same_share_class": "to_class",
}


def invalid_field(field: str, text: str, code: str = "invalid") -> HttpError:
    """A 422 about one named input field (e.g. a share class code that does not exist)."""
    error = HttpError(422, text)
    error.errors = [{"code": code, "text": text, "field": field}]  # type: ignore[attr-defined]
    return error


def _field_of(loc: Any) -> str:
    parts = [str(p) for p in loc]
    # ninja puts the body parameter's own name second ("body", "payload", "quantity"): it means nothing
    # to a client, who sent {"quantity": …}.
    if len(parts) > 2 and parts[0] == "body":
        parts = [parts[0], *parts[2:]]
    return ".".join(parts)


def _input_text(error: dict[str, Any]) -> str:
    """The reader's-language sentence for one of pydantic's input errors (its English text otherwise)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a value of at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a value of at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt", ""))}
    if kind == "string_too_long":
        return _("Enter at most %(max)s characters.") % {"max": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return _("Enter at least %(min)s character(s).") % {"min": ctx.get("min_length", "")}
    if kind == "string_pattern_mismatch":
        return _("This value holds characters that are not allowed here.")
    if kind.startswith("date_"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith("decimal_") or kind in ("float_parsing", "float_type"):
        return _("Enter an amount in euros, with at most two decimals.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    return str(error.get("msg", ""))


def _validation_error(request: HttpRequest, exc: Any, api: NinjaAPI) -> HttpResponse:
    errors = [
        {
            "code": str(e.get("type", "invalid")),
            "text": _input_text(e),
            "field": _field_of(e.get("loc", ())),
        }
        for e in exc.errors
    ]
    fields = ", ".join(sorted({str(e["field"]) for e in errors if e["field"]}))
    detail = _("The request is not valid: check %(fields)s.") % {"fields": fields or _("the request")}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _rule_violation(request: HttpRequest, exc: Any, api: NinjaAPI) -> HttpResponse:
    errors = [{"code": r.code, "text": explain(r), "field": REASON_FIELDS.get(r.code)} for r in exc.reasons]
    detail = " ".join(str(e["text"]) for e in errors) or _("A statutory rule was broken.")
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _http_error(request: HttpRequest, exc: Any, api: NinjaAPI) -> HttpResponse:
    errors = getattr(exc, "errors", [])
    return api.create_response(request, {"detail": str(exc), "errors": errors}, status=exc.status_code)


def _unauthenticated(request: HttpRequest, exc: Any, api: NinjaAPI) -> HttpResponse:
    detail = _("Sign in first, or send your personal token as 'Authorization: Bearer <token>'.")
    return api.create_response(request, {"detail": detail, "errors": []}, status=401)


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default error bodies with ours (same shape for every status)."""
    api.add_exception_handler(ValidationError, lambda r, e: _validation_error(r, e, api))
    api.add_exception_handler(RuleViolation, lambda r, e: _rule_violation(r, e, api))
    api.add_exception_handler(AuthenticationError, lambda r, e: _unauthenticated(r, e, api))
    api.add_exception_handler(HttpError, lambda r, e: _http_error(r, e, api))
