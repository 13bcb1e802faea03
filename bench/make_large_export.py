"""Write a large Meta-style daily export, for measuring the importer's memory.

Usage: python bench/make_large_export.py OUT.csv --megabytes 1024

Each row is one ad on one day (ads x days, ads first), with a long ad copy so that
rows are of realistic width. The figures follow a fixed formula, so the file's sums
are reproducible.
"""

import argparse
import csv
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "Day",
    "Ad ID",
    "Ad name",
    "Ad set name",
    "Campaign name",
    "Body",
    "Amount spent (EUR)",
    "Impressions",
    "Reach",
    "Link clicks",
    "Purchases",
    "Purchases conversion value",
]
FIRST_DAY = date(2015, 1, 1)
ADS = 2000


def write_export(path: Path, megabytes: int) -> int:
    limit = megabytes * 1024 * 1024
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        day_index = 0
        while handle.tell() < limit:
            day = FIRST_DAY + timedelta(days=day_index)
            for ad in range(ADS):
                cents = (ad * 37 + day_index * 11) % 50000
                writer.writerow(
                    [
                        day.isoformat(),
                        f"2385{ad:010d}",
                        f"Ad {ad} 🍕",
                        f"Set {ad % 40}",
                        f"Campaign {ad % 7}",
                        f'Copy of ad {ad}: "fresh", hot\nand fast, since 1998.',
                        f"{cents // 100}.{cents % 100:02d}",
                        1000 + ad,
                        800 + ad,
                        ad % 50,
                        ad % 3,
                        f"{(ad % 3) * 25}.50",
                    ]
                )
                rows += 1
            day_index += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--megabytes", type=int, default=1024)
    args = parser.parse_args()
    rows = write_export(args.out, args.megabytes)
    print(f"wrote {rows} rows to {args.out}")


if __name__ == "__main__":
    main()
