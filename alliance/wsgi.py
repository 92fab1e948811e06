"""WSGI entry point used by the application server (gunicorn) and by any other WSGI host."""

import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")

application = get_wsgi_application()


def _warm_up_crisis_language() -> None:
    """A client who writes crisis language is answered inside their own request; loading the
    crisis lexicon and classifier (about half a second) is done here, in the background, as the
    process starts, rather than in the first such request."""
    from alliance.signals.crisis_language import warm_up

    warm_up()


threading.Thread(target=_warm_up_crisis_language, name="crisis-warm-up", daemon=True).start()
