"""Today's date in Asia/Shanghai, the date every statutory clock counts from.

`TONGBAN_TODAY` (a `datetime.date` in settings) pins it, for tests and for rehearsing a sweep on
a given day; production never sets it. `TONGBAN_NOW` (an aware datetime) pins the moment records
are stamped with, so the demo's past cases carry their real submission times.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    pinned = getattr(settings, "TONGBAN_TODAY", None)
    return pinned if pinned is not None else timezone.localdate()


def now() -> dt.datetime:
    pinned = getattr(settings, "TONGBAN_NOW", None)
    return pinned if pinned is not None else timezone.now()
