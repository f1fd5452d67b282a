-- decisions.velo, compiled to Spark SQL by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- items: ../../../Examples/replenishment/data/items.csv (decisions.velo:4)
CREATE OR REPLACE TEMPORARY VIEW items__csv (sku STRING, moq DOUBLE, case_pack DOUBLE, lead_time_days DOUBLE, lead_time_sd_days DOUBLE, unit_cost DOUBLE, below_moq_surcharge_pct DOUBLE, holding_cost_pct_per_year DOUBLE, supplier STRING)
USING csv OPTIONS (path 'Tests/Fixtures/sql/../../../Examples/replenishment/data/items.csv', header 'true');

CACHE LAZY TABLE items AS SELECT * FROM items__csv;

-- inventory: ../../../Examples/replenishment/data/inventory.csv (decisions.velo:5)
CREATE OR REPLACE TEMPORARY VIEW inventory__csv (sku STRING, on_hand DOUBLE, on_order DOUBLE)
USING csv OPTIONS (path 'Tests/Fixtures/sql/../../../Examples/replenishment/data/inventory.csv', header 'true');

CACHE LAZY TABLE inventory AS SELECT * FROM inventory__csv;

-- the as-of date: the latest date in 
CACHE LAZY TABLE velo_asof AS
SELECT CAST(NULL AS DATE) AS as_of_date;

-- policy by sku (decisions.velo:7), step policy__1
CACHE LAZY TABLE policy__1 AS
SELECT
  t.sku,
  -- decisions.velo:8  cover = (inventory.on_hand ?? 0) / items.moq * 30
  ((COALESCE(inventory.on_hand, 0D) / NULLIF(items.moq, 0)) * 30D) AS cover,
  -- decisions.velo:9  lead = items.lead_time_days
  items.lead_time_days AS lead
