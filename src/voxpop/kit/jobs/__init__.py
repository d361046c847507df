"""Background work. The `jobs` table is the record of what is pending; a broker (or an in-process thread)
only wakes whoever runs them, so a crash loses nothing and a restart resumes."""

from voxpop.kit.jobs.queue import JobContext, enqueue, register, registered_jobs

__all__ = ["JobContext", "enqueue", "register", "registered_jobs"]
