import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
application = get_wsgi_application()

# WSGI servers (gunicorn, uWSGI) run none of Django's system checks: refuse to start with a
# setting that `chiso check` reports as an error, naming the variable, rather than answer 500
# on the pages that read it.
_errors = [e for e in checks.run_checks(tags=["chiso_settings"]) if e.is_serious()]
if _errors:
    raise ImproperlyConfigured("\n".join(str(e) for e in _errors))
