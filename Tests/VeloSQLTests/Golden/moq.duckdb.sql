-- moq.velo, compiled to DuckDB by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- sales: ../replenishment/data/sales.csv (moq.velo:8)
CREATE OR REPLACE TABLE sales AS
SELECT * FROM read_csv('Examples/moq_decision/../replenishment/data/sales.csv', header = true, auto_detect = false,
  columns = {'date': 'DATE', 'sku': 'VARCHAR', 'channel': 'VARCHAR', 'units': 'DOUBLE'});

-- items: ../replenishment/data/items.csv (moq.velo:11)
CREATE OR REPLACE TABLE items AS
SELECT * FROM read_csv('Examples/moq_decision/../replenishment/data/items.csv', header = true, auto_detect = false,
  columns = {'sku': 'VARCHAR', 'moq': 'DOUBLE', 'case_pack': 'DOUBLE', 'lead_time_days': 'DOUBLE', 'lead_time_sd_days': 'DOUBLE', 'unit_cost': 'DOUBLE', 'below_moq_surcharge_pct': 'DOUBLE', 'holding_cost_pct_per_year': 'DOUBLE', 'supplier': 'VARCHAR'});

-- the as-of date: the latest date in sales
CREATE OR REPLACE TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX("date") AS d FROM sales
) AS dates;

-- decision by sku (moq.velo:20), step decision__1
CREATE OR REPLACE TABLE decision__1 AS
SELECT
  t.sku,
  -- moq.velo:21  velocity = wavg(sales.units, last 21 days, weights: linear)
  CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.l1, 0) / 231::DOUBLE END AS velocity,
  -- moq.velo:23  moq = items.moq
  items.moq AS moq,
  -- moq.velo:26  overage_cost = items.unit_cost * (items.holding_cost_pct_per_year * months_to_sell_extra / 12 + (1 - salvage_rate))
  (items.unit_cost * (((items.holding_cost_pct_per_year * 3::DOUBLE /* months_to_sell_extra */) / NULLIF(12::DOUBLE, 0)) + (1::DOUBLE - 0.4::DOUBLE /* salvage_rate */))) AS overage_cost
FROM (
  SELECT DISTINCT sku FROM items
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN (
  SELECT w.sku, SUM(w.m1) AS m1, SUM(((w.velo_day - ((SELECT as_of_date FROM velo_asof) - 20)) + 1) * w.d1) AS l1
  FROM (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1
    FROM sales AS g
    WHERE g.sku IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 20) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g."date"
  ) AS w
  GROUP BY w.sku
) AS a1 ON a1.sku = t.sku
LEFT JOIN items AS items ON items.sku = t.sku;

