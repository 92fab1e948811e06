from django.urls import path, re_path

from alliance.fhir import views

app_name = "fhir"
urlpatterns = [
    path("Questionnaire", views.questionnaires, name="questionnaires"),
    path("Questionnaire/<str:questionnaire_id>", views.questionnaire, name="questionnaire"),
    path("QuestionnaireResponse", views.questionnaire_responses, name="questionnaire-responses"),
    path(
        "QuestionnaireResponse/<int:response_id>",
        views.questionnaire_response,
        name="questionnaire-response",
    ),
    # Last: every other path under /fhir/ answers with a FHIR 404, not the HTML error page.
    re_path(r"^(?P<unknown>.*)$", views.unknown, name="unknown"),
]
