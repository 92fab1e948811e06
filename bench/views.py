"""A baseline endpoint for bench/checkin_throughput.py: it inserts one row and nothing else.

Mounted by bench/urls.py only when ALLIANCE_BENCH_ENDPOINTS is on (never in production), so the benchmark can
compare the whole check-in pipeline against the cheapest possible write through the same stack.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from alliance.audit.models import AuditAction, AuditEvent


@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    AuditEvent.objects.create(actor_id=request.user.pk, action=AuditAction.CREATE, target="bench")
    return HttpResponse(status=204)
