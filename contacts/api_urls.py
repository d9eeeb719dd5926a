from django.urls import path

from contacts import api

urlpatterns = [
    path("service-areas/", api.ServiceAreaList.as_view(), name="service-areas"),
    path("contact-types/", api.ContactTypeList.as_view(), name="contact-types"),
    path("outcomes/", api.OutcomeList.as_view(), name="outcomes"),
    path("locations/", api.LocationList.as_view(), name="locations"),
    path("channels/", api.ChannelList.as_view(), name="channels"),
    path("contacts/", api.ContactListCreate.as_view(), name="contacts"),
]
