#!/usr/bin/env python3
"""The replenishment plan of Examples/replenishment/plan.velo, computed with Polars.

    python3 Benchmarks/reference_polars.py --data DIR --out OUT [--service-level 0.95]

Same inputs, outputs and semantics as reference_duckdb.py (see its docstring): writes
OUT/series.csv (sorted by sku, channel) and OUT/plan.csv (sorted by sku).

--timing prints the load / compute / write seconds as JSON on stderr.
"""
import argparse
import json
import os
import sys
import time
from statistics import NormalDist

import polars as pl

SCHEMAS = {
    "sales": {"date": pl.Date, "sku": pl.String, "channel": pl.String, "units": pl.Int64},
    "items": {"sku": pl.String, "moq": pl.Int64, "case_pack": pl.Int64, "lead_time_days": pl.Int64,
              "lead_time_sd_days": pl.Float64, "unit_cost": pl.Float64,
              "below_moq_surcharge_pct": pl.Float64, "holding_cost_pct_per_year": pl.Float64},
    "inventory": {"sku": pl.String, "on_hand": pl.Int64, "on_order": pl.Int64},
}

col = pl.col


def as_float(e):
    return e.cast(pl.Float64)


def series_table(sales: pl.DataFrame) -> pl.LazyFrame:
    """One row per (sku, channel) with a sales row in the last 35 days, with the integer sums."""
    t = sales.get_column("date").max()
    if t is None:
        sys.exit("reference_polars: sales.csv has no rows")
    k = (pl.lit(t, dtype=pl.Date) - col("date")).dt.total_days()
    days = (sales.lazy()
            .filter(col("date") >= pl.lit(t, dtype=pl.Date) - pl.duration(days=34))
            .group_by("sku", "channel", k.alias("k"))
            .agg(col("units").sum().alias("u")))           # duplicates of a day summed
    recent = col("k") <= 20
    zero = pl.lit(0, dtype=pl.Int64)
    sums = (days.group_by("sku", "channel")
            .agg(pl.when(recent).then((21 - col("k")) * col("u")).otherwise(zero).sum().alias("rw"),
                 pl.when(col("k") >= 14).then((35 - col("k")) * col("u")).otherwise(zero).sum().alias("pw"),
                 pl.when(recent).then(col("u")).otherwise(zero).sum().alias("s1"),
                 pl.when(recent).then(col("u") * col("u")).otherwise(zero).sum().alias("s2")))
    velocity = as_float(col("rw")) / 231.0
    prior = as_float(col("pw")) / 231.0
    return (sums
            .with_columns((21 * col("s2") - col("s1") * col("s1")).alias("var420"))
            .with_columns(velocity.alias("velocity"),
                          (as_float(col("var420")) / 420.0).sqrt().alias("sigma"),
                          prior.alias("prior_velocity"),
                          pl.when(col("pw") != 0).then(velocity / prior - 1.0).alias("velocity_change"),
                          ((col("pw") != 0) & ((col("rw") - col("pw")).abs() * 4 > col("pw").abs()))
                          .alias("exception")))


def plan_table(series: pl.LazyFrame, items: pl.DataFrame, inventory: pl.DataFrame, z: float) -> pl.LazyFrame:
    per_sku = series.group_by("sku").agg(col("rw").sum().alias("sum_rw"),
                                         col("var420").sum().alias("sum_var420"),
                                         col("exception").any().alias("flagged"))
    demand, var_d = col("demand"), col("var_d")
    lt, lt_sd = col("lead_time_days"), col("lead_time_sd_days")
    return (items.lazy()
            .join(per_sku, on="sku", how="left")
            .join(inventory.lazy(), on="sku", how="left")
            .with_columns(col("sum_rw").fill_null(0), col("sum_var420").fill_null(0),
                          col("flagged").fill_null(False),
                          col("on_hand").fill_null(0), col("on_order").fill_null(0))
            .with_columns((as_float(col("sum_rw")) / 231.0).alias("demand"),
                          (as_float(col("sum_var420")) / 420.0).alias("var_d"))
            .with_columns((z * (lt * var_d + (demand * demand) * (lt_sd * lt_sd)).sqrt()).alias("safety_stock"))
            .with_columns((demand * lt + col("safety_stock")).alias("target"))
            .with_columns(pl.max_horizontal(pl.lit(0.0), col("target") - col("on_hand") - col("on_order"))
                          .alias("need"))
            .with_columns(pl.when(col("need") == 0.0).then(pl.lit(0, dtype=pl.Int64))
                          .otherwise((pl.max_horizontal(col("need"), as_float(col("moq"))) / col("case_pack"))
                                     .ceil().cast(pl.Int64) * col("case_pack"))
                          .alias("order_qty"))
            .select("sku", "demand", var_d.sqrt().alias("sigma_d"), "safety_stock", "target", "need",
                    "order_qty", (col("order_qty") - col("need")).alias("overproduction"),
                    pl.when(demand > 0).then(as_float(col("on_hand")) / demand).alias("cover_days"),
                    pl.when((col("sum_rw") > 0) & (231 * col("on_hand") < 60 * col("sum_rw")))
                    .then(pl.lit("weekly")).otherwise(pl.lit("monthly")).alias("cadence"),
                    "flagged")
            .sort("sku"))


def main(argv=None):
    ap = argparse.ArgumentParser(description="reference replenishment plan in Polars")
    ap.add_argument("--data", required=True, help="folder with sales.csv, items.csv, inventory.csv")
    ap.add_argument("--out", required=True, help="folder for series.csv and plan.csv")
    ap.add_argument("--service-level", type=float, default=0.95)
    ap.add_argument("--timing", action="store_true")
    a = ap.parse_args(argv)
    if not 0.0 < a.service_level < 1.0:
        ap.error("--service-level must be strictly between 0 and 1")
    z = NormalDist().inv_cdf(a.service_level)
    os.makedirs(a.out, exist_ok=True)

    t0 = time.perf_counter()
    frames = {name: pl.read_csv(os.path.join(a.data, name + ".csv"), schema=schema)
              for name, schema in SCHEMAS.items()}
    t1 = time.perf_counter()
    series = series_table(frames["sales"])
    plan = plan_table(series, frames["items"], frames["inventory"], z)
    series_out = series.select("sku", "channel", "velocity", "sigma", "prior_velocity", "velocity_change",
                               "exception").sort("sku", "channel")
    series_df, plan_df = pl.collect_all([series_out, plan])
    t2 = time.perf_counter()
    series_df.write_csv(os.path.join(a.out, "series.csv"))
    plan_df.write_csv(os.path.join(a.out, "plan.csv"))
    t3 = time.perf_counter()
    if a.timing:
        print(json.dumps({"tool": "polars", "load_s": round(t1 - t0, 4), "compute_s": round(t2 - t1, 4),
                          "write_s": round(t3 - t2, 4)}), file=sys.stderr)


if __name__ == "__main__":
    main()
