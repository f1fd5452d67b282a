#!/usr/bin/env python3
"""The replenishment plan of Examples/replenishment/plan.velo, computed in DuckDB SQL.

    python3 Benchmarks/reference_duckdb.py --data DIR --out OUT [--service-level 0.95]

Reads DIR/sales.csv, DIR/items.csv and DIR/inventory.csv and writes OUT/series.csv
(one row per (sku, channel) that sold in the last 35 days, sorted by sku, channel) and
OUT/plan.csv (one row per SKU of items.csv, sorted by sku): the same tables, columns and
order as `velo run ... --table series --table plan --format csv`.

Semantics (T = the latest date in sales.csv, k = T - date in days, u_k = that day's
units summed over duplicate rows, 0 when absent):

  rw = sum_{k=0..20} (21-k) u_k      pw = sum_{k=14..34} (35-k) u_k
  var420 = 21 sum_{k=0..20} u_k^2 - (sum_{k=0..20} u_k)^2          (= 420 x sample variance)
  velocity = rw/231   prior_velocity = pw/231   sigma = sqrt(var420/420)
  velocity_change = velocity/prior_velocity - 1 (missing when pw = 0)
  exception = |velocity_change| > 25%, tested exactly as 4|rw - pw| > |pw|

  per SKU: demand = sum(rw)/231, sigma_d = sqrt(sum(var420)/420), flagged = any exception
  safety_stock = z(service level) sqrt(lead_time_days sigma_d^2 + demand^2 lead_time_sd_days^2)
  target = demand lead_time_days + safety_stock
  need = max(0, target - on_hand - on_order)        (inventory missing -> 0)
  order_qty = 0 when need = 0, else roundup(max(need, moq), case_pack)
  overproduction = order_qty - need
  cover_days = on_hand/demand when demand > 0, else missing
  cadence = weekly when cover_days < 60 (exactly: 231 on_hand < 60 sum(rw)), else monthly

--timing prints the load / compute / write seconds as JSON on stderr.
"""
import argparse
import json
import os
import sys
import time
from statistics import NormalDist

import duckdb


def sql_path(path):
    return "'" + path.replace("'", "''") + "'"


LOAD = {
    "sales": "{'date': 'DATE', 'sku': 'VARCHAR', 'channel': 'VARCHAR', 'units': 'BIGINT'}",
    "items": "{'sku': 'VARCHAR', 'moq': 'BIGINT', 'case_pack': 'BIGINT', 'lead_time_days': 'BIGINT', "
             "'lead_time_sd_days': 'DOUBLE', 'unit_cost': 'DOUBLE', 'below_moq_surcharge_pct': 'DOUBLE', "
             "'holding_cost_pct_per_year': 'DOUBLE'}",
    "inventory": "{'sku': 'VARCHAR', 'on_hand': 'BIGINT', 'on_order': 'BIGINT'}",
}

# Integer sums per series over the 35-day window; `as_of` is a one-row table holding T.
SUMS = """
CREATE TEMP TABLE sums AS
WITH days AS (                      -- one value per (sku, channel, k), duplicates summed
    SELECT s.sku, s.channel, CAST(a.t - s.date AS BIGINT) AS k, SUM(s.units) AS u
    FROM sales s, as_of a
    WHERE s.date BETWEEN a.t - 34 AND a.t
    GROUP BY ALL
)
SELECT sku, channel,
       CAST(SUM(CASE WHEN k <= 20 THEN (21 - k) * u ELSE 0 END) AS BIGINT) AS rw,
       CAST(SUM(CASE WHEN k >= 14 THEN (35 - k) * u ELSE 0 END) AS BIGINT) AS pw,
       CAST(SUM(CASE WHEN k <= 20 THEN u ELSE 0 END) AS BIGINT) AS s1,
       CAST(SUM(CASE WHEN k <= 20 THEN u * u ELSE 0 END) AS BIGINT) AS s2
FROM days
GROUP BY sku, channel
"""

SERIES = """
CREATE TEMP TABLE series AS
SELECT sku, channel,
       rw::DOUBLE / 231.0 AS velocity,
       sqrt((21 * s2 - s1 * s1)::DOUBLE / 420.0) AS sigma,
       pw::DOUBLE / 231.0 AS prior_velocity,
       CASE WHEN pw <> 0 THEN (rw::DOUBLE / 231.0) / (pw::DOUBLE / 231.0) - 1.0 END AS velocity_change,
       (pw <> 0 AND 4 * abs(rw - pw) > abs(pw)) AS exception,
       rw, 21 * s2 - s1 * s1 AS var420
FROM sums
"""

