"""Metric definitions. Every ratio is a ratio of sums, computed in Decimal."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal(0)
RATIO_PLACES = Decimal("0.0001")
FRACTION_PLACES = Decimal("0.000001")


class Attribution(StrEnum):
    """Attribution window: selects the revenue and conversion columns the metrics read."""

    DAY_1 = "1d"
    DAY_7 = "7d"
    DAY_30 = "30d"
    SESSION = "session"


# (conversions column, revenue column) per attribution window. "session" is the original
# system's figure: events in sessions that came from the ad, with no attribution window.
ATTRIBUTION_COLUMNS: dict[Attribution, tuple[str, str]] = {
    Attribution.DAY_1: ("number_of_events_attr_window_1", "event_value_attr_window_1"),
    Attribution.DAY_7: ("number_of_events_attr_window_7", "event_value_attr_window_7"),
    Attribution.DAY_30: (
        "number_of_events_attr_window_30",
        "event_value_attr_window_30",
    ),
    Attribution.SESSION: ("number_of_events", "event_value"),
}

ATTRIBUTION_LABELS: dict[Attribution, str] = {
    Attribution.DAY_1: "1-day attribution window",
    Attribution.DAY_7: "7-day attribution window",
    Attribution.DAY_30: "30-day attribution window",
    Attribution.SESSION: "Same session (not attributed)",
}


def add_optional(left: Decimal | None, right: Decimal | None) -> Decimal | None:
    """Add two sums that may be missing. The result is missing only when both are."""
    if left is None:
        return right
    if right is None:
        return left
    return left + right


@dataclass
class Sums:
    """Additive figures; everything else derives from them.

    A sum over no rows (`Sums.empty()`) is 0 throughout, revenue included. `revenue` is
    None only when rows were summed but none carried a conversion value (an ad-platform
    export with empty value cells), which is not the same as a value of 0.
    """

    spend: Decimal = ZERO
    clicks: Decimal = ZERO
    impressions: Decimal = ZERO
    sessions: Decimal = ZERO
    conversions: Decimal = ZERO
    revenue: Decimal | None = ZERO
    has_rows: bool = True

    @classmethod
    def empty(cls) -> "Sums":
        """Return the sum over no rows, the start of an accumulation with `add`."""
        return cls(has_rows=False)

    def add(self, other: "Sums") -> None:
        if not other.has_rows:
            return
        self.spend += other.spend
        self.clicks += other.clicks
        self.impressions += other.impressions
        self.sessions += other.sessions
        self.conversions += other.conversions
        if self.has_rows:
            self.revenue = add_optional(self.revenue, other.revenue)
        else:
            self.revenue = other.revenue
        self.has_rows = True


def ratio(
    numerator: Decimal | None, denominator: Decimal, places: Decimal
) -> Decimal | None:
    """Divide, or return None when the numerator is missing or the denominator is zero."""
    if numerator is None or denominator == 0:
        return None
    return (numerator / denominator).quantize(places, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ratios:
    roas: Decimal | None
    ctr: Decimal | None
    cpc: Decimal | None
    cpm: Decimal | None
    cpa: Decimal | None
    conversion_rate: Decimal | None


def compute_ratios(sums: Sums) -> Ratios:
    """ROAS = revenue / spend (3.25 means 3.25x); CPM is spend per 1,000 impressions."""
    return Ratios(
        roas=ratio(sums.revenue, sums.spend, RATIO_PLACES),
        ctr=ratio(sums.clicks, sums.impressions, FRACTION_PLACES),
        cpc=ratio(sums.spend, sums.clicks, RATIO_PLACES),
        cpm=ratio(sums.spend * 1000, sums.impressions, RATIO_PLACES),
        cpa=ratio(sums.spend, sums.conversions, RATIO_PLACES),
        conversion_rate=ratio(sums.conversions, sums.sessions, FRACTION_PLACES),
    )


@dataclass
class CreativeMetrics:
    id: str
    ad_copy: str | None
    ad_copies: list[str]
    ad_ids: list[str] = field(default_factory=list)
    sums: Sums = field(default_factory=Sums)
