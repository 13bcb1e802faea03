"""The demo's simulated export rows and pixel events, checked without a database."""

import ast
import csv
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from creatives.demo.creative_table import write_creative_table
from creatives.demo.export import write_meta_export
from creatives.demo.generator import DemoScale, demo_customers
from creatives.demo.traffic import PURCHASE_EVENT, CustomerTraffic, simulate_customer
from creatives.pixel.validation import url_parameters
from creatives.tables import DIM_COMBINED_CREATIVE_COLUMNS

SCALE = DemoScale(customers=1, ads=8, days=20, seed=3)
CUSTOMER = demo_customers(1)[0]


def test_simulation_same_seed_same_data() -> None:
    first = simulate_customer(CUSTOMER, 0, SCALE)
    second = simulate_customer(CUSTOMER, 0, SCALE)

    assert first.ad_days == second.ad_days
    assert first.events == second.events
    assert (
        first.events
        != simulate_customer(
            CUSTOMER, 0, DemoScale(**{**SCALE.__dict__, "seed": 4})
        ).events
    )


def test_simulation_events_inside_the_days() -> None:
    traffic = simulate_customer(CUSTOMER, 0, SCALE)
    zone = ZoneInfo(CUSTOMER.time_zone)
    starts = datetime.combine(traffic.start_date, time.min, tzinfo=zone)
    ends = datetime.combine(traffic.end_date + timedelta(days=1), time.min, tzinfo=zone)

    times = [event.received_at for event in traffic.events]
    assert times == sorted(times)
    assert all(starts <= moment < ends for moment in times)
    assert all(moment.tzinfo == UTC for moment in times)


def test_simulation_landings_carry_the_ad_id() -> None:
    traffic = simulate_customer(CUSTOMER, 0, SCALE)
    ad_ids = {ad.ad_id for ad in traffic.ads}

    landings = defaultdict(list)
    for event in traffic.events:
        if event.raw["event_name"] == "page_view":
            landings[event.raw["session_id"]].append(event)
    from_url = [
        url_parameters(str(events[0].raw["url"])).get("ad_id")
        for events in landings.values()
    ]
    paid = [ad for ad in from_url if ad is not None]
    assert set(paid) <= ad_ids
    assert 0 < len(paid) < len(from_url), "paid and unpaid sessions both occur"


def test_simulation_purchases_have_order_fields() -> None:
    traffic = simulate_customer(CUSTOMER, 0, SCALE)
    purchases = [e.raw for e in traffic.events if e.raw["event_name"] == PURCHASE_EVENT]

    assert purchases
    assert {raw["currency"] for raw in purchases} == {CUSTOMER.currency}
    assert len({raw["order_id"] for raw in purchases}) == len(purchases)
    assert all(Decimal(str(raw["value"])) > 0 for raw in purchases)


def test_export_has_meta_columns_and_sums(tmp_path: Path) -> None:
    traffic = simulate_customer(CUSTOMER, 0, SCALE)
    path = write_meta_export(traffic, tmp_path)

    with path.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    spend = sum(Decimal(line["Amount spent (USD)"]) for line in lines)
    clicks = sum(int(line["Link clicks"]) for line in lines)
    impressions = sum(int(line["Impressions"]) for line in lines)
    assert path.name == "Northwind-Outdoor-Ads-Jun-11-2024-Jun-30-2024.csv"
    assert len(lines) == len(traffic.ad_days)
    assert spend == sum(row.spend for row in traffic.ad_days)
    assert 0.005 <= clicks / impressions <= 0.02
    assert {line["Body"] for line in lines} <= set(CUSTOMER.copies)


def _landing_parameters(traffic: CustomerTraffic) -> dict[str, dict[str, str]]:
    """Map each ad id to the query parameters of one of its landings."""
    found = {}
    for event in traffic.events:
        parameters = url_parameters(str(event.raw["url"]))
        if "ad_id" in parameters:
            found[parameters["ad_id"]] = parameters
    return found


def test_uncopied_ads_come_from_tiktok() -> None:
    traffic = simulate_customer(CUSTOMER, 0, SCALE)
    landings = _landing_parameters(traffic)
    exported = {row.ad.ad_id for row in traffic.ad_days}
    missing = [ad for ad in traffic.ads if not ad.in_creative_table]

    assert [ad.ad_index for ad in missing] == [5]
    tiktok = landings[missing[0].ad_id]
    assert tiktok["utm_source"] == "tiktok"
    assert len(tiktok["ttclid"]) == 32
    assert missing[0].ad_id not in exported
    assert exported == {ad.ad_id for ad in traffic.ads if ad.in_creative_table}
    assert all(landings[ad]["utm_source"] == "facebook" for ad in exported)


def test_creative_table_lists_carousel_copies(tmp_path: Path) -> None:
    traffic = simulate_customer(CUSTOMER, 0, SCALE)
    path = write_creative_table(traffic, tmp_path)

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    by_ad = defaultdict(list)
    for row in rows:
        by_ad[row["ad_id"]].append(row)

    assert header == [name for name, _ in DIM_COMBINED_CREATIVE_COLUMNS]
    for ad in traffic.ads:
        if not ad.in_creative_table:
            assert ad.ad_id not in by_ad
            continue
        ad_rows = by_ad[ad.ad_id]
        assert len(ad_rows) == ad.last_day - ad.first_day + 1
        assert ast.literal_eval(ad_rows[-1]["ad_copy"]) == ad.copies_after
        assert ad_rows[-1]["ad_type"] == (
            "CAROUSEL" if ad.is_carousel else "NON-CAROUSEL"
        )
    carousels = [ad for ad in traffic.ads if ad.is_carousel and ad.in_creative_table]
    assert carousels and all(len(ad.copies_after) >= 2 for ad in carousels)
