"""A deterministic simulation of one demo shop: what its ads cost and what its visitors did.

The simulation decides, per ad and day, the spend, impressions and clicks an ad platform
would report, and, per click, the visit the shop's pixel would see: page views whose
landing URL carries the ad id, add-to-carts, sign-ups and purchases. Some purchases happen
in the ad's session, some days later in a direct visit, and some come from visitors who
never clicked an ad. Nothing here touches the database: the export file and the events go
through the importer and the collector like real data, and tests can run the same
simulation again to recompute the figures on their own.
"""

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from creatives.demo.copies import DemoCustomer
from creatives.demo.generator import DemoAd, DemoScale, plan_ads

PURCHASE_EVENT = "order_completed"
CENTS = Decimal("0.01")

BROWSERS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
)
# Headless browsers run the snippet too; the collector tags them and attribution skips them.
BOT_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.0.0 Safari/537.36"
)
PLATFORM_REFERRERS = {
    "facebook": "https://l.facebook.com/",
    "tiktok": "https://www.tiktok.com/",
}
PAGES = ("/", "/collections/new", "/collections/sale", "/pages/shipping", "/cart")
ORGANIC_REFERRERS = (None, "https://www.google.com/", "https://duckduckgo.com/")
# Visits per hour of the local day, midnight first: quiet nights, an evening peak.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 7, 7, 6, 6, 6, 7, 8, 9, 9, 8, 5, 3)
# Amounts in currencies with a small unit are larger numbers for the same purchase.
CURRENCY_SCALE = {"JPY": 150}
WHOLE_UNITS = frozenset({"JPY"})

# Behaviour of a paid visit; each rate is multiplied by the ad's quality.
LANDING_RATE = (0.7, 0.9)
SAME_SESSION_PURCHASE = 0.014
LATER_PURCHASE = 0.011
ADD_TO_CART = 0.1
SIGNUP = 0.015
RETURNING_CLICKER = 0.12
BOT_SESSIONS = 0.01
# Organic visitors per paid session, and their purchase rate: the unattributed sales.
ORGANIC_SHARE = 0.25
ORGANIC_PURCHASE = 0.03


def shop_domain(customer: DemoCustomer) -> str:
    return "shop-" + customer.name.split()[0].lower() + ".example"


def is_imported(ad: DemoAd) -> bool:
    """Tell whether the ad runs on Meta, whose export the demo imports.

    The ads missing from the creative table run on TikTok instead: the customer has not
    imported that platform, so the dashboard shows their visits and sales from the pixel
    but neither their spend nor their copy.
    """
    return ad.in_creative_table


@dataclass(frozen=True)
class AdDay:
    """One row of the ad platform's daily export."""

    ad: DemoAd
    day: date
    copy: str
    spend: Decimal
    impressions: int
    reach: int
    clicks: int
    purchases: int = 0
    purchase_value: Decimal = Decimal(0)


@dataclass(frozen=True)
class TimedEvent:
    """An event as the browser sends it, with the time the server receives it."""

    received_at: datetime
    user_agent: str
    raw: dict[str, object]


@dataclass(frozen=True)
class AdProfile:
    budget: float
    cpm: float
    ctr: float
    quality: float
    landing_rate: float


@dataclass
class Visitor:
    client_id: str
    user_agent: str


@dataclass
class CustomerTraffic:
    """The inputs of one demo customer: export rows and pixel events."""

    customer: DemoCustomer
    start_date: date
    end_date: date
    ads: list[DemoAd] = field(default_factory=list)
    ad_days: list[AdDay] = field(default_factory=list)
    events: list[TimedEvent] = field(default_factory=list)


