import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A web process: settings give its database connections the web statement timeout
# (WEB_STATEMENT_TIMEOUT), which Celery workers and management commands do not get.
os.environ.setdefault("CRM_PROCESS", "web")
application = get_wsgi_application()
