"""Deterministic demo data, generated inside PostgreSQL so millions of rows load in seconds.

Python decides the ads (ids, names, copies, flight dates); one INSERT ... SELECT per table
expands them over days and events. Randomness comes from `hashint8extended(key, seed)`,
so the same seed gives the same rows on any server and in any row order.
"""

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.demo.copies import DEMO_CUSTOMERS, EVENTS, DemoCustomer

DEMO_END_DATE = date(2024, 6, 30)
EXTRA_CUSTOMER_ZONES = (
    ("USD", "America/Los_Angeles"),
    ("GBP", "Europe/London"),
    ("JPY", "Asia/Tokyo"),
    ("AUD", "Australia/Sydney"),
)


@dataclass(frozen=True)
class DemoScale:
    customers: int = 3
    ads: int = 60
    days: int = 150
    events: int = len(EVENTS)
    seed: int = 7

    @property
    def start_date(self) -> date:
        return DEMO_END_DATE - timedelta(days=self.days - 1)


@dataclass(frozen=True)
class DemoAd:
    ad_index: int
    ad_id: str
    campaign_id: str
    campaign_name: str
    adset_id: str
    adset_name: str
    ad_name: str
    first_day: int
    last_day: int
    in_creative_table: bool
    is_carousel: bool
    copies_before: list[str]
    copies_after: list[str]
    switch_day: int


def demo_customers(count: int) -> list[DemoCustomer]:
    customers = list(DEMO_CUSTOMERS[:count])
    for index in range(len(customers), count):
        template = DEMO_CUSTOMERS[index % len(DEMO_CUSTOMERS)]
        currency, zone = EXTRA_CUSTOMER_ZONES[index % len(EXTRA_CUSTOMER_ZONES)]
        customers.append(
            DemoCustomer(
                id=str(100 + index),
                name=f"{template.name} {index + 1}",
                currency=currency,
                time_zone=zone,
                average_order_value=template.average_order_value,
                channel=template.channel,
                copies=template.copies,
            )
        )
    return customers


def _pick_copies(
    rng: random.Random, pool: tuple[str, ...], carousel: bool
) -> list[str]:
    if carousel:
        return rng.sample(pool, rng.randint(2, min(4, len(pool))))
    return [rng.choice(pool)]