class ShopSimulation:
    """Simulation of one customer's ads and shop visits, drawn from one seeded random stream."""

    def __init__(
        self, customer: DemoCustomer, customer_index: int, scale: DemoScale
    ) -> None:
        self.customer = customer
        self.customer_index = customer_index
        self.scale = scale
        self.rng = random.Random(f"{scale.seed}:{customer.id}:traffic")
        self.zone = ZoneInfo(customer.time_zone)
        self.money_scale = CURRENCY_SCALE.get(customer.currency, 1)
        self.unit = Decimal(1) if customer.currency in WHOLE_UNITS else CENTS
        self.domain = shop_domain(customer)
        self.visitors: list[Visitor] = []
        self.orders = 0
        end = scale.start_date + timedelta(days=scale.days)
        self.ends_before = datetime.combine(end, time.min, tzinfo=self.zone)
        self.traffic = CustomerTraffic(
            customer, scale.start_date, end - timedelta(days=1)
        )
        # Platform-reported purchases per ad and click day, from the visits they led to.
        self.platform_orders: Counter[tuple[str, date]] = Counter()
        self.platform_value: dict[tuple[str, date], Decimal] = {}

    # -- ids and times -----------------------------------------------------------------

    def random_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _moment(self, day: date) -> datetime:
        hour = self.rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        local = datetime.combine(day, time(hour), tzinfo=self.zone)
        # Servers keep their clocks in UTC; the local day only chooses the hour.
        return (local + timedelta(seconds=self.rng.randrange(3600))).astimezone(UTC)

    def _money(self, amount: float) -> Decimal:
        return Decimal(str(amount * self.money_scale)).quantize(self.unit)

    def _order_value(self) -> Decimal:
        factor = self.rng.lognormvariate(0, 0.35)
        return self._money(self.customer.average_order_value * factor)

    # -- visitors and sessions ---------------------------------------------------------

    def _new_visitor(self) -> Visitor:
        agent = self.rng.choice(BROWSERS)
        if self.rng.random() < BOT_SESSIONS:
            agent = BOT_AGENT
        visitor = Visitor(self.random_uuid(), agent)
        self.visitors.append(visitor)
        return visitor

    def _clicking_visitor(self) -> Visitor:
        if self.visitors and self.rng.random() < RETURNING_CLICKER:
            return self.rng.choice(self.visitors)
        return self._new_visitor()

    def _ad_parameters(self, ad: DemoAd) -> dict[str, str]:
        """Return the query parameters that the ad platform appends to the landing URL."""
        if is_imported(ad):
            return {
                "utm_source": "facebook",
                "utm_medium": "paid_social",
                "ad_id": ad.ad_id,
            }
        return {
            "utm_source": "tiktok",
            "utm_medium": "paid_social",
            "ad_id": ad.ad_id,
            "ttclid": self.random_uuid().replace("-", ""),
        }

    def _landing_url(self, ad: DemoAd, parameters: dict[str, str]) -> str:
        query = "&".join(f"{name}={value}" for name, value in parameters.items())
        return f"https://{self.domain}/products/item-{ad.ad_index % 7 + 1}?{query}"

    def _purchase(self, session: "SessionWriter") -> Decimal:
        self.orders += 1
        value = self._order_value()
        prefix = self.customer.name[:2].upper()
        session.checkout(value, f"{prefix}-{100000 + self.orders}")
        return value

    def _paid_visit(self, ad: DemoAd, day: date, profile: AdProfile) -> None:
        visitor = self._clicking_visitor()
        started = self._moment(day)
        parameters = self._ad_parameters(ad)
        session = SessionWriter(
            self,
            visitor,
            started,
            self._landing_url(ad, parameters),
            PLATFORM_REFERRERS[parameters["utm_source"]],
            # The snippet sends the landing URL's UTM values, click id and ad id.
            parameters,
        )
        session.browse(1 + min(5, int(self.rng.expovariate(0.9))))
        if visitor.user_agent == BOT_AGENT:
            # Crawlers that follow ad links look around but never buy.
            return
        if self.rng.random() < SIGNUP:
            session.event("signup")
        if self.rng.random() < SAME_SESSION_PURCHASE * profile.quality:
            self._credit_platform(ad, day, self._purchase(session))
        elif self.rng.random() < ADD_TO_CART * profile.quality:
            session.add_to_cart(self._order_value())
        if self.rng.random() < LATER_PURCHASE * profile.quality:
            later = session.last + self._return_delay()
            value = self._direct_purchase(visitor, later)
            if value is not None and later - started <= timedelta(days=7):
                self._credit_platform(ad, day, value)

    def _return_delay(self) -> timedelta:
        """Draw how long after the click a buyer comes back: mostly days, sometimes weeks."""
        draw = self.rng.random()
        if draw < 0.35:
            hours = self.rng.uniform(1, 24)
        elif draw < 0.75:
            hours = 24 * self.rng.uniform(1, 7)
        elif draw < 0.93:
            hours = 24 * self.rng.uniform(7, 30)
        else:
            hours = 24 * self.rng.uniform(30, 45)
        return timedelta(seconds=round(hours * 3600))

    def _direct_purchase(self, visitor: Visitor, started: datetime) -> Decimal | None:
        """Add a direct visit that ends with an order; return its value, or None past the end."""
        if started >= self.ends_before:
            return None
        session = SessionWriter(
            self, visitor, started, f"https://{self.domain}/", None, {}
        )
        session.browse(self.rng.randint(1, 4))
        return self._purchase(session)

    def _organic_visit(self, day: date) -> None:
        visitor = self._new_visitor()
        referrer = self.rng.choice(ORGANIC_REFERRERS)
        session = SessionWriter(
            self, visitor, self._moment(day), f"https://{self.domain}/", referrer, {}
        )
        session.browse(self.rng.randint(1, 5))
        if self.rng.random() < ORGANIC_PURCHASE:
            self._purchase(session)

    def _credit_platform(self, ad: DemoAd, day: date, value: Decimal) -> None:
        if not is_imported(ad):
            return
        key = (ad.ad_id, day)
        self.platform_orders[key] += 1
        self.platform_value[key] = self.platform_value.get(key, Decimal(0)) + value

    # -- ads ---------------------------------------------------------------------------

    def _profile(self) -> AdProfile:
        draw = self.rng.random
        return AdProfile(
            budget=2 + 22 * draw() ** 2,
            cpm=6 + 14 * draw(),
            ctr=0.005 + 0.015 * draw(),
            # A skewed quality gives a few clear winners and some ads that lose money.
            quality=0.2 + 1.8 * draw() ** 1.5,
            landing_rate=self.rng.uniform(*LANDING_RATE),
        )

    def _ad_day(self, ad: DemoAd, profile: AdProfile, day_index: int) -> AdDay:
        day = self.scale.start_date + timedelta(days=day_index)
        copies = ad.copies_before if day_index < ad.switch_day else ad.copies_after
        if self.rng.random() < 0.05:
            # A paused day: the platform still lists the ad, with nothing spent.
            return AdDay(ad, day, copies[0], Decimal(0), 0, 0, 0)
        weekend = 1.15 if day.isoweekday() >= 6 else 1.0
        spend = self._money(profile.budget * self.rng.uniform(0.6, 1.4) * weekend)
        impressions = round(float(spend) / self.money_scale / profile.cpm * 1000)
        clicks = round(impressions * profile.ctr * self.rng.uniform(0.8, 1.2))
        reach = round(impressions / self.rng.uniform(1.1, 1.6))
        return AdDay(ad, day, copies[0], spend, impressions, reach, clicks)

    def simulate(self) -> CustomerTraffic:
        ads = plan_ads(self.customer, self.customer_index, self.scale)
        self.traffic.ads = ads
        rows: list[AdDay] = []
        paid_sessions = 0
        for ad in ads:
            profile = self._profile()
            for day_index in range(ad.first_day, ad.last_day + 1):
                row = self._ad_day(ad, profile, day_index)
                rows.append(row)
                for _ in range(row.clicks):
                    if self.rng.random() < profile.landing_rate:
                        self._paid_visit(ad, row.day, profile)
                        paid_sessions += 1
        organic_per_day = ORGANIC_SHARE * paid_sessions / self.scale.days
        for day_index in range(self.scale.days):
            day = self.scale.start_date + timedelta(days=day_index)
            for _ in range(round(organic_per_day * self.rng.uniform(0.7, 1.3))):
                self._organic_visit(day)
        self.traffic.ad_days = [
            self._with_platform_orders(row) for row in rows if is_imported(row.ad)
        ]
        self.traffic.events.sort(key=lambda event: event.received_at)
        return self.traffic

    def _with_platform_orders(self, row: AdDay) -> AdDay:
        """Add the purchases the platform reports: its own count, with view-through extra."""
        key = (row.ad.ad_id, row.day)
        orders = self.platform_orders.get(key, 0)
        if not orders:
            return row
        extra = self.rng.uniform(1.0, 1.3)
        return AdDay(
            row.ad,
            row.day,
            row.copy,
            row.spend,
            row.impressions,
            row.reach,
            row.clicks,
            purchases=round(orders * extra),
            purchase_value=(self.platform_value[key] * Decimal(str(extra))).quantize(
                CENTS
            ),
        )


