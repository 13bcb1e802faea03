"""The `creatives` command, run as a user runs it: a subprocess with DATABASE_URL set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TEST_SECRET, real_data_file

CREATIVES = str(Path(sys.executable).with_name("creatives"))
SEED_ROWS = "SELECT count(*) FROM creatives.dim_combined_creative"


def run_cli(
    database_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    return subprocess.run(
        [CREATIVES, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


@pytest.mark.realdata
async def test_load_seed_creatives_gives_ten_ads_three_copies(
    database_url: str, db: AsyncEngine
) -> None:
    seed = real_data_file("seed_dim_combined_creative.csv")
    added = run_cli(
        database_url,
        "customers",
        "add",
        "23",
        "--name",
        "Seed shop",
        "--currency",
        "USD",
        "--time-zone",
        "UTC",
    )
    assert added.returncode == 0, added.stderr

    loaded = run_cli(database_url, "load", "dim_combined_creative", str(seed))

    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 156 row(s)" in loaded.stdout
    async with db.connect() as conn:
        rows = await conn.scalar(text(SEED_ROWS))
        ads = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM creatives.ad_creative WHERE customer_name = '23'"
                )
            )
        ).scalar_one()
        copies = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM creatives.creative WHERE customer_name = '23'"
                )
            )
        ).scalar_one()
        texts = (
            (
                await conn.execute(
                    text("SELECT ad_copy FROM creatives.creative ORDER BY 1")
                )
            )
            .scalars()
            .all()
        )
    assert rows == 156
    assert ads == 10
    assert copies == 3
    assert any("🍕" in copy and "‘FIRSTORDER’" in copy for copy in texts)

    again = run_cli(database_url, "load", "dim_combined_creative", str(seed))

    assert again.returncode == 0, again.stderr
    assert "replacing 156 stored row(s)" in again.stdout
    async with db.connect() as conn:
        assert await conn.scalar(text(SEED_ROWS)) == 156


async def test_load_unknown_customer_writes_nothing(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    csv_file = tmp_path / "creative.csv"
    csv_file.write_text(
        "customer_name,ad_id,date_column,ad_copy\n99,A,2024-05-01,['x']\n",
        encoding="utf-8",
    )

    result = run_cli(database_url, "load", "dim_combined_creative", str(csv_file))

    assert result.returncode == 2
    assert "'99' are not customers" in result.stderr
    async with db.connect() as conn:
        count = (
            await conn.execute(
                text("SELECT count(*) FROM creatives.dim_combined_creative")
            )
        ).scalar_one()
    assert count == 0


async def test_load_bad_value_names_line_and_column(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    run_cli(
        database_url,
        "customers",
        "add",
        "23",
        "--name",
        "Shop",
        "--currency",
        "EUR",
        "--time-zone",
        "UTC",
    )
    csv_file = tmp_path / "facts.csv"
    csv_file.write_text(
        "customer_name,ad_id,ev,date_column,spend\n23,A,order_completed,2024-05-01,10.5\n23,B,order_completed,2024-05-02,12,50\n",
        encoding="utf-8",
    )
    result = run_cli(database_url, "load", "pixel_event_integrated_data", str(csv_file))

    assert result.returncode == 2
    assert "line 3" in result.stderr
    async with db.connect() as conn:
        count = (
            await conn.execute(
                text("SELECT count(*) FROM creatives.pixel_event_integrated_data")
            )
        ).scalar_one()
    assert count == 0


async def test_load_unknown_column_rejected(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    csv_file = tmp_path / "facts.csv"
    csv_file.write_text("customer_name,revenue\n23,10\n", encoding="utf-8")

    result = run_cli(database_url, "load", "pixel_event_integrated_data", str(csv_file))

    assert result.returncode == 2
    assert "'revenue' are not in pixel_event_integrated_data" in result.stderr


async def test_customers_add_rejects_bad_currency(
    database_url: str, db: AsyncEngine
) -> None:
    result = run_cli(
        database_url,
        "customers",
        "add",
        "23",
        "--name",
        "S",
        "--currency",
        "US$",
        "--time-zone",
        "UTC",
    )

    assert result.returncode == 2
    assert "'US$' is not an ISO 4217 code" in result.stderr


async def test_users_add_and_list(database_url: str, db: AsyncEngine) -> None:
    run_cli(
        database_url,
        "customers",
        "add",
        "23",
        "--name",
        "S",
        "--currency",
        "EUR",
        "--time-zone",
        "Europe/Berlin",
    )

    added = run_cli(
        database_url,
        "users",
        "add",
        "Eve@Example.com",
        "--name",
        "Eve",
        "--role",
        "admin",
        "--customer",
        "23",
        "--password",
        "pw-123456",
    )
    duplicate = run_cli(
        database_url,
        "users",
        "add",
        "eve@example.com",
        "--name",
        "Eve",
        "--password",
        "pw-123456",
    )
    short = run_cli(
        database_url,
        "users",
        "add",
        "ivy@example.com",
        "--name",
        "Ivy",
        "--password",
        "x",
    )
    invalid = run_cli(
        database_url,
        "users",
        "add",
        "bad-email",
        "--name",
        "Bad",
        "--password",
        "pw-123456",
    )
    listed = run_cli(database_url, "users", "list")

    assert added.returncode == 0, added.stderr
    assert duplicate.returncode == 2
    assert "already exists" in duplicate.stderr
    assert "Eve@Example.com\tadmin\tactive\t23" in listed.stdout
    assert "use at least 8" in short.stderr
    assert "email 'bad-email' is invalid" in invalid.stderr


def test_serve_refuses_well_known_secret(database_url: str) -> None:
    result = run_cli(database_url, "serve", env={"JWT_SECRET_KEY": "changeme"})

    assert result.returncode == 2
    assert "JWT_SECRET_KEY is a well-known value" in result.stderr


def test_serve_refuses_empty_secret(database_url: str) -> None:
    result = run_cli(database_url, "serve", env={"JWT_SECRET_KEY": ""})

    assert result.returncode == 2
    assert "JWT_SECRET_KEY is empty" in result.stderr


async def test_customers_pixel_prints_snippet(
    database_url: str, db: AsyncEngine
) -> None:
    run_cli(
        database_url,
        *("customers", "add", "23", "--name", "Shop", "--currency", "EUR"),
        *("--time-zone", "UTC"),
    )

    first = run_cli(database_url, "customers", "pixel", "23")
    changed = run_cli(
        database_url,
        *("customers", "pixel", "23", "--allowed-origin", "https://Shop.example/"),
        *("--ad-id-param", "adid", "--honor-privacy-signals"),
    )
    missing = run_cli(database_url, "customers", "pixel", "99")

    assert first.returncode == 0, first.stderr
    assert "allowed origins: any" in first.stdout
    assert '<script async src="http://127.0.0.1:8000/pixel.js"' in first.stdout
    assert "signing secret" not in first.stdout
    key = first.stdout.split("site key: ", 1)[1].split()[0]
    assert changed.returncode == 0, changed.stderr
    assert f"site key: {key}" in changed.stdout
    assert "allowed origins: https://shop.example" in changed.stdout
    assert 'data-ad-id-param="adid"' in changed.stdout
    assert "honours DNT and GPC: yes" in changed.stdout
    assert missing.returncode == 2
    assert "Customer '99' not found" in missing.stderr


async def test_load_rejects_nan_spend(
    database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    run_cli(
        database_url,
        "customers",
        "add",
        "23",
        "--name",
        "Shop",
        "--currency",
        "EUR",
        "--time-zone",
        "UTC",
    )
    csv_file = tmp_path / "facts.csv"
    csv_file.write_text(
        "customer_name,ad_id,ev,date_column,spend\n23,A,order_completed,2024-05-01,NaN\n",
        encoding="utf-8",
    )

    result = run_cli(database_url, "load", "pixel_event_integrated_data", str(csv_file))

    assert result.returncode == 2
    assert "column spend has the value NaN" in result.stderr


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--currency", "XYZ", "'XYZ' is not an ISO 4217 code"),
        ("--time-zone", "localtime", "'localtime' is not an IANA name"),
    ],
)
async def test_customers_add_rejects_unknown_codes(
    database_url: str, db: AsyncEngine, option: str, value: str, message: str
) -> None:
    values = {"--currency": "EUR", "--time-zone": "UTC", option: value}

    result = run_cli(
        database_url,
        "customers",
        "add",
        "23",
        "--name",
        "S",
        *[item for pair in values.items() for item in pair],
    )

    assert result.returncode == 2
    assert message in result.stderr


def test_embedded_postgres_prints_no_runtime_warning(tmp_path: Path) -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "XDG_RUNTIME_DIR")
    }
    environment["DATA_DIR"] = str(tmp_path / "data")
    environment["LOG_LEVEL"] = "WARNING"

    result = subprocess.run(
        [CREATIVES, "customers", "list"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )

    runtime = tmp_path / "data" / "runtime"
    assert result.returncode == 0, result.stderr
    assert "XDG_RUNTIME_DIR" not in result.stderr
    assert runtime.is_dir()
    assert runtime.stat().st_mode & 0o777 == 0o700
    assert not (tmp_path / "data" / "pg" / "postmaster.pid").exists()


@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["customers", "list"]])
def test_unreachable_database_short_error(
    database_url: str, command: list[str]
) -> None:
    missing = make_url(database_url).set(
        database="creatives_no_such_db", password="hunter2-secret"
    )
    result = run_cli(
        missing.render_as_string(hide_password=False),
        *command,
        env={"JWT_SECRET_KEY": TEST_SECRET},
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Cannot connect to the database" in result.stderr
    assert 'database "creatives_no_such_db" does not exist' in result.stderr
    assert "Check DATABASE_URL" in result.stderr
    assert "hunter2-secret" not in result.stderr + result.stdout