-- decision, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE decision__2 AS
SELECT
  t.sku,
  t.velocity,
  -- moq.velo:22  need = roundup(velocity * horizon / 1 day, items.case_pack)
  CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((((t.velocity * 7::DOUBLE /* horizon */) / NULLIF(1::DOUBLE, 0)) / items.case_pack) - (CASE WHEN (((t.velocity * 7::DOUBLE /* horizon */) / NULLIF(1::DOUBLE, 0)) / items.case_pack) < 0 THEN -floor(-(((t.velocity * 7::DOUBLE /* horizon */) / NULLIF(1::DOUBLE, 0)) / items.case_pack) + 0.5) ELSE floor((((t.velocity * 7::DOUBLE /* horizon */) / NULLIF(1::DOUBLE, 0)) / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((((t.velocity * 7::DOUBLE /* horizon */) / NULLIF(1::DOUBLE, 0)) / items.case_pack))) THEN (CASE WHEN (((t.velocity * 7::DOUBLE /* horizon */) / NULLIF(1::DOUBLE, 0)) / items.case_pack) < 0 THEN -floor(-(((t.velocity * 7::DOUBLE /* horizon */) / NULLIF(1::DOUBLE, 0)) / items.case_pack) + 0.5) ELSE floor((((t.velocity * 7::DOUBLE /* horizon */) / NULLIF(1::DOUBLE, 0)) / items.case_pack) + 0.5) END) ELSE (((t.velocity * 7::DOUBLE /* horizon */) / NULLIF(1::DOUBLE, 0)) / items.case_pack) END) * items.case_pack + 0 END AS need,
  t.moq,
  t.overage_cost
FROM decision__1 AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- decision, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE decision__3 AS
SELECT
  t.sku,
  t.velocity,
  t.need,
  t.moq,
  -- moq.velo:24  extra_units = max(0, moq - need)
  CASE WHEN (t.moq - t.need) IS NULL THEN NULL ELSE greatest(0::DOUBLE, (t.moq - t.need)) END AS extra_units,
  t.overage_cost,
  -- moq.velo:29  cost_short_run = need * items.unit_cost * items.below_moq_surcharge_pct
  ((t.need * items.unit_cost) * items.below_moq_surcharge_pct) AS cost_short_run
FROM decision__2 AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- decision, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE decision__4 AS
SELECT
  t.sku,
  t.velocity,
  t.need,
  t.moq,
  t.extra_units,
  t.overage_cost,
  -- moq.velo:28  cost_order_moq = extra_units * overage_cost
  (t.extra_units * t.overage_cost) AS cost_order_moq,
  t.cost_short_run
FROM decision__3 AS t;

-- decision, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE decision__5 AS
SELECT
  t.sku,
  t.velocity,
  t.need,
  t.moq,
  t.extra_units,
  t.overage_cost,
  t.cost_order_moq,
  t.cost_short_run,
  -- moq.velo:31  decision = decide unique
  CASE WHEN COALESCE(COALESCE((t.need >= t.moq OR abs(t.need - t.moq) <= 1e-12 * greatest(abs(t.need), abs(t.moq))), FALSE) = TRUE, FALSE) THEN 'MOQ not binding' ELSE CASE WHEN (COALESCE(COALESCE((t.need >= t.moq OR abs(t.need - t.moq) <= 1e-12 * greatest(abs(t.need), abs(t.moq))), FALSE) = FALSE, FALSE) AND COALESCE(COALESCE(t.cost_order_moq < t.cost_short_run AND NOT (abs(t.cost_order_moq - t.cost_short_run) <= 1e-12 * greatest(abs(t.cost_order_moq), abs(t.cost_short_run))), FALSE) = TRUE, FALSE)) THEN 'order the MOQ' ELSE CASE WHEN (COALESCE(COALESCE((t.need >= t.moq OR abs(t.need - t.moq) <= 1e-12 * greatest(abs(t.need), abs(t.moq))), FALSE) = FALSE, FALSE) AND COALESCE(COALESCE(t.cost_order_moq < t.cost_short_run AND NOT (abs(t.cost_order_moq - t.cost_short_run) <= 1e-12 * greatest(abs(t.cost_order_moq), abs(t.cost_short_run))), FALSE) = FALSE, FALSE)) THEN 'short run' ELSE CAST(NULL AS VARCHAR) END END END AS decision,
  -- moq.velo:39  saving = abs(cost_short_run - cost_order_moq)
  abs((t.cost_short_run - t.cost_order_moq)) AS saving,
  -- moq.velo:40  breakeven_surcharge = if need < moq then cost_order_moq / (need * items.unit_cost) else missing("MOQ not binding")
  CASE WHEN COALESCE(t.need < t.moq AND NOT (abs(t.need - t.moq) <= 1e-12 * greatest(abs(t.need), abs(t.moq))), FALSE) THEN (t.cost_order_moq / NULLIF((t.need * items.unit_cost), 0)) ELSE CAST(NULL AS DOUBLE) END AS breakeven_surcharge
FROM decision__4 AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- decision, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE decision AS
SELECT
  t.sku,
  t.velocity,
  t.need,
  t.moq,
  t.extra_units,
  t.overage_cost,
  t.cost_order_moq,
  t.cost_short_run,
  t.decision,
  -- moq.velo:38  order_qty = if decision == "short run" then need else max(need, moq)
  CASE WHEN COALESCE(t.decision = 'short run', FALSE) THEN t.need ELSE CASE WHEN t.need IS NULL OR t.moq IS NULL THEN NULL ELSE greatest(t.need, t.moq) END END AS order_qty,
  t.saving,
  t.breakeven_surcharge
FROM decision__5 AS t;

-- flag costly_moq (warning) on decision (moq.velo:42)
SELECT t.sku, t.extra_units AS value_1
FROM decision AS t
WHERE (COALESCE(t.decision = 'order the MOQ', FALSE) AND COALESCE(t.extra_units > t.need AND NOT (abs(t.extra_units - t.need) <= 1e-12 * greatest(abs(t.extra_units), abs(t.need))), FALSE));

-- check decision: order_qty >= need on decision: rows where `order_qty >= need` does not hold (moq.velo:45)
SELECT t.sku, t.order_qty, t.need
FROM decision AS t
WHERE NOT COALESCE(COALESCE((t.order_qty >= t.need OR abs(t.order_qty - t.need) <= 1e-12 * greatest(abs(t.order_qty), abs(t.need))), FALSE), FALSE);
