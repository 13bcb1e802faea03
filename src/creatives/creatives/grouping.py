"""Keep `creative` and `ad_creative` in step with the creative dimension and the facts.

Each ad maps to its latest copy for the customer; ads with equal normalised copy form one
creative. Keeping this out of the metrics query means the query never joins the daily
dimension, so an ad's facts cannot be multiplied by its number of dimension rows.
"""

import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.creatives.adcopy import (
    creative_id_for_ad,
    creative_id_for_copies,
    display_text,
    parse_copies,
)
from creatives.database import analyze_after_write
from creatives.imports.dashboard import IMPORT_MARKER
from creatives.logging import get_logger

log = get_logger(__name__)

# On the same day, a row of a creative source wins over the row an ad platform import
# derived from the export's body text or ad name, which lacks a carousel's other copies.
LATEST_COPY_PER_AD = text(
    f"""
    SELECT DISTINCT ON (ad_id) ad_id, ad_copy
    FROM creatives.dim_combined_creative
    WHERE customer_name = :customer AND ad_id IS NOT NULL
    ORDER BY ad_id, date_column DESC NULLS LAST, date DESC NULLS LAST,
             ad_type IS NOT DISTINCT FROM '{IMPORT_MARKER}', channel
    """
)

ADS_IN_FACTS = text(
    """
    SELECT DISTINCT ad_id FROM creatives.pixel_event_integrated_data
    WHERE customer_name = :customer
    """
)


@dataclass(frozen=True)
class CreativeRow:
    creative_id: str
    ad_copy: str | None
    ad_copies: list[str]


def assign_creatives(
    latest_copies: dict[str, str | None], fact_ad_ids: set[str | None]
) -> tuple[dict[str, CreativeRow], dict[str, str]]:
    """Map every ad to a creative: by copy when it has one, else a creative of its own."""
    creatives: dict[str, CreativeRow] = {}
    ad_to_creative: dict[str, str] = {}
    for ad_id, raw in latest_copies.items():
        copies = parse_copies(raw)
        creative_id = (
            creative_id_for_copies(copies) if copies else creative_id_for_ad(ad_id)
        )
        creatives.setdefault(
            creative_id, CreativeRow(creative_id, display_text(copies), copies)
        )
        ad_to_creative[ad_id] = creative_id
    for fact_ad_id in fact_ad_ids:
        key = fact_ad_id or ""
        if key not in ad_to_creative:
            creative_id = creative_id_for_ad(fact_ad_id)
            creatives.setdefault(creative_id, CreativeRow(creative_id, None, []))
            ad_to_creative[key] = creative_id
    return creatives, ad_to_creative


async def refresh_customer(conn: AsyncConnection, customer: str) -> int:
    """Rebuild the grouping of one customer inside the caller's transaction."""
    latest = {
        row.ad_id: row.ad_copy
        for row in await conn.execute(LATEST_COPY_PER_AD, {"customer": customer})
    }
    fact_ads = {
        row.ad_id for row in await conn.execute(ADS_IN_FACTS, {"customer": customer})
    }
    creatives, ad_to_creative = assign_creatives(latest, fact_ads)

    await conn.execute(
        text("DELETE FROM creatives.ad_creative WHERE customer_name = :customer"),
        {"customer": customer},
    )
    await conn.execute(
        text("DELETE FROM creatives.creative WHERE customer_name = :customer"),
        {"customer": customer},
    )
    if creatives:
        await conn.execute(
            text(
                "INSERT INTO creatives.creative (customer_name, creative_id, ad_copy, ad_copies) "
                "VALUES (:customer, :creative_id, :ad_copy, CAST(:ad_copies AS jsonb))"
            ),
            [
                {
                    "customer": customer,
                    "creative_id": row.creative_id,
                    "ad_copy": row.ad_copy,
                    "ad_copies": json.dumps(row.ad_copies, ensure_ascii=False),
                }
                for row in creatives.values()
            ],
        )
        await conn.execute(
            text(
                "INSERT INTO creatives.ad_creative (customer_name, ad_id, creative_id) "
                "VALUES (:customer, :ad_id, :creative_id)"
            ),
            [
                {"customer": customer, "ad_id": ad_id, "creative_id": creative_id}
                for ad_id, creative_id in ad_to_creative.items()
            ],
        )
        await analyze_after_write(conn, "creatives.creative", len(creatives))
        await analyze_after_write(conn, "creatives.ad_creative", len(ad_to_creative))
    log.info(
        "creatives_refreshed",
        customer_id=customer,
        creatives=len(creatives),
        ads=len(ad_to_creative),
    )
    return len(creatives)
