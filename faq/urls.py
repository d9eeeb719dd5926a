from django.urls import path

from faq import views

app_name = "faq"

urlpatterns = [
    path("", views.article_list_view, name="list"),
    path("<int:pk>/", views.article_detail_view, name="detail"),
    path("<int:pk>/send/", views.article_send_view, name="send"),
    path("suggestions/", views.suggestions_view, name="suggestions"),
    path("contact/", views.contact_knowledge_view, name="contact_knowledge"),
    path("citizens/<int:citizen_id>/content/", views.citizen_content_view, name="citizen_content"),
    path("insights/", views.insights_view, name="insights"),
]
