"""What happens to a care episode, announced for the apps that build on practice.

Practice sits below the apps that act on these moments (measures sends intake forms and
withdraws the waiting forms of a client who revokes consent to measures; signals
will not let an episode end over a crisis flag nobody acknowledged), so it announces them and
those apps subscribe in their ``AppConfig.ready``. Receivers run at once, inside the same
transaction as the change: a receiver that raises ``DomainError`` stops it.
"""

from django.dispatch import Signal

# Sent with ``episode`` when a care episode starts (after its first phase is recorded).
episode_started = Signal()
# Sent with ``episode`` and ``reason`` before a care episode ends; a receiver may refuse.
episode_ending = Signal()
# Sent with ``client`` and ``kind`` (a ``ConsentKind``) after a client's consent is revoked.
consent_revoked = Signal()
