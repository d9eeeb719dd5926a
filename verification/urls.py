from django.urls import path

from verification import views

app_name = "verification"

# Mounted under citizens/ so the addresses stay those of the citizen's record.
urlpatterns = [
    path("<int:pk>/accounts/<int:account_pk>/verify/", views.verify, name="verify"),
]
