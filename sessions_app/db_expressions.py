"""SQL expressions used by the models' check constraints."""

from django.db.models import CharField, F, Func, JSONField, Value
from django.db.models.lookups import Exact


def jsonb_is(field: str, json_type: str) -> Exact:
    """`jsonb_typeof(field) = json_type`, a boolean expression for a CheckConstraint."""
    return Exact(Func(F(field), function="jsonb_typeof", output_field=CharField()), Value(json_type))


def option_named(field: str) -> Func:
    """`jsonb_build_array(jsonb_build_object('name', field))`, matched with @> against an options list."""
    obj = Func(Value("name"), F(field), function="jsonb_build_object", output_field=JSONField())
    return Func(obj, function="jsonb_build_array", output_field=JSONField())
