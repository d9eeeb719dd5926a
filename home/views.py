from django.shortcuts import render

from home.selectors import home_summary


def home(request):
    return render(request, "home/home.html", home_summary(staff=request.user))
