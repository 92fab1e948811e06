"""Fixtures shared by every app's tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from alliance.testing.personas import Personas, build_personas

# Headless Chromium fixtures for the tests marked ``browser`` (see that module's docstring).
pytest_plugins = ["alliance.testing.browser"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is the product's hasher (tested in accounts/tests/test_sign_in.py); tests that
    # create many accounts use a fast one so the suite stays quick.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture
def signed_in(personas: Personas) -> Any:
    """``signed_in("dana")`` returns a test client signed in as that persona."""

    def sign_in(name: str) -> HttpClient:
        client = HttpClient()
        user = personas.by_name(name)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in
