-- production.velo, compiled to DuckDB by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- purchase_orders: data/purchase_orders.csv (production.velo:10)
CREATE OR REPLACE TABLE purchase_orders AS
SELECT * FROM read_csv('Examples/production/data/purchase_orders.csv', header = true, auto_detect = false,
  columns = {'po': 'VARCHAR', 'sku': 'VARCHAR', 'due_date': 'DATE', 'qty': 'DOUBLE'});

-- sales: ../replenishment/data/sales.csv (plan.velo:8)
CREATE OR REPLACE TABLE sales AS
SELECT * FROM read_csv('Examples/production/../replenishment/data/sales.csv', header = true, auto_detect = false,
  columns = {'date': 'DATE', 'sku': 'VARCHAR', 'channel': 'VARCHAR', 'units': 'DOUBLE'});

-- items: ../replenishment/data/items.csv (plan.velo:11)
CREATE OR REPLACE TABLE items AS
SELECT * FROM read_csv('Examples/production/../replenishment/data/items.csv', header = true, auto_detect = false,
  columns = {'sku': 'VARCHAR', 'moq': 'DOUBLE', 'case_pack': 'DOUBLE', 'lead_time_days': 'DOUBLE', 'lead_time_sd_days': 'DOUBLE', 'unit_cost': 'DOUBLE', 'below_moq_surcharge_pct': 'DOUBLE', 'holding_cost_pct_per_year': 'DOUBLE', 'supplier': 'VARCHAR'});

-- inventory: ../replenishment/data/inventory.csv (plan.velo:18)
CREATE OR REPLACE TABLE inventory AS
SELECT * FROM read_csv('Examples/production/../replenishment/data/inventory.csv', header = true, auto_detect = false,
  columns = {'sku': 'VARCHAR', 'on_hand': 'DOUBLE', 'on_order': 'DOUBLE'});

-- the as-of date: the latest date in sales
CREATE OR REPLACE TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX("date") AS d FROM sales
) AS dates;

-- projection by sku, week (production.velo:17), step projection__1
CREATE OR REPLACE TABLE projection__1 AS
SELECT
  t.sku,
  t."week",
  -- production.velo:18  week_start = period_start()
  (((SELECT as_of_date FROM velo_asof) + 1) + (7 * CAST(trunc(t."week") AS INTEGER) - 7)) AS week_start,
  -- production.velo:20  receipts = sum(purchase_orders.qty, early: first)
  CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.v1, 0) END AS receipts
FROM (
  SELECT k.*, s."week"
  FROM (
    SELECT DISTINCT sku FROM items
    WHERE sku IS NOT NULL
  ) AS k
  CROSS JOIN (
    SELECT CAST(p AS DOUBLE) AS "week" FROM range(1, 13) AS s(p)
  ) AS s
) AS t
LEFT JOIN (
  SELECT g.sku, g.velo_period AS "week", SUM(g.qty) AS v1, COUNT(*) - COUNT(g.qty) AS m1
  FROM (SELECT b.*, CASE WHEN b.due_date <= (SELECT as_of_date FROM velo_asof) THEN 1::DOUBLE ELSE (floor((CAST((b.due_date - (SELECT as_of_date FROM velo_asof)) AS DOUBLE) - 1) / 7) + 1) END AS velo_period FROM purchase_orders AS b) AS g
  WHERE g.sku IS NOT NULL AND g.velo_period BETWEEN 1 AND 12
  GROUP BY g.sku, g.velo_period
) AS a1 ON a1.sku = t.sku AND a1."week" = t."week";

-- stockouts by sku (production.velo:30), step stockouts__1
CREATE OR REPLACE TABLE stockouts__1 AS
SELECT
  t.sku,
  -- production.velo:31  lt_weeks = ceil(items.lead_time_days / 7)
  ceil((items.lead_time_days / NULLIF(7::DOUBLE, 0))) AS lt_weeks
