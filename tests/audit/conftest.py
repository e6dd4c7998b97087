"""The audit tests use the register's fixtures (the demo's organisation)."""

from tests.members.conftest import org, staff_user  # noqa: F401
