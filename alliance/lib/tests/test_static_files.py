"""The served product uses hashed, compressed static files; a missing file would be a 500."""

import pytest
from django.core.management import call_command
from django.test import override_settings

MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.mark.django_db
def test_pages_render_with_the_production_static_files_storage(tmp_path, client):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
        response = client.get("/accounts/sign-in/")
    assert response.status_code == 200
    assert b"/static/alliance/alliance." in response.content
    assert list(tmp_path.glob("alliance/alliance.*.css.gz")), "stylesheet was not compressed"