FROM (
  SELECT DISTINCT sku FROM items
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- capacity by week (production.velo:35), step capacity__1
CREATE OR REPLACE TABLE capacity__1 AS
SELECT
  t."week",
  -- production.velo:36  week_start = period_start()
  (((SELECT as_of_date FROM velo_asof) + 1) + (7 * CAST(trunc(t."week") AS INTEGER) - 7)) AS week_start,
  -- production.velo:38  capacity = weekly_capacity
  15000::DOUBLE /* weekly_capacity */ AS capacity
FROM (
  SELECT CAST(p AS DOUBLE) AS "week" FROM range(1, 13) AS s(p)
) AS t;

-- series by sku, channel (plan.velo:26), step series__1
CREATE OR REPLACE TABLE series__1 AS
SELECT
  t.sku,
  t.channel,
  -- plan.velo:27  velocity = wavg(sales.units, last 21 days, weights: linear)
  CASE WHEN COALESCE(a2.m1, 0) > 0 THEN NULL ELSE COALESCE(a2.l1, 0) / 231::DOUBLE END AS velocity,
  -- plan.velo:28  sigma = stdev(sales.units, last 21 days)
  CASE WHEN COALESCE(a2.m2, 0) > 0 THEN NULL ELSE sqrt(greatest(0, (21::DOUBLE * COALESCE(a2.q2, 0) - COALESCE(a2.s2, 0) * COALESCE(a2.s2, 0)) / 420::DOUBLE)) END AS sigma,
  -- plan.velo:29  prior_velocity = wavg(sales.units, last 21 days ending 14 days ago, weights: linear)
  CASE WHEN COALESCE(a3.m1, 0) > 0 THEN NULL ELSE COALESCE(a3.l1, 0) / 231::DOUBLE END AS prior_velocity
FROM (
  SELECT DISTINCT sku, channel FROM sales
  WHERE sku IS NOT NULL
    AND channel IS NOT NULL
    AND "date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 34) AND (SELECT as_of_date FROM velo_asof)
) AS t
LEFT JOIN (
  SELECT w.sku, w.channel, SUM(w.m1) AS m1, SUM(((w.velo_day - ((SELECT as_of_date FROM velo_asof) - 20)) + 1) * w.d1) AS l1, SUM(w.m2) AS m2, SUM(w.d2) AS s2, SUM(w.d2 * w.d2) AS q2
  FROM (
    SELECT g.sku, g.channel, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1, SUM(g.units) AS d2, COUNT(*) - COUNT(g.units) AS m2
    FROM sales AS g
    WHERE g.sku IS NOT NULL AND g.channel IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 20) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g.channel, g."date"
  ) AS w
  GROUP BY w.sku, w.channel
) AS a2 ON a2.sku = t.sku AND a2.channel = t.channel
LEFT JOIN (
  SELECT w.sku, w.channel, SUM(w.m1) AS m1, SUM(((w.velo_day - ((SELECT as_of_date FROM velo_asof) - 34)) + 1) * w.d1) AS l1
  FROM (
    SELECT g.sku, g.channel, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1
    FROM sales AS g
    WHERE g.sku IS NOT NULL AND g.channel IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 34) AND ((SELECT as_of_date FROM velo_asof) - 14)
    GROUP BY g.sku, g.channel, g."date"
  ) AS w
  GROUP BY w.sku, w.channel
) AS a3 ON a3.sku = t.sku AND a3.channel = t.channel;

-- series, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE series__2 AS
SELECT
  t.sku,
  t.channel,
  t.velocity,
  t.sigma,
  t.prior_velocity,
  -- plan.velo:30  velocity_change = velocity / prior_velocity - 1
  ((t.velocity / NULLIF(t.prior_velocity, 0)) - 1::DOUBLE) AS velocity_change
FROM series__1 AS t;

-- plan by sku (plan.velo:34), step plan__1
CREATE OR REPLACE TABLE plan__1 AS
SELECT
  t.sku,
  -- plan.velo:35  demand = sum(series.velocity)
  CASE WHEN COALESCE(a4.m1, 0) > 0 THEN NULL ELSE COALESCE(a4.v1, 0) END AS demand,
  -- plan.velo:36  sigma_d = sqrt(sum(series.sigma ^ 2))
  CASE WHEN CASE WHEN COALESCE(a4.m2, 0) > 0 THEN NULL ELSE COALESCE(a4.v2, 0) END >= 0 THEN sqrt(CASE WHEN COALESCE(a4.m2, 0) > 0 THEN NULL ELSE COALESCE(a4.v2, 0) END) END AS sigma_d
FROM (
  SELECT DISTINCT sku FROM items
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN (
  SELECT g.sku, SUM(g.velocity) AS v1, COUNT(*) - COUNT(g.velocity) AS m1, SUM((g.sigma * g.sigma)) AS v2, COUNT(*) - COUNT((g.sigma * g.sigma)) AS m2
  FROM series__2 AS g
  WHERE g.sku IS NOT NULL
  GROUP BY g.sku
) AS a4 ON a4.sku = t.sku;

-- projection, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE projection__2 AS
SELECT
  t.sku,
  t."week",
  t.week_start,
  t.receipts,
  -- production.velo:21  demand = max(plan.demand, 0) * 7 days / 1 day
  ((CASE WHEN plan.demand IS NULL THEN NULL ELSE greatest(plan.demand, 0::DOUBLE) END * 7::DOUBLE) / NULLIF(1::DOUBLE, 0)) AS demand
FROM projection__1 AS t
LEFT JOIN plan__1 AS plan ON plan.sku = t.sku;

-- series, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE series AS
SELECT
  t.sku,
  t.channel,
  t.velocity,
  t.sigma,
  t.prior_velocity,
  t.velocity_change,
  -- plan.velo:31  exception = abs(velocity_change) > velocity_threshold
  COALESCE(abs(t.velocity_change) > 0.25::DOUBLE /* velocity_threshold */ AND NOT (abs(abs(t.velocity_change) - 0.25::DOUBLE /* velocity_threshold */) <= 1e-12 * greatest(abs(abs(t.velocity_change)), abs(0.25::DOUBLE /* velocity_threshold */))), FALSE) AS "exception"
FROM series__2 AS t;

-- plan, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE plan__2 AS
SELECT
  t.sku,
  t.demand,
  t.sigma_d,
  -- plan.velo:37  safety_stock = z(service_level) * sqrt(items.lead_time_days * sigma_d ^ 2 + demand ^ 2 * items.lead_time_sd_days ^ 2)
  (1.6448536269514715::DOUBLE /* z(service_level) */ * CASE WHEN ((items.lead_time_days * (t.sigma_d * t.sigma_d)) + ((t.demand * t.demand) * (items.lead_time_sd_days * items.lead_time_sd_days))) >= 0 THEN sqrt(((items.lead_time_days * (t.sigma_d * t.sigma_d)) + ((t.demand * t.demand) * (items.lead_time_sd_days * items.lead_time_sd_days)))) END) AS safety_stock,
  -- plan.velo:44  cover_days = if demand > 0 then (inventory.on_hand ?? 0) / demand else missing("no demand")
  CASE WHEN COALESCE(t.demand > 0::DOUBLE AND NOT (abs(t.demand - 0::DOUBLE) <= 1e-12 * greatest(abs(t.demand), abs(0::DOUBLE))), FALSE) THEN (COALESCE(inventory.on_hand, 0::DOUBLE) / NULLIF(t.demand, 0)) ELSE CAST(NULL AS DOUBLE) END AS cover_days
FROM plan__1 AS t
LEFT JOIN items AS items ON items.sku = t.sku
LEFT JOIN inventory AS inventory ON inventory.sku = t.sku;

-- projection: the recurrence opening, planned_receipt, closing, period after period (production.velo:17)
CREATE OR REPLACE TABLE projection__3 AS
WITH RECURSIVE projection__3__rec AS (
  SELECT t.sku, t."week", rv1.opening, rv2.planned_receipt, rv3.closing
  FROM projection__2 AS t
  LEFT JOIN inventory AS inventory ON inventory.sku = t.sku
  LEFT JOIN stockouts__1 AS stockouts ON stockouts.sku = t.sku
  LEFT JOIN plan__2 AS plan ON plan.sku = t.sku
  LEFT JOIN items AS items ON items.sku = t.sku
  -- production.velo:19  opening = previous(closing, first: inventory.on_hand ?? 0)
  CROSS JOIN LATERAL (SELECT CAST(COALESCE(inventory.on_hand, 0::DOUBLE) AS DOUBLE) AS opening) AS rv1
  -- production.velo:23  planned_receipt = if week > stockouts.lt_weeks and opening + receipts - demand < plan.safety_stock then roundup(max(plan.safety_stock - (opening + receipts - demand), items.moq), items.case_pack) else 0
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN (COALESCE(t."week" > stockouts.lt_weeks AND NOT (abs(t."week" - stockouts.lt_weeks) <= 1e-12 * greatest(abs(t."week"), abs(stockouts.lt_weeks))), FALSE) AND COALESCE(((rv1.opening + t.receipts) - t.demand) < plan.safety_stock AND NOT (abs(((rv1.opening + t.receipts) - t.demand) - plan.safety_stock) <= 1e-12 * greatest(abs(((rv1.opening + t.receipts) - t.demand)), abs(plan.safety_stock))), FALSE)) THEN CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) - (CASE WHEN (CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack))) THEN (CASE WHEN (CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) + 0.5) END) ELSE (CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) END) * items.case_pack + 0 END ELSE 0::DOUBLE END AS DOUBLE) AS planned_receipt) AS rv2
  -- production.velo:28  closing = opening + receipts - demand + planned_receipt
  CROSS JOIN LATERAL (SELECT CAST((((rv1.opening + t.receipts) - t.demand) + rv2.planned_receipt) AS DOUBLE) AS closing) AS rv3
  WHERE t."week" = 1
  UNION ALL
  SELECT t.sku, t."week", rv1.opening, rv2.planned_receipt, rv3.closing
  FROM projection__3__rec AS r
  JOIN projection__2 AS t ON t.sku = r.sku AND t."week" = r."week" + 1
  LEFT JOIN stockouts__1 AS stockouts ON stockouts.sku = t.sku
  LEFT JOIN plan__2 AS plan ON plan.sku = t.sku
  LEFT JOIN items AS items ON items.sku = t.sku
  -- production.velo:19  opening = previous(closing, first: inventory.on_hand ?? 0)
  CROSS JOIN LATERAL (SELECT CAST(r.closing AS DOUBLE) AS opening) AS rv1
  -- production.velo:23  planned_receipt = if week > stockouts.lt_weeks and opening + receipts - demand < plan.safety_stock then roundup(max(plan.safety_stock - (opening + receipts - demand), items.moq), items.case_pack) else 0
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN (COALESCE(t."week" > stockouts.lt_weeks AND NOT (abs(t."week" - stockouts.lt_weeks) <= 1e-12 * greatest(abs(t."week"), abs(stockouts.lt_weeks))), FALSE) AND COALESCE(((rv1.opening + t.receipts) - t.demand) < plan.safety_stock AND NOT (abs(((rv1.opening + t.receipts) - t.demand) - plan.safety_stock) <= 1e-12 * greatest(abs(((rv1.opening + t.receipts) - t.demand)), abs(plan.safety_stock))), FALSE)) THEN CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) - (CASE WHEN (CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack))) THEN (CASE WHEN (CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) + 0.5) END) ELSE (CASE WHEN (plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)) IS NULL OR items.moq IS NULL THEN NULL ELSE greatest((plan.safety_stock - ((rv1.opening + t.receipts) - t.demand)), items.moq) END / items.case_pack) END) * items.case_pack + 0 END ELSE 0::DOUBLE END AS DOUBLE) AS planned_receipt) AS rv2
  -- production.velo:28  closing = opening + receipts - demand + planned_receipt
  CROSS JOIN LATERAL (SELECT CAST((((rv1.opening + t.receipts) - t.demand) + rv2.planned_receipt) AS DOUBLE) AS closing) AS rv3
)
SELECT t.sku, t."week", t.week_start, t.receipts, t.demand, r.opening, r.planned_receipt, r.closing
FROM projection__2 AS t
LEFT JOIN projection__3__rec AS r ON r.sku = t.sku AND r."week" = t."week";

-- plan, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE plan__3 AS
SELECT
  t.sku,
  t.demand,
  t.sigma_d,
  t.safety_stock,
  -- plan.velo:39  target = demand * items.lead_time_days + safety_stock
  ((t.demand * items.lead_time_days) + t.safety_stock) AS target,
  t.cover_days,
  -- plan.velo:47  cadence = decide unique
  CASE WHEN COALESCE(t.cover_days < 60::DOUBLE AND NOT (abs(t.cover_days - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover_days), abs(60::DOUBLE))), FALSE) THEN 'weekly' ELSE CASE WHEN COALESCE((t.cover_days >= 60::DOUBLE OR abs(t.cover_days - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover_days), abs(60::DOUBLE))), FALSE) THEN 'monthly' ELSE CASE WHEN (t.cover_days IS NULL) THEN 'monthly' ELSE CAST(NULL AS VARCHAR) END END END AS cadence,
  -- plan.velo:52  flagged = any(series.exception)
  COALESCE(a5.v1, FALSE) AS flagged
FROM plan__2 AS t
LEFT JOIN items AS items ON items.sku = t.sku
LEFT JOIN (
  SELECT g.sku, BOOL_OR(COALESCE(g."exception", FALSE)) AS v1
  FROM series AS g
  WHERE g.sku IS NOT NULL
  GROUP BY g.sku
) AS a5 ON a5.sku = t.sku;

-- projection, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE projection AS
SELECT
  t.sku,
  t."week",
  t.week_start,
  t.opening,
  t.receipts,
  t.demand,
  t.planned_receipt,
  -- production.velo:27  planned_release = shift(planned_receipt, stockouts.lt_weeks) ?? 0
  COALESCE(p6.planned_receipt, 0::DOUBLE) AS planned_release,
  t.closing
FROM projection__3 AS t
LEFT JOIN stockouts__1 AS stockouts ON stockouts.sku = t.sku
LEFT JOIN projection__3 AS p6 ON p6.sku = t.sku AND p6."week" = t."week" + (stockouts.lt_weeks);

-- stockouts, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE stockouts__2 AS
SELECT
  t.sku,
  t.lt_weeks,
  -- production.velo:32  stockout_week = first_period(projection.closing < 0)
  CASE WHEN COALESCE(CASE WHEN COALESCE(a7.m1, 0) > 0 THEN NULL ELSE a7.v1 END < 1000000000000000.0::DOUBLE AND NOT (abs(CASE WHEN COALESCE(a7.m1, 0) > 0 THEN NULL ELSE a7.v1 END - 1000000000000000.0::DOUBLE) <= 1e-12 * greatest(abs(CASE WHEN COALESCE(a7.m1, 0) > 0 THEN NULL ELSE a7.v1 END), abs(1000000000000000.0::DOUBLE))), FALSE) THEN CASE WHEN COALESCE(a7.m2, 0) > 0 THEN NULL ELSE a7.v2 END ELSE CAST(NULL AS DOUBLE) END AS stockout_week
FROM stockouts__1 AS t
LEFT JOIN (
  SELECT g.sku, MIN(CASE WHEN COALESCE(g.closing < 0::DOUBLE AND NOT (abs(g.closing - 0::DOUBLE) <= 1e-12 * greatest(abs(g.closing), abs(0::DOUBLE))), FALSE) THEN g."week" ELSE 1000000000000000.0::DOUBLE END) AS v1, COUNT(*) - COUNT(CASE WHEN COALESCE(g.closing < 0::DOUBLE AND NOT (abs(g.closing - 0::DOUBLE) <= 1e-12 * greatest(abs(g.closing), abs(0::DOUBLE))), FALSE) THEN g."week" ELSE 1000000000000000.0::DOUBLE END) AS m1, MIN(CASE WHEN COALESCE(g.closing < 0::DOUBLE AND NOT (abs(g.closing - 0::DOUBLE) <= 1e-12 * greatest(abs(g.closing), abs(0::DOUBLE))), FALSE) THEN g."week" ELSE 1000000000000000.0::DOUBLE END) AS v2, COUNT(*) - COUNT(CASE WHEN COALESCE(g.closing < 0::DOUBLE AND NOT (abs(g.closing - 0::DOUBLE) <= 1e-12 * greatest(abs(g.closing), abs(0::DOUBLE))), FALSE) THEN g."week" ELSE 1000000000000000.0::DOUBLE END) AS m2
  FROM projection AS g
  WHERE g.sku IS NOT NULL
  GROUP BY g.sku
) AS a7 ON a7.sku = t.sku;

-- plan, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE plan__4 AS
SELECT
  t.sku,
  t.demand,
  t.sigma_d,
  t.safety_stock,
  t.target,
  -- plan.velo:40  need = max(0, target - (inventory.on_hand ?? 0) - (inventory.on_order ?? 0))
  CASE WHEN ((t.target - COALESCE(inventory.on_hand, 0::DOUBLE)) - COALESCE(inventory.on_order, 0::DOUBLE)) IS NULL THEN NULL ELSE greatest(0::DOUBLE, ((t.target - COALESCE(inventory.on_hand, 0::DOUBLE)) - COALESCE(inventory.on_order, 0::DOUBLE))) END AS need,
  t.cover_days,
  t.cadence,
  t.flagged
FROM plan__3 AS t
LEFT JOIN inventory AS inventory ON inventory.sku = t.sku;

-- stockouts, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE stockouts AS
SELECT
  t.sku,
  t.lt_weeks,
  t.stockout_week,
  -- production.velo:33  expedite = stockout_week <= lt_weeks
  COALESCE((t.stockout_week <= t.lt_weeks OR abs(t.stockout_week - t.lt_weeks) <= 1e-12 * greatest(abs(t.stockout_week), abs(t.lt_weeks))), FALSE) AS expedite
FROM stockouts__2 AS t;

-- capacity, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE capacity__2 AS
SELECT
  t."week",
  t.week_start,
  -- production.velo:37  released = sum(projection.planned_release)
  CASE WHEN COALESCE(a8.m1, 0) > 0 THEN NULL ELSE COALESCE(a8.v1, 0) END AS released,
  t.capacity
