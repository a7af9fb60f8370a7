"""The work done in the background (django-tasks, its database backend; ``rmperf worker`` runs it).

A page queues a task and returns at once; the task calls the same service the command line calls.
Arguments are plain values (a job's id), so a task can wait in the database for a worker.
"""

from __future__ import annotations

from django_tasks import task


@task()
def import_upload(job_id: int) -> None:
    """Import the package of upload job ``job_id`` (``services.uploads.run_job``)."""
    from rmperf.services.uploads import run_job

    run_job(job_id)
