#!/usr/bin/env python3
"""Deterministic synthetic sales / items / inventory data for the replenishment benchmark.

Writes into --out (created if needed):

  sales.csv           date,sku,channel,units   one row per (date, sku, channel) with units != 0,
                                                sorted by date, sku, channel; ~0.5% net returns
  sales_next_day.csv  the day after the last one (same header, same rules): the
                      "append one day" scenario is sales.csv + these rows
  items.csv           sku,moq,case_pack,lead_time_days,lead_time_sd_days,unit_cost,
                      below_moq_surcharge_pct,holding_cost_pct_per_year   (one row per SKU)
  inventory.csv       sku,on_hand,on_order     (a few SKUs have no row: they count as 0)
  manifest.json       the arguments, row counts and the planted patterns

Demand model, per (sku, channel) series and day d:

  mean = base(sku) * weight(channel) * carry(sku, channel) * scale(sku, channel)
         * weekday(channel, d) * season(sku, d) * life(sku, d) * trend(sku, d)
  units ~ Poisson(mean * Gamma(shape, 1/shape))     (over-dispersed counts)

  base      lognormal, median --rate-median, log-sd --rate-sigma
  carry     a SKU is sold in a channel with probability --carry (at least one channel)
  weekday   a per-channel day-of-week profile (stores peak at weekends, B2B sells on weekdays)
  season    a slow log-linear drift plus a mild yearly wave, both per SKU
  life      new SKUs launch during the period (10-day ramp; a few only after the last day),
            discontinued SKUs stop selling during the period
  trend     trending SKUs move to x1.7..3.0 or x0.1..0.5 over the last weeks, so their
            recent velocity departs from the prior one and the exception flags fire

A fraction --return-frac of the non-zero cells become net returns (-1..-5 units).

Determinism: one numpy Generator seeded with --seed, drawn in a fixed order (days are
drawn in fixed blocks), so the same arguments and numpy version give identical files.

Sizes used by the benchmark:  S = --skus 1000 --channels 3 --days 120,
M = --skus 10000 --channels 4 --days 180,  L = --skus 50000 --channels 4 --days 365.
"""
import argparse
import datetime as dt
import json
import os
import sys
import time

import numpy as np

# name, relative volume, Monday..Sunday profile (normalised to mean 1)
CHANNELS = [
    ("web",         1.00, (0.97, 0.94, 0.96, 1.00, 1.04, 1.08, 1.12)),
    ("store",       1.35, (0.78, 0.82, 0.86, 0.92, 1.12, 1.42, 1.28)),
    ("wholesale",   0.75, (1.32, 1.30, 1.28, 1.30, 1.25, 0.30, 0.20)),
    ("marketplace", 0.65, (1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00)),
    ("app",         0.50, (0.88, 0.90, 0.92, 0.95, 1.05, 1.22, 1.30)),
    ("b2b",         0.55, (1.38, 1.36, 1.34, 1.34, 1.30, 0.15, 0.10)),
    ("export",      0.40, (1.20, 1.22, 1.20, 1.18, 1.20, 0.50, 0.50)),
    ("outlet",      0.30, (0.70, 0.72, 0.80, 0.88, 1.10, 1.50, 1.30)),
]

BLOCK_DAYS = 8          # days drawn per block: fixed, so the random stream never depends on memory
REGULAR, TREND, NEW, DISCONTINUED = 0, 1, 2, 3


def channel_list(c):
    """The first c channels, in name order (so that sku-major, channel-minor is sorted)."""
    chosen = [(CHANNELS[i][0] if i < len(CHANNELS) else "ch%02d" % (i + 1),) + CHANNELS[i % len(CHANNELS)][1:]
              for i in range(c)]
    chosen.sort()
    names = [x[0] for x in chosen]
    weights = np.array([x[1] for x in chosen])
    profile = np.array([x[2] for x in chosen], dtype=np.float64)
    profile /= profile.mean(axis=1, keepdims=True)
    return names, weights, profile


