"""JSON aggregation the same way on SQLite and PostgreSQL: related rows read with their parent
in one query instead of one query per relation."""

from django.db import models


class JSONList(models.Aggregate):
    """The aggregated rows' values as one JSON list."""

    function = "JSON_GROUP_ARRAY"  # SQLite
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):  # noqa: ANN001, ANN201
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)
