from tests.db import database, database_url, postgres_schema_url, sqlite_url

__all__ = ["database", "database_url", "postgres_schema_url", "sqlite_url"]
