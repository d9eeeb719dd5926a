from django.urls import path

from faq import api

urlpatterns = [
    path("articles/", api.ArticleList.as_view(), name="articles"),
    path("articles/<int:pk>/", api.ArticleDetail.as_view(), name="article"),
]
