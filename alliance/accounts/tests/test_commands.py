import pytest
from django.core.management import call_command

from alliance.accounts.models import Role, User
from alliance.audit.models import AuditEvent
from alliance.demo.generator import load_demo_practice


@pytest.mark.django_db
def test_createadmin_makes_a_practice_and_an_audited_admin(monkeypatch):
    monkeypatch.setenv("ALLIANCE_ADMIN_PASSWORD", "a-long-enough-passphrase")
    call_command("createadmin", "pat", practice="Hillside Counselling")
    admin = User.objects.get(username="pat")
    assert admin.role == Role.ADMIN
    assert admin.practice is not None and admin.practice.name == "Hillside Counselling"
    assert admin.check_password("a-long-enough-passphrase")
    event = AuditEvent.objects.get(object_id=str(admin.pk), target="admin account")
    assert event.practice_id == admin.practice_id  # a system actor still files it by practice


@pytest.mark.django_db
def test_createadmin_never_puts_a_real_admin_into_the_demo_practice(monkeypatch):
    from datetime import date

    load_demo_practice(seed=1, today=date(2026, 11, 2))
    monkeypatch.setenv("ALLIANCE_ADMIN_PASSWORD", "a-long-enough-passphrase")
    call_command("createadmin", "pat", practice="Hillside Counselling")
    practice = User.objects.get(username="pat").practice
    assert practice is not None and practice.slug != "demo"


@pytest.mark.django_db
def test_createadmin_refuses_a_weak_password(monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("ALLIANCE_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("createadmin", "pat")
    assert not User.objects.filter(username="pat").exists()


@pytest.mark.django_db
def test_a_refused_createadmin_leaves_no_practice_behind(monkeypatch):
    from django.core.management.base import CommandError

    from alliance.practice.models import Practice

    monkeypatch.setenv("ALLIANCE_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError):
        call_command("createadmin", "pat", practice="Hillside Counselling")
    assert not Practice.objects.exists()
