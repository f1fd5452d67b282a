-- decisions.velo, compiled to DuckDB by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- items: ../../../Examples/replenishment/data/items.csv (decisions.velo:4)
CREATE OR REPLACE TABLE items AS
SELECT * FROM read_csv('Tests/Fixtures/sql/../../../Examples/replenishment/data/items.csv', header = true, auto_detect = false,
  columns = {'sku': 'VARCHAR', 'moq': 'DOUBLE', 'case_pack': 'DOUBLE', 'lead_time_days': 'DOUBLE', 'lead_time_sd_days': 'DOUBLE', 'unit_cost': 'DOUBLE', 'below_moq_surcharge_pct': 'DOUBLE', 'holding_cost_pct_per_year': 'DOUBLE', 'supplier': 'VARCHAR'});

-- inventory: ../../../Examples/replenishment/data/inventory.csv (decisions.velo:5)
CREATE OR REPLACE TABLE inventory AS
SELECT * FROM read_csv('Tests/Fixtures/sql/../../../Examples/replenishment/data/inventory.csv', header = true, auto_detect = false,
  columns = {'sku': 'VARCHAR', 'on_hand': 'DOUBLE', 'on_order': 'DOUBLE'});

-- the as-of date: the latest date in 
CREATE OR REPLACE TABLE velo_asof AS
SELECT CAST(NULL AS DATE) AS as_of_date;

-- policy by sku (decisions.velo:7), step policy__1
CREATE OR REPLACE TABLE policy__1 AS
SELECT
  t.sku,
  -- decisions.velo:8  cover = (inventory.on_hand ?? 0) / items.moq * 30
  ((COALESCE(inventory.on_hand, 0::DOUBLE) / NULLIF(items.moq, 0)) * 30::DOUBLE) AS cover,
  -- decisions.velo:9  lead = items.lead_time_days
  items.lead_time_days AS lead
