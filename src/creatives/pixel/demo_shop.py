"""A small demo shop that embeds pixel.js, for trying the pixel in a real browser.

Served under /demo-shop/ when PIXEL_DEMO_SITE_KEY names a site key; the pages are static
HTML with the snippet filled in.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from creatives.errors import NotFoundError
from creatives.pixel.static_files import DEMO_SHOP_DIR, snippet

router = APIRouter(include_in_schema=False)
PAGES = {
    "": "index.html",
    "index.html": "index.html",
    "product.html": "product.html",
    "checkout.html": "checkout.html",
    "thank-you.html": "thank-you.html",
}


@router.get("/demo-shop/{page:path}")
async def demo_shop_page(page: str, request: Request) -> HTMLResponse:
    site_key: str | None = request.app.state.settings.pixel_demo_site_key
    if not site_key:
        raise NotFoundError(
            "The demo shop is off. Set PIXEL_DEMO_SITE_KEY to a site key from "
            "`creatives customers pixel ID` and restart."
        )
    if page not in PAGES:
        raise NotFoundError(f"The demo shop has no page {page!r}.")
    html = (DEMO_SHOP_DIR / PAGES[page]).read_text(encoding="utf-8")
    base_url = str(request.base_url)
    tag = snippet(base_url, site_key, request.app.state.settings.pixel_demo_ad_id_param)
    return HTMLResponse(html.replace("<!-- creatives-snippet -->", tag))
