"""Storage: SQLAlchemy models, the database handle, Alembic migrations.

Imports nothing above it.
"""