FROM (
  SELECT DISTINCT sku FROM items
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN inventory AS inventory ON inventory.sku = t.sku
LEFT JOIN items AS items ON items.sku = t.sku;

-- policy, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE policy AS
SELECT
  t.sku,
  t.cover,
  t.lead,
  -- decisions.velo:10  cadence = decide unique
  CASE WHEN COALESCE(t.cover < 30::DOUBLE AND NOT (abs(t.cover - 30::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(30::DOUBLE))), FALSE) THEN 'weekly' ELSE CASE WHEN ((COALESCE((t.cover >= 30::DOUBLE OR abs(t.cover - 30::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(30::DOUBLE))), FALSE) AND COALESCE(t.cover < 60::DOUBLE AND NOT (abs(t.cover - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(60::DOUBLE))), FALSE)) AND COALESCE(t.lead < 14::DOUBLE AND NOT (abs(t.lead - 14::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(14::DOUBLE))), FALSE)) THEN 'weekly' ELSE CASE WHEN (((COALESCE((t.cover >= 30::DOUBLE OR abs(t.cover - 30::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(30::DOUBLE))), FALSE) AND COALESCE(t.cover < 60::DOUBLE AND NOT (abs(t.cover - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(60::DOUBLE))), FALSE)) AND COALESCE((t.lead >= 14::DOUBLE OR abs(t.lead - 14::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(14::DOUBLE))), FALSE)) AND COALESCE(items.supplier = 'Acme', FALSE)) THEN 'biweekly' ELSE CASE WHEN (((COALESCE((t.cover >= 30::DOUBLE OR abs(t.cover - 30::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(30::DOUBLE))), FALSE) AND COALESCE(t.cover < 60::DOUBLE AND NOT (abs(t.cover - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(60::DOUBLE))), FALSE)) AND COALESCE((t.lead >= 14::DOUBLE OR abs(t.lead - 14::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(14::DOUBLE))), FALSE)) AND COALESCE(items.supplier <> 'Acme', FALSE)) THEN 'monthly' ELSE CASE WHEN COALESCE((t.cover >= 60::DOUBLE OR abs(t.cover - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(60::DOUBLE))), FALSE) THEN 'monthly' ELSE CASE WHEN (t.cover IS NULL) THEN 'monthly' ELSE CAST(NULL AS VARCHAR) END END END END END END AS cadence,
  -- decisions.velo:10  weight = decide unique
  CASE WHEN COALESCE(t.cover < 30::DOUBLE AND NOT (abs(t.cover - 30::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(30::DOUBLE))), FALSE) THEN 1::DOUBLE ELSE CASE WHEN ((COALESCE((t.cover >= 30::DOUBLE OR abs(t.cover - 30::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(30::DOUBLE))), FALSE) AND COALESCE(t.cover < 60::DOUBLE AND NOT (abs(t.cover - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(60::DOUBLE))), FALSE)) AND COALESCE(t.lead < 14::DOUBLE AND NOT (abs(t.lead - 14::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(14::DOUBLE))), FALSE)) THEN 2::DOUBLE ELSE CASE WHEN (((COALESCE((t.cover >= 30::DOUBLE OR abs(t.cover - 30::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(30::DOUBLE))), FALSE) AND COALESCE(t.cover < 60::DOUBLE AND NOT (abs(t.cover - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(60::DOUBLE))), FALSE)) AND COALESCE((t.lead >= 14::DOUBLE OR abs(t.lead - 14::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(14::DOUBLE))), FALSE)) AND COALESCE(items.supplier = 'Acme', FALSE)) THEN 3::DOUBLE ELSE CASE WHEN (((COALESCE((t.cover >= 30::DOUBLE OR abs(t.cover - 30::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(30::DOUBLE))), FALSE) AND COALESCE(t.cover < 60::DOUBLE AND NOT (abs(t.cover - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(60::DOUBLE))), FALSE)) AND COALESCE((t.lead >= 14::DOUBLE OR abs(t.lead - 14::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(14::DOUBLE))), FALSE)) AND COALESCE(items.supplier <> 'Acme', FALSE)) THEN 3.5::DOUBLE ELSE CASE WHEN COALESCE((t.cover >= 60::DOUBLE OR abs(t.cover - 60::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(60::DOUBLE))), FALSE) THEN 4::DOUBLE ELSE CASE WHEN (t.cover IS NULL) THEN 0::DOUBLE ELSE CAST(NULL AS DOUBLE) END END END END END END AS weight,
  -- decisions.velo:19  level = decide priority
  CASE WHEN COALESCE(t.lead > 20::DOUBLE AND NOT (abs(t.lead - 20::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(20::DOUBLE))), FALSE) THEN 'high' ELSE CASE WHEN COALESCE(t.cover < 50::DOUBLE AND NOT (abs(t.cover - 50::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(50::DOUBLE))), FALSE) THEN 'mid' ELSE 'low' END END AS "level",
  -- decisions.velo:25  points = decide collect sum
  CASE WHEN (t.cover IS NULL) THEN CAST(NULL AS DOUBLE) ELSE CASE WHEN (t.lead IS NULL) THEN CAST(NULL AS DOUBLE) ELSE ((CASE WHEN COALESCE(t.cover < 50::DOUBLE AND NOT (abs(t.cover - 50::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(50::DOUBLE))), FALSE) THEN 10::DOUBLE ELSE 0::DOUBLE END + CASE WHEN (COALESCE(t.lead > 0::DOUBLE AND NOT (abs(t.lead - 0::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(0::DOUBLE))), FALSE) AND COALESCE((t.lead <= 14::DOUBLE OR abs(t.lead - 14::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(14::DOUBLE))), FALSE)) THEN 1::DOUBLE ELSE 0::DOUBLE END) + CASE WHEN (COALESCE(t.lead > 14::DOUBLE AND NOT (abs(t.lead - 14::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(14::DOUBLE))), FALSE) OR COALESCE(t.lead < 0::DOUBLE AND NOT (abs(t.lead - 0::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(0::DOUBLE))), FALSE)) THEN 100::DOUBLE ELSE 0::DOUBLE END) END END AS points,
  -- decisions.velo:30  hits = decide collect count
  CASE WHEN (t.cover IS NULL) THEN CAST(NULL AS DOUBLE) ELSE CASE WHEN (t.lead IS NULL) THEN CAST(NULL AS DOUBLE) ELSE (CASE WHEN COALESCE(t.cover < 50::DOUBLE AND NOT (abs(t.cover - 50::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(50::DOUBLE))), FALSE) THEN 1::DOUBLE ELSE 0::DOUBLE END + CASE WHEN COALESCE(t.lead > 14::DOUBLE AND NOT (abs(t.lead - 14::DOUBLE) <= 1e-12 * greatest(abs(t.lead), abs(14::DOUBLE))), FALSE) THEN 1::DOUBLE ELSE 0::DOUBLE END) END END AS hits,
  -- decisions.velo:34  floor_days = decide collect min
  CASE WHEN COALESCE(t.cover > 5::DOUBLE AND NOT (abs(t.cover - 5::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(5::DOUBLE))), FALSE) THEN 5::DOUBLE ELSE CASE WHEN COALESCE(t.cover > 40::DOUBLE AND NOT (abs(t.cover - 40::DOUBLE) <= 1e-12 * greatest(abs(t.cover), abs(40::DOUBLE))), FALSE) THEN 40::DOUBLE ELSE 0::DOUBLE END END AS floor_days
FROM policy__1 AS t
LEFT JOIN items AS items ON items.sku = t.sku;
