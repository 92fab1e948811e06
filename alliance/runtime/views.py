"""``/healthz``: for uptime checks and load balancers, and for the operator's own eyes.

200 when the database answers and background work is being done; 503 otherwise, with the
reason in the body (JSON). It says nothing about any client: only counts of queued tasks and
live workers. ``/healthz?scope=web`` checks the web side alone (the database answers), for a
load balancer that should keep sending requests while a worker is restarted.
"""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from alliance.runtime.health import background_health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        health = background_health()
    except DatabaseError as error:
        return JsonResponse(
            {"status": "down", "database": f"unreachable ({type(error).__name__})"}, status=503
        )
    if request.GET.get("scope") == "web":
        return JsonResponse({"status": "ok", "database": "ok"})
    body: dict[str, object] = {
        "status": "behind" if health.behind else "ok",
        "database": "ok",
        "background": health.as_dict(),
    }
    if health.no_worker:
        body["problem"] = (
            "no background worker is running: start `alliance serve` or `alliance worker`"
        )
    elif health.queue_stalled:
        body["problem"] = (
            f"the oldest queued task has waited {health.oldest_waiting_minutes} minutes "
            f"(more than {health.stall_after_seconds // 60})"
        )
    return JsonResponse(body, status=503 if health.behind else 200)