class SessionWriter:
    """Writer of one session's events, each a little after the previous one."""

    def __init__(
        self,
        simulation: ShopSimulation,
        visitor: Visitor,
        started: datetime,
        landing: str,
        referrer: str | None,
        attribution: dict[str, str],
    ) -> None:
        self.simulation = simulation
        self.visitor = visitor
        self.session_id = simulation.random_uuid()
        self.last = started
        self.url = landing
        self.referrer = referrer
        self.attribution = attribution
        self.sent = 0

    def event(self, name: str, **fields: object) -> None:
        simulation = self.simulation
        if self.sent:
            self.last += timedelta(seconds=simulation.rng.randint(8, 240))
        if self.last >= simulation.ends_before:
            return
        raw: dict[str, object] = {
            "event_id": simulation.random_uuid(),
            "event_name": name,
            "client_id": self.visitor.client_id,
            "session_id": self.session_id,
            "url": self.url,
            "referrer": self.referrer,
            # The browser's clock runs a little behind the server's receive time.
            "client_time": (
                self.last - timedelta(milliseconds=simulation.rng.randint(40, 900))
            ).isoformat(),
            **self.attribution,
            **fields,
        }
        simulation.traffic.events.append(
            TimedEvent(self.last, self.visitor.user_agent, raw)
        )
        self.sent += 1

    def browse(self, pages: int) -> None:
        for _ in range(pages):
            self.event("page_view")
            # Later pages are reached by clicking around; the landing URL is the first one.
            self.referrer = self.url
            path = self.simulation.rng.choice(PAGES)
            self.url = f"https://{self.simulation.domain}{path}"

    def add_to_cart(self, value: Decimal) -> None:
        self.event("add_to_cart", value=str(value), properties={"quantity": 1})

    def checkout(self, value: Decimal, order_id: str) -> None:
        currency = self.simulation.customer.currency
        self.add_to_cart(value)
        self.event("checkout_started", value=str(value), currency=currency)
        self.url = f"https://{self.simulation.domain}/checkout/thank-you"
        self.event(
            PURCHASE_EVENT,
            value=str(value),
            currency=currency,
            order_id=order_id,
            properties={"items": self.simulation.rng.randint(1, 3)},
        )


def simulate_customer(
    customer: DemoCustomer, customer_index: int, scale: DemoScale
) -> CustomerTraffic:
    """Return the export rows and pixel events of one demo customer (same seed, same data)."""
    return ShopSimulation(customer, customer_index, scale).simulate()
