import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CRM_PROCESS", "web")  # the web statement timeout, as in wsgi.py
application = get_asgi_application()
