"""The admin decides who supervises whom; supervision then opens those clients, read-only."""

from django.urls import reverse

from alliance.audit.models import AuditEvent


def test_the_admin_makes_sam_supervise_olga_and_sam_then_sees_caseys_page(signed_in, personas):
    sam = signed_in("sam")
    casey_page = reverse("clinic:client", args=[personas.casey_client.pk])
    assert sam.get(casey_page).status_code == 404
    url = reverse("administration:supervisors", args=[personas.olga_profile.pk])
    response = signed_in("alex").post(url, {"supervisors": [personas.sam.pk]})
    assert response.status_code == 302
    assert list(personas.olga_profile.supervisors.all()) == [personas.sam]
    assert sam.get(casey_page).status_code == 200
    event = AuditEvent.objects.get(target="supervisors", object_id=str(personas.olga_profile.pk))
    assert event.actor == personas.alex and event.detail == {"from": [], "to": ["sam"]}


def test_removing_a_supervisor_closes_the_clients_again(signed_in, personas):
    url = reverse("administration:supervisors", args=[personas.dana_profile.pk])
    assert signed_in("alex").post(url, {}).status_code == 302
    assert not personas.dana_profile.supervisors.exists()
    chris_page = reverse("clinic:client", args=[personas.chris_client.pk])
    assert signed_in("sam").get(chris_page).status_code == 404


def test_only_supervisors_of_the_practice_can_be_chosen(signed_in, personas):
    url = reverse("administration:supervisors", args=[personas.olga_profile.pk])
    for not_a_supervisor in (personas.dana.pk, personas.eve.pk, 999_999):
        response = signed_in("alex").post(url, {"supervisors": [not_a_supervisor]})
        assert response.status_code == 400
        assert b"Select a valid choice" in response.content
    assert not personas.olga_profile.supervisors.exists()
