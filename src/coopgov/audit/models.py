"""Audit entries: who did what, when, in which unit, to which object, with before/after and a hash chain."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an append-only record."""


class AuditHead(models.Model):
    """One row holding the last sequence number and hash; locking it serialises writers of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=254)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_label = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ("seq",)
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def payload(self) -> dict[str, Any]:
        """The fields the hash covers (stable across databases: times in ISO, ids as text)."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor_label,
            "on_behalf_of": self.on_behalf_of,
            "action": self.action,
            "unit": self.unit_label,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
        }


class AuditPending(models.Model):
    """An act recorded in its own transaction but not yet appended to the chain.

    Acts that many people do at once (ballots cast) are written here when the chain head is busy, so
    they never wait for each other; ``audit_chain_pending`` moves them into the chain, in the order they
    are found, right after their transaction commits (docs/adr/0006-casting-under-load.md).
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=254)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64)
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_label = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"pending {self.action} {self.object_type}:{self.object_id}"