class Model:
    """Everything that does not change from day to day; `mean(days)` gives the expected units."""

    def __init__(self, a, rng):
        n, c, d = a.skus, a.channels, a.days
        self.n, self.c, self.d = n, c, d
        self.first = dt.date.fromisoformat(a.end_date) - dt.timedelta(days=d - 1)
        self.channel_names, weights, self.profile = channel_list(c)

        self.base = a.rate_median * np.exp(a.rate_sigma * rng.standard_normal(n))
        carried = rng.random((n, c)) < a.carry
        lonely = np.flatnonzero(~carried.any(axis=1))
        carried[lonely, rng.integers(0, c, size=lonely.size)] = True
        self.carried = carried
        scale = np.exp(0.35 * rng.standard_normal((n, c)))
        self.level = self.base[:, None] * weights[None, :] * scale * carried       # n x c

        self.drift = 0.2 * rng.standard_normal(n)                # log-change over the whole period
        self.wave = 0.08 * rng.random(n)                          # yearly amplitude
        self.phase = 2 * np.pi * rng.random(n)

        u = rng.random(n)
        cuts = np.cumsum([a.trend_frac, a.new_frac, a.disc_frac])
        self.kind = np.select([u < cuts[0], u < cuts[1], u < cuts[2]], [TREND, NEW, DISCONTINUED], REGULAR)
        lo = int(0.25 * d)
        self.launch = np.where(self.kind == NEW, rng.integers(lo, d + 5, size=n), -(10 ** 9))
        self.stop = np.where(self.kind == DISCONTINUED, rng.integers(lo, max(lo + 1, d - 2), size=n), 10 ** 9)
        rising = rng.random(n) < 0.5
        self.rising = rising
        self.factor = np.where(self.kind == TREND,
                               np.where(rising, rng.uniform(1.7, 3.0, size=n), rng.uniform(0.1, 0.5, size=n)),
                               1.0)

    def weekday(self, day):
        return (self.first + dt.timedelta(days=int(day))).weekday()

    def mean(self, days):
        """Expected units, shape (len(days), n, c)."""
        days = np.asarray(days, dtype=np.int64)
        t = days[:, None].astype(np.float64)                                       # k x 1
        season = np.exp(self.drift[None, :] * t / max(self.d - 1, 1)
                        + self.wave[None, :] * np.sin(2 * np.pi * t / 365.25 + self.phase[None, :]))
        age = days[:, None] - self.launch[None, :]
        life = np.clip((age + 1) / 10.0, 0.0, 1.0) * (days[:, None] <= self.stop[None, :])
        ramp = np.clip((days[:, None] - (self.d - 24)) / 16.0, 0.0, 1.0)           # 0 -> 1 over 16 days
        trend = 1.0 + (self.factor[None, :] - 1.0) * ramp
        per_sku = season * life * trend                                             # k x n
        wd = np.array([self.weekday(x) for x in days])
        per_channel = self.profile[:, wd].T                                         # k x c
        return per_sku[:, :, None] * self.level[None, :, :] * per_channel[:, None, :]


def draw(model, rng, days, shape, return_frac):
    """Units for the given days: (k, n*c) int64 array, returns already applied."""
    lam = model.mean(days).reshape(len(days), -1)
    units = rng.poisson(lam * rng.gamma(shape, 1.0 / shape, size=lam.shape))
    nz = units != 0
    ret = nz & (rng.random(units.shape) < return_frac)
    units[ret] = -rng.integers(1, 6, size=int(ret.sum()))
    return units


class Writer:
    """Writes 'date,sku,channel,units' lines for one day's non-zero cells."""

    def __init__(self, model):
        self.prefix = ["SKU%06d,%s," % (i + 1, ch) for i in range(model.n) for ch in model.channel_names]
        self.first = model.first
        self.num = {}

    def lines(self, day, row):
        nz = np.flatnonzero(row)
        if nz.size == 0:
            return ""
        vals = row[nz]
        lo, hi = int(vals.min()), int(vals.max())
        for v in range(lo, hi + 1):            # small-int -> "v\n" cache
            if v not in self.num:
                self.num[v] = "%d\n" % v
        num, prefix = self.num, self.prefix
        date = (self.first + dt.timedelta(days=int(day))).isoformat() + ","
        return date + date.join([prefix[i] + num[v] for i, v in zip(nz.tolist(), vals.tolist())])


