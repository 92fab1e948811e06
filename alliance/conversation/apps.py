from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "alliance.conversation"
    label = "conversation"

    def ready(self) -> None:
        from alliance.conversation.selectors import session_panel
        from alliance.sessions.panels import Panel, add_panel

        # The session page shows the session's transcripts and the upload form.
        add_panel(Panel("conversation/_session_panel.html", "conversation", session_panel))
