"""The WSGI application ``rmperf serve`` runs (gunicorn): the served home's database opened and
migrated once, before the workers fork."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from rmperf import db
from rmperf.home import Home

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmperf.db.settings")
db.setup(Home.resolve())
application = get_wsgi_application()
