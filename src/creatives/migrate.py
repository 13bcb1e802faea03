"""Apply Alembic migrations programmatically, so no alembic.ini has to be found on disk."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from creatives.database import to_sync_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "sqlalchemy.url", to_sync_url(database_url).replace("%", "%%")
    )
    return config


def upgrade(database_url: str) -> None:
    # "heads": feature branches of the migration graph all apply, whatever order they landed in.
    command.upgrade(alembic_config(database_url), "heads")
