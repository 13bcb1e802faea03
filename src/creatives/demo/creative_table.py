"""Write a demo customer's creative table in the original system's layout.

The Meta export names one body text per ad, but a carousel ad shows several. The demo
customers moved over from the original system, whose creative table keeps every copy of
an ad as Python-list text, one row per ad and day. The demo loads that file the way
`creatives load dim_combined_creative` does, so the dashboard shows carousels whole.
"""

import csv
from datetime import timedelta
from pathlib import Path

from creatives.demo.generator import DemoAd, python_list_text
from creatives.demo.traffic import CustomerTraffic, is_imported, shop_domain
from creatives.tables import DIM_COMBINED_CREATIVE_COLUMNS

CHANNEL = "facebook"


def _flight_rows(traffic: CustomerTraffic, ad: DemoAd) -> list[dict[str, str]]:
    customer = traffic.customer
    link = python_list_text([f"https://{shop_domain(customer)}/products"])
    media = python_list_text(["image"] * len(ad.copies_after))
    rows = []
    for day_index in range(ad.first_day, ad.last_day + 1):
        day = traffic.start_date + timedelta(days=day_index)
        copies = ad.copies_before if day_index < ad.switch_day else ad.copies_after
        rows.append(
            {
                "channel": CHANNEL,
                "ad_id": ad.ad_id,
                "campaign_id": ad.campaign_id,
                "date": day.isoformat(),
                "customer_name": customer.id,
                "ad_type": "CAROUSEL" if ad.is_carousel else "NON-CAROUSEL",
                "link": link,
                "type": media,
                "date_column": day.isoformat(),
                "ad_copy": python_list_text(copies),
            }
        )
    return rows


def write_creative_table(traffic: CustomerTraffic, folder: Path) -> Path:
    """Write the rows of the customer's imported ads into `folder` and return the file's path.

    Ads of platforms that the demo does not import stay out, as in the original system.
    """
    path = folder / f"dim_combined_creative_{traffic.customer.id}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle,
            fieldnames=[name for name, _ in DIM_COMBINED_CREATIVE_COLUMNS],
            restval="",
        )
        writer.writeheader()
        for ad in traffic.ads:
            if is_imported(ad):
                writer.writerows(_flight_rows(traffic, ad))
    return path
