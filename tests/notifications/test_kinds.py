"""The registry as every app fills it: each kind's text is translated in French and Dutch with the same
placeholders, so a notice renders fully in every reader's language."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from coopgov.notifications import kinds

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
SENDING_APPS = ("participation", "meetings", "orientations", "followup", "notifications")


def test_every_sending_app_has_registered_its_kinds():
    groups = {kind.group for kind in kinds.all_kinds()}
    assert set(SENDING_APPS) <= groups


def test_every_kind_belongs_to_a_group_a_member_can_set_a_delivery_for():
    assert {kind.group for kind in kinds.all_kinds()} <= set(kinds.GROUP_LABELS)


@pytest.mark.parametrize("kind", [k.name for k in kinds.all_kinds()])
def test_each_kind_is_translated_with_the_same_placeholders(kind):
    registered = kinds.get(kind)
    with translation.override("en"):
        source = str(registered.text)
    names = set(PLACEHOLDER.findall(source))
    for language in ("fr", "nl"):
        with translation.override(language):
            translated = str(registered.text)
        assert set(PLACEHOLDER.findall(translated)) == names, (language, translated)
        if kind != "notifications.test_param":  # the test kind reuses a catalogue entry on purpose
            assert translated != source, (language, kind)


def test_rendering_fills_the_params_and_survives_a_missing_one():
    with translation.override("en"):
        assert kinds.render("notifications.test_param", {"kind": "x"}) == "Notice (x)"
        assert kinds.render("notifications.test_param", {}) == "Notice (%(kind)s)"
        assert kinds.render("nobody.registered_this", {}) == "Notice (nobody.registered_this)"
