"""The marks seed_data leaves on the shared design jobs it created."""

from __future__ import annotations

from django.db import models


class SeedStubDesignJob(models.Model):
    """Marks a shared.design_jobs row that `seed_data` created as a stub, so `--clear` removes only those.

    The Design Agent owns shared.*, so the mark lives here rather than in a column there.
    No foreign key: a stub the Design Agent deletes leaves a harmless stale mark.
    """

    design_job_id = models.UUIDField(primary_key=True)

    class Meta:
        db_table = "seed_stub_design_jobs"

    def __str__(self) -> str:
        return f"Seed stub {self.design_job_id}"
