"""Column definitions every tech-spec table shares: ids and creation times with database defaults."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

RANDOM_UUID = models.Func(function="gen_random_uuid", output_field=models.UUIDField())


def uuid_pk() -> models.UUIDField:
    # Python default for the ORM, database default for plain-SQL writers and COPY.
    return models.UUIDField(primary_key=True, default=uuid.uuid4, db_default=RANDOM_UUID, editable=False)


def created_at_field(**kwargs) -> models.DateTimeField:
    return models.DateTimeField(default=timezone.now, db_default=Now(), editable=False, **kwargs)
