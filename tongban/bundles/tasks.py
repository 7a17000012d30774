"""Bundle sweep: relay supplement notices as one bundle notice, conclude finished bundles."""

import datetime as dt

from django_tasks import task

from tongban.core import sweeps


@task(queue_name="sweeps")
def bundle_sweep() -> dict:
    # Idempotent: a relayed notice is recorded per case; concluding claims the row conditionally.
    from .services import refresh_open, relay_supplements

    return {"notices": relay_supplements(), "concluded": refresh_open()}


sweeps.register("bundles", bundle_sweep, dt.timedelta(minutes=2))
