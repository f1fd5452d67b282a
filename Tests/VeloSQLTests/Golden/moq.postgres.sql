-- moq.velo, compiled to PostgreSQL by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- sales: ../replenishment/data/sales.csv (moq.velo:8)
DROP TABLE IF EXISTS sales CASCADE;
CREATE TABLE sales (
  "date" date,
  sku text,
  channel text,
  units double precision
);

\copy sales ("date", sku, channel, units) FROM 'Examples/moq_decision/../replenishment/data/sales.csv' WITH (FORMAT csv, HEADER true)

-- items: ../replenishment/data/items.csv (moq.velo:11)
DROP TABLE IF EXISTS items CASCADE;
CREATE TABLE items (
  sku text,
  moq double precision,
  case_pack double precision,
  lead_time_days double precision,
  lead_time_sd_days double precision,
  unit_cost double precision,
  below_moq_surcharge_pct double precision,
  holding_cost_pct_per_year double precision,
  supplier text
);

\copy items (sku, moq, case_pack, lead_time_days, lead_time_sd_days, unit_cost, below_moq_surcharge_pct, holding_cost_pct_per_year, supplier) FROM 'Examples/moq_decision/../replenishment/data/items.csv' WITH (FORMAT csv, HEADER true)

-- the as-of date: the latest date in sales
DROP TABLE IF EXISTS velo_asof CASCADE;
CREATE TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX("date") AS d FROM sales
) AS dates;

-- decision by sku (moq.velo:20), step decision__1
DROP TABLE IF EXISTS decision__1 CASCADE;
CREATE TABLE decision__1 AS
SELECT
  t.sku,
  -- moq.velo:21  velocity = wavg(sales.units, last 21 days, weights: linear)
  CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.l1, 0) / 231::float8 END AS velocity,
  -- moq.velo:23  moq = items.moq
  items.moq AS moq,
  -- moq.velo:26  overage_cost = items.unit_cost * (items.holding_cost_pct_per_year * months_to_sell_extra / 12 + (1 - salvage_rate))
  (items.unit_cost * (((items.holding_cost_pct_per_year * 3::float8 /* months_to_sell_extra */) / NULLIF(12::float8, 0)) + (1::float8 - 0.4::float8 /* salvage_rate */))) AS overage_cost
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
DROP TABLE IF EXISTS decision__2 CASCADE;
CREATE TABLE decision__2 AS
SELECT
  t.sku,
  t.velocity,
  -- moq.velo:22  need = roundup(velocity * horizon / 1 day, items.case_pack)
  CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((((t.velocity * 7::float8 /* horizon */) / NULLIF(1::float8, 0)) / items.case_pack) - (CASE WHEN (((t.velocity * 7::float8 /* horizon */) / NULLIF(1::float8, 0)) / items.case_pack) < 0 THEN -floor(-(((t.velocity * 7::float8 /* horizon */) / NULLIF(1::float8, 0)) / items.case_pack) + 0.5) ELSE floor((((t.velocity * 7::float8 /* horizon */) / NULLIF(1::float8, 0)) / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((((t.velocity * 7::float8 /* horizon */) / NULLIF(1::float8, 0)) / items.case_pack))) THEN (CASE WHEN (((t.velocity * 7::float8 /* horizon */) / NULLIF(1::float8, 0)) / items.case_pack) < 0 THEN -floor(-(((t.velocity * 7::float8 /* horizon */) / NULLIF(1::float8, 0)) / items.case_pack) + 0.5) ELSE floor((((t.velocity * 7::float8 /* horizon */) / NULLIF(1::float8, 0)) / items.case_pack) + 0.5) END) ELSE (((t.velocity * 7::float8 /* horizon */) / NULLIF(1::float8, 0)) / items.case_pack) END) * items.case_pack + 0 END AS need,
  t.moq,
  t.overage_cost
FROM decision__1 AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- decision, next step (formulas that read the ones before)
DROP TABLE IF EXISTS decision__3 CASCADE;
CREATE TABLE decision__3 AS
SELECT
  t.sku,
  t.velocity,
  t.need,
  t.moq,
  -- moq.velo:24  extra_units = max(0, moq - need)
  CASE WHEN (t.moq - t.need) IS NULL THEN NULL ELSE greatest(0::float8, (t.moq - t.need)) END AS extra_units,
  t.overage_cost,
  -- moq.velo:29  cost_short_run = need * items.unit_cost * items.below_moq_surcharge_pct
  ((t.need * items.unit_cost) * items.below_moq_surcharge_pct) AS cost_short_run
FROM decision__2 AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- decision, next step (formulas that read the ones before)
DROP TABLE IF EXISTS decision__4 CASCADE;
CREATE TABLE decision__4 AS
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
DROP TABLE IF EXISTS decision__5 CASCADE;
CREATE TABLE decision__5 AS
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
  CASE WHEN COALESCE(COALESCE((t.need >= t.moq OR abs(t.need - t.moq) <= 1e-12 * greatest(abs(t.need), abs(t.moq))), FALSE) = TRUE, FALSE) THEN 'MOQ not binding' ELSE CASE WHEN (COALESCE(COALESCE((t.need >= t.moq OR abs(t.need - t.moq) <= 1e-12 * greatest(abs(t.need), abs(t.moq))), FALSE) = FALSE, FALSE) AND COALESCE(COALESCE(t.cost_order_moq < t.cost_short_run AND NOT (abs(t.cost_order_moq - t.cost_short_run) <= 1e-12 * greatest(abs(t.cost_order_moq), abs(t.cost_short_run))), FALSE) = TRUE, FALSE)) THEN 'order the MOQ' ELSE CASE WHEN (COALESCE(COALESCE((t.need >= t.moq OR abs(t.need - t.moq) <= 1e-12 * greatest(abs(t.need), abs(t.moq))), FALSE) = FALSE, FALSE) AND COALESCE(COALESCE(t.cost_order_moq < t.cost_short_run AND NOT (abs(t.cost_order_moq - t.cost_short_run) <= 1e-12 * greatest(abs(t.cost_order_moq), abs(t.cost_short_run))), FALSE) = FALSE, FALSE)) THEN 'short run' ELSE CAST(NULL AS text) END END END AS decision,
  -- moq.velo:39  saving = abs(cost_short_run - cost_order_moq)
  abs((t.cost_short_run - t.cost_order_moq)) AS saving,
  -- moq.velo:40  breakeven_surcharge = if need < moq then cost_order_moq / (need * items.unit_cost) else missing("MOQ not binding")
  CASE WHEN COALESCE(t.need < t.moq AND NOT (abs(t.need - t.moq) <= 1e-12 * greatest(abs(t.need), abs(t.moq))), FALSE) THEN (t.cost_order_moq / NULLIF((t.need * items.unit_cost), 0)) ELSE CAST(NULL AS double precision) END AS breakeven_surcharge
FROM decision__4 AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- decision, next step (formulas that read the ones before)
DROP TABLE IF EXISTS decision CASCADE;
CREATE TABLE decision AS
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