def plan_ads(
    customer: DemoCustomer, customer_index: int, scale: DemoScale
) -> list[DemoAd]:
    """Decide every ad of a customer: ids, campaign, flight dates and copy."""
    rng = random.Random(f"{scale.seed}:{customer.id}")
    campaigns = max(2, scale.ads // 12)
    ads = []
    for index in range(scale.ads):
        campaign = index % campaigns
        carousel = rng.random() < 0.3
        copies = _pick_copies(rng, customer.copies, carousel)
        # Every tenth ad gets new copy mid-flight; the dashboard groups it by the latest.
        changes_copy = index % 10 == 3
        first_day = 0 if index % 4 else rng.randint(0, scale.days // 2)
        last_day = (
            scale.days - 1 if index % 5 else rng.randint(first_day, scale.days - 1)
        )
        ads.append(
            DemoAd(
                ad_index=index,
                ad_id=f"1202{customer_index:03d}{index:09d}",
                campaign_id=f"1201{customer_index:03d}{campaign:09d}",
                campaign_name=f"{customer.name} | Campaign {campaign + 1}",
                adset_id=f"1203{customer_index:03d}{index // 3:09d}",
                adset_name=f"Audience {index // 3 + 1}",
                ad_name=f"Ad {index + 1} – {'carousel' if carousel else 'single'}",
                first_day=first_day,
                last_day=last_day,
                in_creative_table=index % 12 != 5,
                is_carousel=carousel,
                copies_before=_pick_copies(rng, customer.copies, carousel)
                if changes_copy
                else copies,
                copies_after=copies,
                switch_day=(first_day + last_day) // 2,
            )
        )
    return ads


CREATE_STAGING = """
CREATE TEMPORARY TABLE demo_ads (
    ad_index int, ad_id text, campaign_id text, campaign_name text, adset_id text,
    adset_name text, ad_name text, first_day int, last_day int, in_creative_table bool,
    is_carousel bool, copies_before text, copies_after text, switch_day int
);
CREATE TEMPORARY TABLE demo_events (
    event_index int, ev text, rate float8, value_factor float8
);
"""

# r(k) is a uniform number in [0, 1) fixed by (customer, ad, day, k) and the seed.
RANDOM = "((hashint8extended(((({c} * 1000000 + {a}) * 4096 + {d}) * 16 + {k}), CAST(:seed AS bigint))"
RANDOM += " & 2147483647)::float8 / 2147483648.0)"


def _r(k: int, day: str = "d.day_index", ad: str = "a.ad_index") -> str:
    return RANDOM.format(c="CAST(:customer_index AS bigint)", a=ad, d=day, k=k)


# Each step is a subquery with OFFSET 0. Without that fence PostgreSQL inlines the steps and
# copies every expression into each place that uses it, so one row cost hundreds of hash calls.
# With it, every random draw and every derived figure is computed once. The per-day figures
# (spend, traffic, the draws shared by all events) are computed once per ad and day, before
# the join with the events multiplies the rows. The lateral joins fix the row order to event,
# then day, then ad. That is the order of the facts index, so its inserts append. The facts of
# one event and day also share heap pages, and the refresh reads them a day at a time.
FACTS_SQL = f"""
INSERT INTO creatives.pixel_event_integrated_data (
    campaign_name, medium, source, adset_name, ad_name, bg_source, bg_source_id, date,
    sessions, users, new_users, number_of_events, shopify_revenue, new_customer,
    returning_customer, ev, ad_id, impressions, clicks, spend, campaign_id, adset_id,
    shopify_revenue_attr, number_of_events_attr, customer_name, new_customer_revenue,
    returning_customer_revenue, date_column, event_value, event_value_attr,
    number_of_events_attr_window_1, number_of_events_attr_window_7,
    number_of_events_attr_window_30, event_value_attr_window_1, event_value_attr_window_7,
    event_value_attr_window_30, shopify_revenue_attr_window_1, shopify_revenue_attr_window_7,
    shopify_revenue_attr_window_30, ad_status, adset_status, campaign_status, pageviews,
    is_integrated_channel
)
WITH ad_profile AS MATERIALIZED (
    SELECT a.*,
           4 + 260 * power({_r(0, day="0")}, 2) AS daily_budget,
           0.004 + 0.028 * {_r(1, day="0")} AS ctr,
           5 + 18 * {_r(2, day="0")} AS cpm,
           0.5 + 1.1 * {_r(3, day="0")} AS quality
    FROM demo_ads a
),
ad_day AS (
    SELECT p.*, d.day_index, (CAST(:start_date AS date) + d.day_index) AS day,
           {_r(4, ad="p.ad_index")} AS zero_draw,
           {_r(5, ad="p.ad_index")} AS spend_draw,
           {_r(6, ad="p.ad_index")} AS noise,
           {_r(7, ad="p.ad_index")} AS events_draw,
           {_r(8, ad="p.ad_index")} AS f30,
           {_r(9, ad="p.ad_index")} AS f7,
           {_r(10, ad="p.ad_index")} AS f1,
           {_r(11, ad="p.ad_index")} AS basket
    FROM generate_series(0, CAST(:days AS int) - 1) AS d(day_index)
    CROSS JOIN LATERAL (
        SELECT * FROM ad_profile p
        WHERE d.day_index BETWEEN p.first_day AND p.last_day
        OFFSET 0
    ) p
    OFFSET 0
),
spent AS (
    SELECT *,
           CASE WHEN zero_draw < 0.07 THEN 0::numeric
                ELSE round((daily_budget * (0.55 + 0.9 * spend_draw)
                     * CASE WHEN extract(isodow FROM day) >= 6 THEN 1.2 ELSE 1 END)::numeric, 2)
           END AS spend
    FROM ad_day
    OFFSET 0
),
traffic AS (
    SELECT *, round(spend / cpm * 1000) AS impressions FROM spent OFFSET 0
),
clicks AS (
    SELECT *, round(impressions * ctr * (0.8 + 0.4 * noise)) AS clicks FROM traffic OFFSET 0
),
sessions AS MATERIALIZED (
    SELECT *,
           round(clicks * (0.72 + 0.2 * noise)) + floor(3 * noise * quality) AS sessions
    FROM clicks
    OFFSET 0
),
rows AS (
    SELECT s.*, e.ev, e.value_factor,
           floor(s.sessions * e.rate * s.quality * (0.5 + s.events_draw)) AS events_session
    FROM (SELECT * FROM demo_events ORDER BY ev) e
    CROSS JOIN LATERAL (SELECT * FROM sessions WHERE e.ev IS NOT NULL OFFSET 0) s
    OFFSET 0
),
valued AS (
    SELECT *,
           round((events_session * CAST(:order_value AS float8) * value_factor * (0.7 + 0.6 * basket))::numeric, 2)
               AS value_session,
           floor(events_session * (0.78 + 0.22 * f30)) AS events_30
    FROM rows
    OFFSET 0
),
windows AS (
    SELECT *,
           round(value_session * (0.78 + 0.22 * f30)::numeric, 2) AS value_30,
           floor(events_30 * (0.7 + 0.3 * f7)) AS events_7
    FROM valued
    OFFSET 0
),
narrow AS (
    SELECT *,
           round(value_30 * (0.7 + 0.3 * f7)::numeric, 2) AS value_7,
           floor(events_7 * (0.45 + 0.45 * f1)) AS events_1
    FROM windows
    OFFSET 0
),
final AS (
    SELECT *,
           round(value_7 * (0.45 + 0.45 * f1)::numeric, 2) AS value_1,
           ev = 'order_completed' AS is_order
    FROM narrow
    OFFSET 0
)
SELECT campaign_name, 'paid', :channel, adset_name, ad_name, :channel, ad_id, day::text,
       sessions, round(sessions * 0.86), round(sessions * 0.55), events_session,
       CASE WHEN is_order THEN value_session END,
       CASE WHEN is_order THEN floor(events_session * 0.6) END,
       CASE WHEN is_order THEN events_session - floor(events_session * 0.6) END,
       ev, ad_id, impressions, clicks, spend, campaign_id, adset_id,
       CASE WHEN is_order THEN value_7 END, events_7, :customer,
       CASE WHEN is_order THEN round(value_session * 0.6, 2) END,
       CASE WHEN is_order THEN value_session - round(value_session * 0.6, 2) END,
       day, value_session, value_7, events_1, events_7, events_30,
       value_1, value_7, value_30,
       CASE WHEN is_order THEN value_1 END,
       CASE WHEN is_order THEN value_7 END,
       CASE WHEN is_order THEN value_30 END,
       'ACTIVE', 'ACTIVE', 'ACTIVE', round(sessions * 2.6), 1
FROM final
"""

CREATIVE_SQL = """
INSERT INTO creatives.dim_combined_creative (
    channel, ad_id, campaign_id, date, customer_name, ad_type, link, type, date_column,
    ad_copy, media_id, creative_id, copy_id
)
SELECT :channel, a.ad_id, a.campaign_id, (CAST(:start_date AS date) + d.day_index)::text, :customer,
       CASE WHEN a.is_carousel THEN 'CAROUSEL' ELSE 'NON-CAROUSEL' END,
       :link, CASE WHEN a.is_carousel THEN :carousel_types ELSE :single_type END,
       CAST(:start_date AS date) + d.day_index,
       CASE WHEN d.day_index < a.switch_day THEN a.copies_before ELSE a.copies_after END,
       NULL, NULL, NULL
FROM demo_ads a
CROSS JOIN LATERAL generate_series(a.first_day, a.last_day) AS d(day_index)
WHERE a.in_creative_table
"""


def python_list_text(items: list[str]) -> str:
    """Encode like the original tables: a Python list repr, single quotes and all."""
    return repr(items)


async def _stage(conn: AsyncConnection, ads: list[DemoAd], event_count: int) -> None:
    for statement in CREATE_STAGING.strip().split(";"):
        if statement.strip():
            await conn.execute(text(statement))
    await conn.execute(
        text(
            "INSERT INTO demo_ads VALUES (:ad_index, :ad_id, :campaign_id, :campaign_name, "
            ":adset_id, :adset_name, :ad_name, :first_day, :last_day, :in_creative_table, "
            ":is_carousel, :copies_before, :copies_after, :switch_day)"
        ),
        [
            {
                **ad.__dict__,
                "copies_before": python_list_text(ad.copies_before),
                "copies_after": python_list_text(ad.copies_after),
            }
            for ad in ads
        ],
    )
    await conn.execute(
        text(
            "INSERT INTO demo_events VALUES (:event_index, :ev, :rate, :value_factor)"
        ),
        [
            {"event_index": index, "ev": name, "rate": rate, "value_factor": factor}
            for index, (name, rate, factor) in enumerate(EVENTS[:event_count])
        ],
    )


async def generate_customer(
    conn: AsyncConnection, customer: DemoCustomer, customer_index: int, scale: DemoScale
) -> None:
    """Insert one customer's facts and creative rows, inside the caller's transaction."""
    ads = plan_ads(customer, customer_index, scale)
    await _stage(conn, ads, scale.events)
    params = {
        "customer": customer.id,
        "customer_index": customer_index,
        "seed": scale.seed,
        "start_date": scale.start_date,
        "days": scale.days,
        "channel": customer.channel,
        "order_value": customer.average_order_value,
    }
    # The per-day figures of every ad are kept in memory while each event reads them.
    await conn.execute(text("SELECT set_config('work_mem', '512MB', true)"))
    await conn.execute(text(FACTS_SQL), params)
    await conn.execute(
        text(CREATIVE_SQL),
        {
            "channel": customer.channel,
            "customer": customer.id,
            "start_date": scale.start_date,
            "link": python_list_text(["https://shop.example/products"]),
            "carousel_types": python_list_text(["image", "image", "video"]),
            "single_type": python_list_text(["image"]),
        },
    )
    await conn.execute(text("DROP TABLE demo_ads"))
    await conn.execute(text("DROP TABLE demo_events"))


def describe(scale: DemoScale) -> str:
    return json.dumps(scale.__dict__ | {"start_date": scale.start_date.isoformat()})
