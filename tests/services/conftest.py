from tests.db import ctx, database, database_url, postgres_schema_url, sqlite_url

__all__ = ["ctx", "database", "database_url", "postgres_schema_url", "sqlite_url"]
