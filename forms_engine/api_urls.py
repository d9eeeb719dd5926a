from django.urls import path

from forms_engine import api

urlpatterns = [
    path("forms/", api.FormList.as_view(), name="forms"),
    path("citizens/<int:pk>/forms/", api.CitizenForms.as_view(), name="citizen-forms"),
    path("submissions/<int:pk>/", api.SubmissionDetail.as_view(), name="submission"),
]
