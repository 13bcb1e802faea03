"""The snippet and the demo shop pages, read once at import."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
PIXEL_JS = (STATIC_DIR / "pixel.js").read_bytes()
DEMO_SHOP_DIR = STATIC_DIR / "demo-shop"


def snippet(base_url: str, site_key: str, ad_id_param: str) -> str:
    """The two script tags a shop pastes into the <head> of every page."""
    return (
        "<script>window.creatives=window.creatives||function(){"
        "(window.creatives.q=window.creatives.q||[]).push(arguments)};</script>\n"
        f'<script async src="{base_url.rstrip("/")}/pixel.js" '
        f'data-site-key="{site_key}" data-ad-id-param="{ad_id_param}"></script>'
    )
