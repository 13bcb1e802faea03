from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from creatives.pixel.repository import month_start


def test_month_start_local_time_in_utc() -> None:
    # 22:00 on 31 March in New York is 02:00 on 1 April UTC: so it belongs in the April partition.
    evening = datetime(2024, 3, 31, 22, 0, tzinfo=ZoneInfo("America/New_York"))

    assert month_start(evening) == date(2024, 4, 1)


def test_month_start_utc_times_and_days() -> None:
    assert month_start(datetime(2024, 3, 31, 23, 59, tzinfo=UTC)) == date(2024, 3, 1)
    assert month_start(date(2024, 12, 31)) == date(2024, 12, 1)