FROM capacity__1 AS t
LEFT JOIN (
  SELECT g."week", SUM(g.planned_release) AS v1, COUNT(*) - COUNT(g.planned_release) AS m1
  FROM projection AS g
  WHERE g."week" IS NOT NULL
  GROUP BY g."week"
) AS a8 ON a8."week" = t."week";

-- plan, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE plan__5 AS
SELECT
  t.sku,
  t.demand,
  t.sigma_d,
  t.safety_stock,
  t.target,
  t.need,
  -- plan.velo:41  order_qty = if need == 0 then 0 else roundup(max(need, items.moq), items.case_pack)
  CASE WHEN COALESCE(abs(t.need - 0::DOUBLE) <= 1e-12 * greatest(abs(t.need), abs(0::DOUBLE)), FALSE) THEN 0::DOUBLE ELSE CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((CASE WHEN t.need IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need, items.moq) END / items.case_pack) - (CASE WHEN (CASE WHEN t.need IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN t.need IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN t.need IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need, items.moq) END / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((CASE WHEN t.need IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need, items.moq) END / items.case_pack))) THEN (CASE WHEN (CASE WHEN t.need IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN t.need IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN t.need IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need, items.moq) END / items.case_pack) + 0.5) END) ELSE (CASE WHEN t.need IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need, items.moq) END / items.case_pack) END) * items.case_pack + 0 END END AS order_qty,
  t.cover_days,
  t.cadence,
  t.flagged
FROM plan__4 AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- capacity, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE capacity AS
SELECT
  t."week",
  t.week_start,
  t.released,
  t.capacity,
  -- production.velo:39  over_capacity = released > capacity
  COALESCE(t.released > t.capacity AND NOT (abs(t.released - t.capacity) <= 1e-12 * greatest(abs(t.released), abs(t.capacity))), FALSE) AS over_capacity
FROM capacity__2 AS t;

-- plan, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE plan AS
SELECT
  t.sku,
  t.demand,
  t.sigma_d,
  t.safety_stock,
  t.target,
  t.need,
  t.order_qty,
  -- plan.velo:43  overproduction = order_qty - need
  (t.order_qty - t.need) AS overproduction,
  t.cover_days,
  t.cadence,
  t.flagged
FROM plan__5 AS t;

-- flag over_capacity (warning) on capacity (production.velo:41)
SELECT t."week", t.released AS value_1, t.capacity AS value_2
FROM capacity AS t
WHERE t.over_capacity;

-- flag expedite (warning) on stockouts (production.velo:44)
SELECT t.sku, t.stockout_week AS value_1, t.lt_weeks AS value_2
FROM stockouts AS t
WHERE t.expedite;

-- flag velocity_shift (warning) on series (plan.velo:54)
SELECT t.sku, t.channel, t.velocity_change AS value_1
FROM series AS t
WHERE t."exception";

-- flag new_launch (warning) on series (plan.velo:59)
SELECT t.sku, t.channel, t.velocity AS value_1
FROM series AS t
WHERE (COALESCE(abs(t.prior_velocity - 0::DOUBLE) <= 1e-12 * greatest(abs(t.prior_velocity), abs(0::DOUBLE)), FALSE) AND COALESCE(t.velocity > 0::DOUBLE AND NOT (abs(t.velocity - 0::DOUBLE) <= 1e-12 * greatest(abs(t.velocity), abs(0::DOUBLE))), FALSE));

-- flag gone_quiet (warning) on series (plan.velo:62)
SELECT t.sku, t.channel, t.prior_velocity AS value_1
FROM series AS t
WHERE (COALESCE(abs(t.velocity - 0::DOUBLE) <= 1e-12 * greatest(abs(t.velocity), abs(0::DOUBLE)), FALSE) AND COALESCE(t.prior_velocity > 0::DOUBLE AND NOT (abs(t.prior_velocity - 0::DOUBLE) <= 1e-12 * greatest(abs(t.prior_velocity), abs(0::DOUBLE))), FALSE));

-- check plan: order_qty >= 0 on plan: rows where `order_qty >= 0` does not hold (plan.velo:65)
SELECT t.sku, t.order_qty
FROM plan AS t
WHERE NOT COALESCE(COALESCE((t.order_qty >= 0::DOUBLE OR abs(t.order_qty - 0::DOUBLE) <= 1e-12 * greatest(abs(t.order_qty), abs(0::DOUBLE))), FALSE), FALSE);
