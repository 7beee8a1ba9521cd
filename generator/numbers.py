"""Numbers that argue a case: units spelled one way, totals that add only what adds, and
amounts written as people write them ($120,000 · 26 min · −63%).

The case sums with these rules and the themes format with them, so a total on the site,
in the dossier and in `check` always agrees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from generator.vocabulary import Reference


@dataclass(frozen=True)
class ImpactView:
    metric: str
    unit: str  # normalised: USD, %, h, min, ms, or the user's word
    per: str | None
    value: float | None
    before: float | None
    after: float | None

    @property
    def amount(self) -> float:
        """The number this impact adds to a total: the value, or the change."""
        if self.value is not None:
            return self.value
        return (self.after or 0) - (self.before or 0)

    @property
    def change_percent(self) -> float | None:
        if self.before in (None, 0) or self.after is None:
            return None
        return (self.after - self.before) / abs(self.before) * 100


@dataclass(frozen=True)
class ImpactTotal:
    metric: str
    unit: str
    per: str | None
    amount: float
    kind: str  # "sum", or "best" for units that do not add up (percentages)
    achievements: tuple[Reference, ...]


CURRENCIES = {"USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "INR", "CNY", "SEK", "NOK",
              "DKK", "PLN", "BRL", "MXN", "SGD", "HKD", "ZAR", "KRW", "CZK", "HUF", "ILS"}
UNIT_ALIASES = {
    "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
    "percent": "%", "pct": "%",
    "hour": "h", "hours": "h", "hr": "h", "hrs": "h",
    "minute": "min", "minutes": "min", "mins": "min",
    "second": "s", "seconds": "s", "sec": "s", "secs": "s",
    "millisecond": "ms", "milliseconds": "ms",
    "day": "days", "d": "days",
}


def normalise_unit(unit: str | None) -> str:
    """Spell a unit one way, so that like units sum across achievements."""
    if not unit:
        return ""
    text = unit.strip()
    lowered = text.lower()
    if text.upper() in CURRENCIES:
        return text.upper()
    return UNIT_ALIASES.get(lowered, text)


def is_currency(unit: str) -> bool:
    """Whether a unit is a currency code (USD, EUR…), which amounts put before the number."""
    return unit in CURRENCIES


NON_ADDITIVE_UNITS = {"%"}


def sum_impacts(achievements: tuple) -> tuple[ImpactTotal, ...]:
    """Totals per metric, unit and rate; money is never summed across currencies."""
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for achievement in achievements:
        for impact in achievement.impacts:
            key = (impact.metric.casefold(), impact.unit, (impact.per or "").casefold())
            groups[key].append((achievement, impact))
    totals = []
    for (_, unit, _), members in groups.items():
        first = members[0][1]
        if unit in NON_ADDITIVE_UNITS:
            amount, kind = max((i.amount for _, i in members), key=abs), "best"
        else:
            amount, kind = sum(i.amount for _, i in members), "sum"
        references = tuple(dict.fromkeys(Reference("achievements", a.id, a.title) for a, _ in members))
        totals.append(ImpactTotal(first.metric, unit, first.per, amount, kind, references))

    def rank(total: ImpactTotal) -> tuple:
        family = 0 if is_currency(total.unit) else 1 if total.unit in ("h", "min", "days") else 2
        return (family, -len(total.achievements), -abs(total.amount), total.metric.casefold(), total.unit)

    return tuple(sorted(totals, key=rank))



CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def format_number(value: float | None) -> str:
    """Thousands separated, at most two decimals, a real minus sign: 1,200 · 99.95 · −26."""
    if value is None:
        return ""
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def format_amount(value: float, unit: str = "", signed: bool = False) -> str:
    """A number with its unit as people write it: $120,000 · 26 min · 63%."""
    sign = ""
    if signed and value > 0:
        sign = "+"
    elif value < 0:
        sign = "−"
    magnitude = format_number(abs(value))
    if unit in CURRENCY_SYMBOLS:
        return f"{sign}{CURRENCY_SYMBOLS[unit]}{magnitude}"
    if is_currency(unit):
        return f"{sign}{magnitude} {unit}"
    if unit == "%":
        return f"{sign}{magnitude}%"
    return f"{sign}{magnitude} {unit}".rstrip()


def format_compact(value: float, unit: str = "") -> str:
    """A headline number: $1.2M, $120k, 14k h, 63%."""
    size = abs(value)
    for limit, scale, suffix in ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if size >= limit:
            text = f"{size / scale:.1f}".rstrip("0").rstrip(".") + suffix
            sign = "−" if value < 0 else ""
            if unit in CURRENCY_SYMBOLS:
                return f"{sign}{CURRENCY_SYMBOLS[unit]}{text}"
            if unit == "%":
                return f"{sign}{text}%"
            return f"{sign}{text} {unit}".rstrip()
    return format_amount(value, unit)


def format_percent(value: float | None) -> str:
    """A share as a percentage, signed, with a real minus: +12%, −63%."""
    if value is None:
        return ""
    return f"{value:+.0f}%".replace("-", "−")


def format_change(impact: ImpactView) -> str:
    """The change of a before/after impact: −26 min (−63%), or +0.45 pp for percentages."""
    if impact.unit == "%":
        return format_amount(impact.amount, "", signed=True) + " pp"
    change = format_percent(impact.change_percent)
    text = format_amount(impact.amount, impact.unit, signed=True)
    return f"{text} ({change})" if change else text


def format_impact(impact: ImpactView) -> str:
    """One impact in words: 41 → 15 min (−63%), or $120,000 per year."""
    per = f" per {impact.per}" if impact.per else ""
    if impact.value is not None:
        return format_amount(impact.value, impact.unit) + per
    unit = impact.unit
    if unit in CURRENCY_SYMBOLS or unit == "%":
        before = format_amount(impact.before, unit)
    else:
        before = format_number(impact.before)
    text = f"{before} → {format_amount(impact.after, unit)}{per}"
    if unit == "%":
        return f"{text} ({format_change(impact)})"
    change = format_percent(impact.change_percent)
    return f"{text} ({change})" if change else text


def format_total(total: ImpactTotal) -> str:
    """A total across achievements as a headline: $120k/year, up to 63%."""
    per = f"/{total.per}" if total.per else ""
    if total.kind == "best":
        return "up to " + format_compact(total.amount, total.unit) + per
    return format_compact(total.amount, total.unit) + per