PLAN = """
CREATE TEMP TABLE plan AS
WITH per_sku AS (
    SELECT sku, SUM(rw) AS sum_rw, SUM(var420) AS sum_var420, bool_or(exception) AS any_exception
    FROM series GROUP BY sku
),
joined AS (
    SELECT i.sku, i.moq, i.case_pack, i.lead_time_days AS lt, i.lead_time_sd_days AS lt_sd,
           COALESCE(p.sum_rw, 0) AS sum_rw,
           COALESCE(p.sum_rw, 0)::DOUBLE / 231.0 AS demand,
           COALESCE(p.sum_var420, 0)::DOUBLE / 420.0 AS var_d,
           COALESCE(p.any_exception, false) AS flagged,
           COALESCE(v.on_hand, 0) AS on_hand, COALESCE(v.on_order, 0) AS on_order
    FROM items i
    LEFT JOIN per_sku p ON p.sku = i.sku
    LEFT JOIN inventory v ON v.sku = i.sku
),
stock AS (
    SELECT *, $z * sqrt(lt * var_d + (demand * demand) * (lt_sd * lt_sd)) AS safety_stock FROM joined
),
need AS (
    SELECT *, greatest(0.0, (demand * lt + safety_stock) - on_hand - on_order) AS need,
           demand * lt + safety_stock AS target
    FROM stock
),
orders AS (
    SELECT *, CASE WHEN need = 0 THEN 0
                   ELSE CAST(ceil(greatest(need, moq::DOUBLE) / case_pack) AS BIGINT) * case_pack END AS order_qty
    FROM need
)
SELECT sku, demand, sqrt(var_d) AS sigma_d, safety_stock, target, need, order_qty,
       order_qty - need AS overproduction,
       CASE WHEN demand > 0 THEN on_hand::DOUBLE / demand END AS cover_days,
       CASE WHEN sum_rw > 0 AND 231 * on_hand < 60 * sum_rw THEN 'weekly' ELSE 'monthly' END AS cadence,
       flagged
FROM orders
"""

SERIES_COLUMNS = "sku, channel, velocity, sigma, prior_velocity, velocity_change, exception"
PLAN_COLUMNS = ("sku, demand, sigma_d, safety_stock, target, need, order_qty, overproduction, "
                "cover_days, cadence, flagged")


def main(argv=None):
    ap = argparse.ArgumentParser(description="reference replenishment plan in DuckDB")
    ap.add_argument("--data", required=True, help="folder with sales.csv, items.csv, inventory.csv")
    ap.add_argument("--out", required=True, help="folder for series.csv and plan.csv")
    ap.add_argument("--service-level", type=float, default=0.95)
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0 = its default)")
    ap.add_argument("--timing", action="store_true")
    a = ap.parse_args(argv)
    if not 0.0 < a.service_level < 1.0:
        ap.error("--service-level must be strictly between 0 and 1")
    z = NormalDist().inv_cdf(a.service_level)
    os.makedirs(a.out, exist_ok=True)

    t0 = time.perf_counter()
    con = duckdb.connect()
    if a.threads:
        con.execute("SET threads = %d" % a.threads)
    for name, columns in LOAD.items():
        con.execute("CREATE TEMP TABLE %s AS SELECT * FROM read_csv(%s, header = true, columns = %s)"
                    % (name, sql_path(os.path.join(a.data, name + ".csv")), columns))
    t1 = time.perf_counter()
    con.execute("CREATE TEMP TABLE as_of AS SELECT max(date) AS t FROM sales")
    if con.execute("SELECT t FROM as_of").fetchone()[0] is None:
        sys.exit("reference_duckdb: %s has no rows" % os.path.join(a.data, "sales.csv"))
    con.execute(SUMS)
    con.execute(SERIES)
    con.execute(PLAN, {"z": z})
    t2 = time.perf_counter()
    con.execute("COPY (SELECT %s FROM series ORDER BY sku, channel) TO %s (HEADER, DELIMITER ',')"
                % (SERIES_COLUMNS, sql_path(os.path.join(a.out, "series.csv"))))
    con.execute("COPY (SELECT %s FROM plan ORDER BY sku) TO %s (HEADER, DELIMITER ',')"
                % (PLAN_COLUMNS, sql_path(os.path.join(a.out, "plan.csv"))))
    t3 = time.perf_counter()
    if a.timing:
        print(json.dumps({"tool": "duckdb", "load_s": round(t1 - t0, 4), "compute_s": round(t2 - t1, 4),
                          "write_s": round(t3 - t2, 4)}), file=sys.stderr)


if __name__ == "__main__":
    main()
