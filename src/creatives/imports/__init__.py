"""Import of ad-platform exports (Meta, Google Ads, mapped CSV) and exchange rates."""
