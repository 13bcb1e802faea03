from decimal import Decimal

from creatives.creatives.metrics import Sums, compute_ratios


def test_ctr_is_fraction_not_integer_division() -> None:
    ratios = compute_ratios(Sums(clicks=Decimal(30), impressions=Decimal(900)))

    assert ratios.ctr is not None
    assert round(ratios.ctr, 4) == Decimal("0.0333")


def test_roas_is_revenue_over_spend() -> None:
    ratios = compute_ratios(Sums(spend=Decimal("400"), revenue=Decimal("1300")))

    assert ratios.roas == Decimal("3.25")


def test_ratios_undefined_at_zero_denominator() -> None:
    ratios = compute_ratios(Sums(revenue=Decimal("50")))

    assert ratios.roas is None
    assert ratios.ctr is None
    assert ratios.cpc is None
    assert ratios.cpm is None
    assert ratios.cpa is None
    assert ratios.conversion_rate is None


def test_cpm_cpc_cpa_from_sums() -> None:
    sums = Sums(
        spend=Decimal("50"),
        clicks=Decimal(20),
        impressions=Decimal(10000),
        conversions=Decimal(4),
        sessions=Decimal(16),
    )

    ratios = compute_ratios(sums)

    assert ratios.cpm == Decimal("5")
    assert ratios.cpc == Decimal("2.5")
    assert ratios.cpa == Decimal("12.5")
    assert ratios.conversion_rate == Decimal("0.25")


def test_ratio_of_sums_differs_from_mean_of_ratios() -> None:
    first = Sums(spend=Decimal(100), revenue=Decimal(100))
    second = Sums(spend=Decimal(1), revenue=Decimal(9))
    total = Sums()
    total.add(first)
    total.add(second)

    assert compute_ratios(total).roas == Decimal("1.0792")


def test_empty_sums_revenue_zero() -> None:
    empty = Sums.empty()

    assert empty.revenue == Decimal(0)
    assert compute_ratios(empty).roas is None
    assert compute_ratios(empty).cpa is None


def test_sums_without_values_stay_none() -> None:
    total = Sums.empty()
    total.add(Sums(spend=Decimal("10"), revenue=None))
    total.add(Sums.empty())
    total.add(Sums(spend=Decimal("5"), revenue=None))

    assert total.spend == Decimal("15")
    assert total.revenue is None


def test_sums_mixed_values_add() -> None:
    total = Sums.empty()
    total.add(Sums(spend=Decimal("10"), revenue=None))
    total.add(Sums(spend=Decimal("5"), revenue=Decimal("7.5")))

    assert total.revenue == Decimal("7.5")
    assert compute_ratios(total).roas == Decimal("0.5000")
