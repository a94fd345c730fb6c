"""Persistence: SQLAlchemy models, repositories that flush (never commit), and migrations."""
