"""A migration operation that sets a foreign key's ON DELETE action in PostgreSQL.

Django 5.2 emulates on_delete in Python only; the Design Agent deletes rows
with plain SQL, so the cascade must live in the constraint itself.

If a later migration alters one of these fields, Django recreates the
constraint without the action: re-apply this operation after it
(tests/database/test_cascades.py checks pg_constraint and would fail).
"""

from __future__ import annotations

from django.db import migrations


class ForeignKeyOnDelete(migrations.operations.base.Operation):
    """Re-create the FK constraint of `model_name.field_name` with `ON DELETE <action>`."""

    reversible = True
    reduces_to_sql = True
    ACTIONS = ("CASCADE", "SET NULL", "NO ACTION")

    def __init__(self, model_name: str, field_name: str, action: str):
        if action not in self.ACTIONS:
            raise ValueError(f"action must be one of {self.ACTIONS}")
        self.model_name = model_name
        self.field_name = field_name
        self.action = action

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "field_name": self.field_name, "action": self.action},
        )

    def state_forwards(self, app_label, state):
        pass  # the ORM state does not know about ON DELETE in the database

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._set_action(app_label, schema_editor, to_state, self.action)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._set_action(app_label, schema_editor, to_state, "NO ACTION")

    def describe(self):
        return f"Set ON DELETE {self.action} on {self.model_name}.{self.field_name} in the database"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_{self.field_name}_on_delete"

    def _set_action(self, app_label, schema_editor, state, action):
        model = state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.field_name)
        table = model._meta.db_table
        target = field.related_model._meta.db_table
        quote = schema_editor.quote_name
        with schema_editor.connection.cursor() as cursor:
            constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
        names = [
            name
            for name, info in constraints.items()
            if info["foreign_key"] and info["columns"] == [field.column]
        ]
        if len(names) != 1:
            raise RuntimeError(f"Expected one foreign key on {table}.{field.column}, found {names}")
        name = names[0]
        # One ALTER TABLE: the constraint is never absent, even for a moment.
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}, "
            f"ADD CONSTRAINT {quote(name)} FOREIGN KEY ({quote(field.column)}) "
            f"REFERENCES {quote(target)} ({quote(field.target_field.column)}) "
            f"ON DELETE {action} DEFERRABLE INITIALLY DEFERRED"
        )
