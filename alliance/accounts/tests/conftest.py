from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_request_counts() -> None:
    """The password-reset limit counts requests per address in the cache (accounts/passwords.py);
    each test starts at zero."""
    cache.clear()
