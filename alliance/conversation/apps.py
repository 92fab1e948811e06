from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "alliance.conversation"
    label = "conversation"
