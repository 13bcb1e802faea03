"""Import of ad-platform exports (Meta Ads Manager, Google Ads, mapped CSV) and rates."""
