"""The product's URLs plus a baseline endpoint for bench/checkin_throughput.py.

Used as ROOT_URLCONF only when ALLIANCE_BENCH_ENDPOINTS is on (refused in production): the
product package knows nothing of the bench."""

from django.urls import include, path

from alliance.urls import handler400, handler403, handler404, handler500
from bench.views import bare_insert

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path("bench/bare-insert", bare_insert, name="bench-bare-insert"),
    path("", include("alliance.urls")),
]
