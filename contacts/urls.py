from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_history_view, name="history"),
    path("start/", views.contact_start_view, name="start"),
    path("<int:pk>/", views.contact_detail_view, name="detail"),
    path("<int:pk>/end/", views.contact_end_view, name="end"),
    path("<int:pk>/caller/", views.contact_attach_view, name="attach"),
    path("contact-types/", views.contact_type_options_view, name="contact_type_options"),
    path("citizens/<int:citizen_id>/", views.citizen_history_view, name="citizen_history"),
    path("to-complete/", views.review_list_view, name="review"),
    # Telephony screen pop; the phone system opens exactly /contacts/incoming?phone=…
    path("incoming", views.incoming_view, name="incoming"),
    path("incoming/", views.incoming_view),
    path("reports/", views.reports_view, name="reports"),
]
