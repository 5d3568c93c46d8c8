"""Output serializers that build their fields once per class instead of once per use.

DRF deep-copies every declared field each time a serializer is created, and a
ModelSerializer inspects its model again as well: a large share of the CPU of the
API's most frequent requests (a status poll, a list of sessions). An output
serializer only calls to_representation, which reads a field's settings and never
changes them, so a shallow copy of each field, bound to the new serializer as usual,
renders the same.

Kept because `make load` shows it pays: in an A/B of the load mix (four rounds each,
alternating, 2026-12-07) plain DRF cost gunicorn 23 % more CPU per request and served
18 % fewer requests/s; docs/PERFORMANCE.md ("Output serializers: fields built once")
has the figures.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rest_framework import serializers

if TYPE_CHECKING:
    # What the mixin is put in front of, so that super().get_fields() has a type.
    _SerializerBase = serializers.Serializer[Any]
    AnyField = serializers.Field[Any, Any, Any, Any]
else:
    _SerializerBase = object

_F = TypeVar("_F", bound="AnyField")


class FieldsBuiltOnce(_SerializerBase):
    # A comment, not a docstring: drf-spectacular documents a serializer without a docstring
    # with its base classes' one, and this text would become the API schema's description.
    #
    # Mixin for read-only output serializers (put it before the DRF base class). Fields that
    # hold other fields (nested serializers, a ListField's child, a related field's
    # child_relation) are still deep-copied: a shallow copy would share the inner field,
    # bound to the template instead of this serializer, between requests.

    _field_templates: ClassVar[dict[str, AnyField]]

    def get_fields(self) -> dict[str, AnyField]:
        cls = type(self)
        # Looked up in the class's own __dict__: a subclass (SessionDetailOutput) has its own fields.
        templates = cls.__dict__.get("_field_templates")
        if templates is None:
            templates = super().get_fields()
            # Two threads may both build it; each result is complete, the last one stays.
            cls._field_templates = templates
        return {
            name: copy.deepcopy(field) if _holds_fields(field) else _shallow_copy(field)
            for name, field in templates.items()
        }


def _holds_fields(field: AnyField) -> bool:
    return isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(
        field, "child_relation")


def _shallow_copy(field: _F) -> _F:
    # What copy.copy does for a plain object, without its __reduce_ex__ round trip.
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone

