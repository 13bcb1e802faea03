"""Write a demo customer's ad performance as a Meta Ads Manager daily export."""

import csv
from datetime import date
from pathlib import Path

from creatives.demo.traffic import AdDay, CustomerTraffic

# The columns of Ads Manager's "Export table data" with a breakdown by day.
HEADER = (
    "Day",
    "Campaign name",
    "Campaign ID",
    "Ad set name",
    "Ad set ID",
    "Ad name",
    "Ad ID",
    "Body",
    "Amount spent ({currency})",
    "Impressions",
    "Reach",
    "Link clicks",
    "Purchases",
    "Purchases conversion value",
)


def export_file_name(traffic: CustomerTraffic) -> str:
    """Name the file as Ads Manager does: account, then the reporting range."""

    def label(day: date) -> str:
        return f"{day:%b}-{day.day}-{day.year}"

    account = "-".join(traffic.customer.name.split())
    return f"{account}-Ads-{label(traffic.start_date)}-{label(traffic.end_date)}.csv"


def _row(row: AdDay) -> list[str]:
    ad = row.ad
    # Ads Manager leaves a metric empty (not 0) when nothing happened.
    purchases = str(row.purchases) if row.purchases else ""
    value = str(row.purchase_value) if row.purchases else ""
    return [
        row.day.isoformat(),
        ad.campaign_name,
        ad.campaign_id,
        ad.adset_name,
        ad.adset_id,
        ad.ad_name,
        ad.ad_id,
        row.copy,
        str(row.spend),
        str(row.impressions),
        str(row.reach),
        str(row.clicks),
        purchases,
        value,
    ]


def write_meta_export(traffic: CustomerTraffic, folder: Path) -> Path:
    """Write the export into `folder` and return its path."""
    path = folder / export_file_name(traffic)
    header = [name.format(currency=traffic.customer.currency) for name in HEADER]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(_row(row) for row in traffic.ad_days)
    return path
