def test_dana_sees_her_caseload_with_chris(signed_in, personas):
    response = signed_in("dana").get("/clinic/")
    assert response.status_code == 200
    assert b"Chris Moreau" in response.content
    assert b"Casey Nakamura" not in response.content


def test_client_page_for_dana(signed_in, personas):
    response = signed_in("dana").get(f"/clinic/clients/{personas.chris_client.pk}/")
    assert response.status_code == 200, response.content
    assert b"Phase history" in response.content


def test_portal(signed_in, personas):
    response = signed_in("chris").get("/portal/")
    assert response.status_code == 200
    assert b"Hello, Chris" in response.content


def test_admin_home(signed_in, personas):
    response = signed_in("alex").get("/administration/")
    assert response.status_code == 200


def test_supervision(signed_in, personas):
    response = signed_in("sam").get("/clinic/supervision/")
    assert response.status_code == 200
    assert b"Dana Reyes" in response.content