def main(argv=None):
    ap = argparse.ArgumentParser(description="deterministic synthetic data for the replenishment benchmark")
    ap.add_argument("--skus", type=int, required=True)
    ap.add_argument("--channels", type=int, default=4)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--end-date", default="2024-12-31", help="date of the last day of sales.csv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--rate-median", type=float, default=50.0, help="median units/day of a SKU")
    ap.add_argument("--rate-sigma", type=float, default=0.7, help="log-sd of the SKU rates")
    ap.add_argument("--carry", type=float, default=0.85, help="probability a SKU sells in a channel")
    ap.add_argument("--shape", type=float, default=40.0, help="gamma shape of the noise (larger = less noisy)")
    ap.add_argument("--trend-frac", type=float, default=0.05)
    ap.add_argument("--new-frac", type=float, default=0.04)
    ap.add_argument("--disc-frac", type=float, default=0.03)
    ap.add_argument("--return-frac", type=float, default=0.005)
    ap.add_argument("--no-inventory-frac", type=float, default=0.02,
                    help="fraction of SKUs left out of inventory.csv")
    a = ap.parse_args(argv)
    if a.skus < 1 or a.channels < 1 or a.days < 1:
        ap.error("--skus, --channels and --days must be >= 1")
    if a.skus > 999999:
        ap.error("--skus must be < 1,000,000 (SKU ids have 6 digits)")
    t0 = time.perf_counter()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    model = Model(a, rng)
    n, d = a.skus, a.days

    # items: drawn before the sales so their values do not depend on the number of days
    moq = rng.choice(np.array([50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000]), size=n)
    case_pack = rng.choice(np.array([1, 4, 6, 12, 24, 48]), size=n, p=[0.22, 0.08, 0.28, 0.25, 0.12, 0.05])
    lead = rng.integers(14, 91, size=n)
    lead_sd = np.round(np.minimum(15.0, lead * rng.uniform(0.0, 0.22, size=n)), 1)
    lead_sd[rng.random(n) < 0.12] = 0.0
    unit_cost = np.round(np.exp(np.log(9.0) + 0.8 * rng.standard_normal(n)) + 0.3, 2)
    surcharge = np.round(rng.uniform(0.04, 0.30, size=n), 2)
    holding = np.round(rng.uniform(0.12, 0.36, size=n), 2)
    cover = rng.uniform(0.0, 120.0, size=n)
    stocked_out = rng.random(n) < 0.05
    pipeline = rng.uniform(7.0, 60.0, size=n)
    no_order = rng.random(n) < 0.5
    no_row = rng.random(n) < a.no_inventory_frac

    writer = Writer(model)
    rows = returns = 0
    with open(os.path.join(a.out, "sales.csv"), "w", newline="\n") as fh:
        fh.write("date,sku,channel,units\n")
        for b0 in range(0, d, BLOCK_DAYS):
            days = list(range(b0, min(d, b0 + BLOCK_DAYS)))
            block = draw(model, rng, days, a.shape, a.return_frac)
            rows += int(np.count_nonzero(block))
            returns += int((block < 0).sum())
            fh.write("".join(writer.lines(day, block[j]) for j, day in enumerate(days)))
    nxt = draw(model, rng, [d], a.shape, a.return_frac)
    with open(os.path.join(a.out, "sales_next_day.csv"), "w", newline="\n") as fh:
        fh.write("date,sku,channel,units\n")
        fh.write(writer.lines(d, nxt[0]))

    skus = ["SKU%06d" % (i + 1) for i in range(n)]
    with open(os.path.join(a.out, "items.csv"), "w", newline="\n") as fh:
        fh.write("sku,moq,case_pack,lead_time_days,lead_time_sd_days,unit_cost,"
                 "below_moq_surcharge_pct,holding_cost_pct_per_year\n")
        fh.write("".join("%s,%d,%d,%d,%.1f,%.2f,%.2f,%.2f\n" % r for r in zip(
            skus, moq.tolist(), case_pack.tolist(), lead.tolist(), lead_sd.tolist(),
            unit_cost.tolist(), surcharge.tolist(), holding.tolist())))

    # inventory: 0..120 days of cover at the last day's expected rate (a leftover for SKUs
    # that do not sell then), 5% stocked out, half with an open order of 7..60 days
    rate = model.mean([d - 1])[0].sum(axis=1)
    rate = np.where(rate > 0, rate, 0.2 * model.base)
    on_hand = np.where(stocked_out, 0, np.round(rate * cover)).astype(np.int64)
    on_order = np.where(no_order, 0, np.round(rate * pipeline)).astype(np.int64)
    with open(os.path.join(a.out, "inventory.csv"), "w", newline="\n") as fh:
        fh.write("sku,on_hand,on_order\n")
        fh.write("".join("%s,%d,%d\n" % (skus[i], on_hand[i], on_order[i]) for i in np.flatnonzero(~no_row).tolist()))

    manifest = {
        "generator": "Benchmarks/generate.py", "numpy": np.__version__,
        "args": {k: v for k, v in vars(a).items() if k != "out"},
        "first_date": model.first.isoformat(), "last_date": a.end_date,
        "channels": model.channel_names,
        "sales_rows": rows, "return_rows": returns, "density": rows / float(n * a.channels * d),
        "next_day_rows": int(np.count_nonzero(nxt)),
        "series_carried": int(model.carried.sum()),
        "inventory_rows": int((~no_row).sum()),
        "planted": {
            "trend_up": int(((model.kind == TREND) & model.rising).sum()),
            "trend_down": int(((model.kind == TREND) & ~model.rising).sum()),
            "new": int((model.kind == NEW).sum()),
            "new_after_last_day": int(((model.kind == NEW) & (model.launch >= d)).sum()),
            "discontinued": int((model.kind == DISCONTINUED).sum()),
        },
        "seconds": round(time.perf_counter() - t0, 3),
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    print("generated %s: %d sales rows (%d returns, density %.2f), %d next-day rows in %.2f s" % (
        a.out, rows, returns, manifest["density"], manifest["next_day_rows"], manifest["seconds"]), file=sys.stderr)


if __name__ == "__main__":
    main()
