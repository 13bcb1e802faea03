"""Ad copy for the demo customers: one product range per customer, several ads per copy."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCustomer:
    id: str
    name: str
    currency: str
    time_zone: str
    average_order_value: float
    channel: str
    copies: tuple[str, ...]


OUTDOOR_COPIES = (
    "Trail-ready in 5 minutes ⛺ The Ridgeline 2P tent pitches fast and packs to 1.9 kg.",
    "“Best rain shell I’ve owned” – 4,000+ reviews. Stay dry on every summit 🌧️",
    "New: merino base layers, warm at -10 °C, cool at 25 °C. Free returns, always.",
    "Your next hike starts here 🥾 20% off boots with code TRAIL20.",
    "Headlamp, 900 lumens, USB-C, 60 h battery. Night hikes, sorted 🔦",
    "Pack light, go far: the Summit 28 L daypack, only 780 g.",
    "Sleeping bags rated to -7 °C. Sleep warm, wake ready ☀️",
    "Carbon trekking poles, 3 sections, 210 g each – your knees will thank you.",
    "Hydration made simple 💧 2 L bladder, leak-proof, dishwasher safe.",
    "Gift cards for the outdoor lover in your life 🎁 Delivered instantly.",
    "Camp kitchen set: stove, pot, mugs – 1 bag, 4 people, zero fuss 🔥",
    "Family tent sale! 6-person Basecamp, now $349 (was $499).",
)

FASHION_COPIES = (
    "Neue Kollektion 🌸 Leinenkleider für den Sommer – jetzt entdecken.",
    "„Passt perfekt“ – über 2.000 Bewertungen für unsere Slim-Fit-Jeans.",
    "Nachhaltig, fair, bequem: T-Shirts aus Bio-Baumwolle ab 19,90 €.",
    "Sale bis zu 50 % 🛍️ Nur dieses Wochenende, solange der Vorrat reicht.",
    "Sneaker aus recyceltem Material – leicht, atmungsaktiv, zeitlos.",
    "Der perfekte Trenchcoat für Übergangstage ☔ Wasserabweisend, 3 Farben.",
    "Kostenloser Versand & 30 Tage Rückgabe – shoppe ohne Risiko.",
    "Wollpullover aus Merino, gestrickt in Portugal 🧶",
    "Accessoires, die jedes Outfit retten: Gürtel, Tücher, Taschen.",
    "Office-Looks, die nicht kneifen. Jetzt mit Code BUERO15 sparen.",
)

KITCHEN_COPIES = (
    "Cast iron that lasts a lifetime 🍳 Pre-seasoned, ready to cook.",
    "Chef’s knife, Japanese steel, 20 cm – sharp out of the box 🔪",
    "Bake like a pro: 5-piece non-stick set, oven safe to 230 °C.",
    "Free shipping NZ-wide on orders over $80 🚚",
    "“Our favourite pan” – Kiwi home cooks, 1,200+ ★★★★★ reviews.",
    "Meal-prep containers, glass, leak-proof lids, set of 10.",
    "Espresso at home ☕ Stovetop moka pot, 6 cups, induction ready.",
    "Cutting boards from native rimu, made in Nelson 🌿",
    "Winter sale: Dutch ovens from $129, five colours.",
    "Knife sharpening kit – whetstones 1000/6000 grit, with guide.",
    "Spice rack bundle: 24 jars, labels included, tidy pantry in 10 min.",
)

DEMO_CUSTOMERS = (
    DemoCustomer(
        "23",
        "Northwind Outdoor",
        "USD",
        "America/New_York",
        118.0,
        "facebook",
        OUTDOOR_COPIES,
    ),
    DemoCustomer(
        "41",
        "Hafen Mode GmbH",
        "EUR",
        "Europe/Berlin",
        74.0,
        "facebook",
        FASHION_COPIES,
    ),
    DemoCustomer(
        "57",
        "Kiwi Kitchenware",
        "NZD",
        "Pacific/Auckland",
        96.0,
        "google",
        KITCHEN_COPIES,
    ),
)

EVENTS = (
    # (name, conversions per session, value per conversion relative to the order value)
    ("order_completed", 0.028, 1.0),
    ("add_to_cart", 0.11, 0.55),
    ("page_view", 2.6, 0.0),
    ("signup", 0.018, 0.0),
    ("checkout_started", 0.052, 0.9),
)