FROM (
  SELECT DISTINCT sku FROM items
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN inventory AS inventory ON inventory.sku = t.sku
LEFT JOIN items AS items ON items.sku = t.sku;

-- policy, next step (formulas that read the ones before)
CACHE LAZY TABLE policy AS
SELECT
  t.sku,
  t.cover,
  t.lead,
  -- decisions.velo:10  cadence = decide unique
  CASE WHEN COALESCE(t.cover < 30D AND NOT (abs(t.cover - 30D) <= 1e-12 * greatest(abs(t.cover), abs(30D))), FALSE) THEN 'weekly' ELSE CASE WHEN ((COALESCE((t.cover >= 30D OR abs(t.cover - 30D) <= 1e-12 * greatest(abs(t.cover), abs(30D))), FALSE) AND COALESCE(t.cover < 60D AND NOT (abs(t.cover - 60D) <= 1e-12 * greatest(abs(t.cover), abs(60D))), FALSE)) AND COALESCE(t.lead < 14D AND NOT (abs(t.lead - 14D) <= 1e-12 * greatest(abs(t.lead), abs(14D))), FALSE)) THEN 'weekly' ELSE CASE WHEN (((COALESCE((t.cover >= 30D OR abs(t.cover - 30D) <= 1e-12 * greatest(abs(t.cover), abs(30D))), FALSE) AND COALESCE(t.cover < 60D AND NOT (abs(t.cover - 60D) <= 1e-12 * greatest(abs(t.cover), abs(60D))), FALSE)) AND COALESCE((t.lead >= 14D OR abs(t.lead - 14D) <= 1e-12 * greatest(abs(t.lead), abs(14D))), FALSE)) AND COALESCE(items.supplier = 'Acme', FALSE)) THEN 'biweekly' ELSE CASE WHEN (((COALESCE((t.cover >= 30D OR abs(t.cover - 30D) <= 1e-12 * greatest(abs(t.cover), abs(30D))), FALSE) AND COALESCE(t.cover < 60D AND NOT (abs(t.cover - 60D) <= 1e-12 * greatest(abs(t.cover), abs(60D))), FALSE)) AND COALESCE((t.lead >= 14D OR abs(t.lead - 14D) <= 1e-12 * greatest(abs(t.lead), abs(14D))), FALSE)) AND COALESCE(items.supplier <> 'Acme', FALSE)) THEN 'monthly' ELSE CASE WHEN COALESCE((t.cover >= 60D OR abs(t.cover - 60D) <= 1e-12 * greatest(abs(t.cover), abs(60D))), FALSE) THEN 'monthly' ELSE CASE WHEN (t.cover IS NULL) THEN 'monthly' ELSE CAST(NULL AS STRING) END END END END END END AS cadence,
  -- decisions.velo:10  weight = decide unique
  CASE WHEN COALESCE(t.cover < 30D AND NOT (abs(t.cover - 30D) <= 1e-12 * greatest(abs(t.cover), abs(30D))), FALSE) THEN 1D ELSE CASE WHEN ((COALESCE((t.cover >= 30D OR abs(t.cover - 30D) <= 1e-12 * greatest(abs(t.cover), abs(30D))), FALSE) AND COALESCE(t.cover < 60D AND NOT (abs(t.cover - 60D) <= 1e-12 * greatest(abs(t.cover), abs(60D))), FALSE)) AND COALESCE(t.lead < 14D AND NOT (abs(t.lead - 14D) <= 1e-12 * greatest(abs(t.lead), abs(14D))), FALSE)) THEN 2D ELSE CASE WHEN (((COALESCE((t.cover >= 30D OR abs(t.cover - 30D) <= 1e-12 * greatest(abs(t.cover), abs(30D))), FALSE) AND COALESCE(t.cover < 60D AND NOT (abs(t.cover - 60D) <= 1e-12 * greatest(abs(t.cover), abs(60D))), FALSE)) AND COALESCE((t.lead >= 14D OR abs(t.lead - 14D) <= 1e-12 * greatest(abs(t.lead), abs(14D))), FALSE)) AND COALESCE(items.supplier = 'Acme', FALSE)) THEN 3D ELSE CASE WHEN (((COALESCE((t.cover >= 30D OR abs(t.cover - 30D) <= 1e-12 * greatest(abs(t.cover), abs(30D))), FALSE) AND COALESCE(t.cover < 60D AND NOT (abs(t.cover - 60D) <= 1e-12 * greatest(abs(t.cover), abs(60D))), FALSE)) AND COALESCE((t.lead >= 14D OR abs(t.lead - 14D) <= 1e-12 * greatest(abs(t.lead), abs(14D))), FALSE)) AND COALESCE(items.supplier <> 'Acme', FALSE)) THEN 3.5D ELSE CASE WHEN COALESCE((t.cover >= 60D OR abs(t.cover - 60D) <= 1e-12 * greatest(abs(t.cover), abs(60D))), FALSE) THEN 4D ELSE CASE WHEN (t.cover IS NULL) THEN 0D ELSE CAST(NULL AS DOUBLE) END END END END END END AS weight,
  -- decisions.velo:19  level = decide priority
  CASE WHEN COALESCE(t.lead > 20D AND NOT (abs(t.lead - 20D) <= 1e-12 * greatest(abs(t.lead), abs(20D))), FALSE) THEN 'high' ELSE CASE WHEN COALESCE(t.cover < 50D AND NOT (abs(t.cover - 50D) <= 1e-12 * greatest(abs(t.cover), abs(50D))), FALSE) THEN 'mid' ELSE 'low' END END AS `level`,
  -- decisions.velo:25  points = decide collect sum
  CASE WHEN (t.cover IS NULL) THEN CAST(NULL AS DOUBLE) ELSE CASE WHEN (t.lead IS NULL) THEN CAST(NULL AS DOUBLE) ELSE ((CASE WHEN COALESCE(t.cover < 50D AND NOT (abs(t.cover - 50D) <= 1e-12 * greatest(abs(t.cover), abs(50D))), FALSE) THEN 10D ELSE 0D END + CASE WHEN (COALESCE(t.lead > 0D AND NOT (abs(t.lead - 0D) <= 1e-12 * greatest(abs(t.lead), abs(0D))), FALSE) AND COALESCE((t.lead <= 14D OR abs(t.lead - 14D) <= 1e-12 * greatest(abs(t.lead), abs(14D))), FALSE)) THEN 1D ELSE 0D END) + CASE WHEN (COALESCE(t.lead > 14D AND NOT (abs(t.lead - 14D) <= 1e-12 * greatest(abs(t.lead), abs(14D))), FALSE) OR COALESCE(t.lead < 0D AND NOT (abs(t.lead - 0D) <= 1e-12 * greatest(abs(t.lead), abs(0D))), FALSE)) THEN 100D ELSE 0D END) END END AS points,
  -- decisions.velo:30  hits = decide collect count
  CASE WHEN (t.cover IS NULL) THEN CAST(NULL AS DOUBLE) ELSE CASE WHEN (t.lead IS NULL) THEN CAST(NULL AS DOUBLE) ELSE (CASE WHEN COALESCE(t.cover < 50D AND NOT (abs(t.cover - 50D) <= 1e-12 * greatest(abs(t.cover), abs(50D))), FALSE) THEN 1D ELSE 0D END + CASE WHEN COALESCE(t.lead > 14D AND NOT (abs(t.lead - 14D) <= 1e-12 * greatest(abs(t.lead), abs(14D))), FALSE) THEN 1D ELSE 0D END) END END AS hits,
  -- decisions.velo:34  floor_days = decide collect min
  CASE WHEN COALESCE(t.cover > 5D AND NOT (abs(t.cover - 5D) <= 1e-12 * greatest(abs(t.cover), abs(5D))), FALSE) THEN 5D ELSE CASE WHEN COALESCE(t.cover > 40D AND NOT (abs(t.cover - 40D) <= 1e-12 * greatest(abs(t.cover), abs(40D))), FALSE) THEN 40D ELSE 0D END END AS floor_days
FROM policy__1 AS t
LEFT JOIN items AS items ON items.sku = t.sku;
