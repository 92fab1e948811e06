"""The admin's audit page names what happened in neutral words: the admin may see who opened or
changed a client's record and when, never what (alliance/audit/wording.py)."""

from __future__ import annotations

import re

from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.signals.tests.helpers.clinic import made_flag


def test_a_crisis_acknowledgement_shows_as_a_neutral_update(signed_in, personas):
    flag = made_flag(personas.chris_episode)
    note = "Called Chris, he is safe tonight."
    dana = signed_in("dana")
    acknowledged = dana.post(reverse("signals:flag-acknowledge", args=[flag.pk]), {"note": note})
    assert acknowledged.status_code == 302
    assert AuditEvent.objects.filter(target="Crisis flag acknowledged").exists()
    dana.get(reverse("clinic:client", args=[personas.chris_client.pk]))

    url = reverse("administration:client-audit", args=[personas.chris_client.pk])
    page = signed_in("alex").get(url).content.decode()

    rows = re.findall(r"<tr><td><time.*?</tr>", page, flags=re.S)
    updated = [row for row in rows if "clinical record updated" in row]
    assert updated and "Dana Reyes" in updated[0]
    assert f"<td>{personas.chris_client.pk}</td>" in updated[0]
    assert any("clinical record read" in row and "Dana Reyes" in row for row in rows)
    for clinical in ("Crisis flag", "crisis", "client page", note, "Called Chris"):
        assert clinical not in page, clinical
    # The admin's own reading of the trail is administration, named as such.
    assert "audit trail (read)" in page
