-- decisions.velo, compiled to PostgreSQL by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- items: ../../../Examples/replenishment/data/items.csv (decisions.velo:4)
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

\copy items (sku, moq, case_pack, lead_time_days, lead_time_sd_days, unit_cost, below_moq_surcharge_pct, holding_cost_pct_per_year, supplier) FROM 'Tests/Fixtures/sql/../../../Examples/replenishment/data/items.csv' WITH (FORMAT csv, HEADER true)

-- inventory: ../../../Examples/replenishment/data/inventory.csv (decisions.velo:5)
DROP TABLE IF EXISTS inventory CASCADE;
CREATE TABLE inventory (
  sku text,
  on_hand double precision,
  on_order double precision
);

\copy inventory (sku, on_hand, on_order) FROM 'Tests/Fixtures/sql/../../../Examples/replenishment/data/inventory.csv' WITH (FORMAT csv, HEADER true)

-- the as-of date: the latest date in 
DROP TABLE IF EXISTS velo_asof CASCADE;
CREATE TABLE velo_asof AS
SELECT CAST(NULL AS date) AS as_of_date;

-- policy by sku (decisions.velo:7), step policy__1
DROP TABLE IF EXISTS policy__1 CASCADE;
CREATE TABLE policy__1 AS
SELECT
  t.sku,
  -- decisions.velo:8  cover = (inventory.on_hand ?? 0) / items.moq * 30
  ((COALESCE(inventory.on_hand, 0::float8) / NULLIF(items.moq, 0)) * 30::float8) AS cover,
  -- decisions.velo:9  lead = items.lead_time_days
  items.lead_time_days AS lead
FROM (
  SELECT DISTINCT sku FROM items
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN inventory AS inventory ON inventory.sku = t.sku
LEFT JOIN items AS items ON items.sku = t.sku;

-- policy, next step (formulas that read the ones before)
DROP TABLE IF EXISTS policy CASCADE;
CREATE TABLE policy AS
SELECT
  t.sku,
  t.cover,
  t.lead,
  -- decisions.velo:10  cadence = decide unique
  CASE WHEN COALESCE(t.cover < 30::float8 AND NOT (abs(t.cover - 30::float8) <= 1e-12 * greatest(abs(t.cover), abs(30::float8))), FALSE) THEN 'weekly' ELSE CASE WHEN ((COALESCE((t.cover >= 30::float8 OR abs(t.cover - 30::float8) <= 1e-12 * greatest(abs(t.cover), abs(30::float8))), FALSE) AND COALESCE(t.cover < 60::float8 AND NOT (abs(t.cover - 60::float8) <= 1e-12 * greatest(abs(t.cover), abs(60::float8))), FALSE)) AND COALESCE(t.lead < 14::float8 AND NOT (abs(t.lead - 14::float8) <= 1e-12 * greatest(abs(t.lead), abs(14::float8))), FALSE)) THEN 'weekly' ELSE CASE WHEN (((COALESCE((t.cover >= 30::float8 OR abs(t.cover - 30::float8) <= 1e-12 * greatest(abs(t.cover), abs(30::float8))), FALSE) AND COALESCE(t.cover < 60::float8 AND NOT (abs(t.cover - 60::float8) <= 1e-12 * greatest(abs(t.cover), abs(60::float8))), FALSE)) AND COALESCE((t.lead >= 14::float8 OR abs(t.lead - 14::float8) <= 1e-12 * greatest(abs(t.lead), abs(14::float8))), FALSE)) AND COALESCE(items.supplier = 'Acme', FALSE)) THEN 'biweekly' ELSE CASE WHEN (((COALESCE((t.cover >= 30::float8 OR abs(t.cover - 30::float8) <= 1e-12 * greatest(abs(t.cover), abs(30::float8))), FALSE) AND COALESCE(t.cover < 60::float8 AND NOT (abs(t.cover - 60::float8) <= 1e-12 * greatest(abs(t.cover), abs(60::float8))), FALSE)) AND COALESCE((t.lead >= 14::float8 OR abs(t.lead - 14::float8) <= 1e-12 * greatest(abs(t.lead), abs(14::float8))), FALSE)) AND COALESCE(items.supplier <> 'Acme', FALSE)) THEN 'monthly' ELSE CASE WHEN COALESCE((t.cover >= 60::float8 OR abs(t.cover - 60::float8) <= 1e-12 * greatest(abs(t.cover), abs(60::float8))), FALSE) THEN 'monthly' ELSE CASE WHEN (t.cover IS NULL) THEN 'monthly' ELSE CAST(NULL AS text) END END END END END END AS cadence,
  -- decisions.velo:10  weight = decide unique
  CASE WHEN COALESCE(t.cover < 30::float8 AND NOT (abs(t.cover - 30::float8) <= 1e-12 * greatest(abs(t.cover), abs(30::float8))), FALSE) THEN 1::float8 ELSE CASE WHEN ((COALESCE((t.cover >= 30::float8 OR abs(t.cover - 30::float8) <= 1e-12 * greatest(abs(t.cover), abs(30::float8))), FALSE) AND COALESCE(t.cover < 60::float8 AND NOT (abs(t.cover - 60::float8) <= 1e-12 * greatest(abs(t.cover), abs(60::float8))), FALSE)) AND COALESCE(t.lead < 14::float8 AND NOT (abs(t.lead - 14::float8) <= 1e-12 * greatest(abs(t.lead), abs(14::float8))), FALSE)) THEN 2::float8 ELSE CASE WHEN (((COALESCE((t.cover >= 30::float8 OR abs(t.cover - 30::float8) <= 1e-12 * greatest(abs(t.cover), abs(30::float8))), FALSE) AND COALESCE(t.cover < 60::float8 AND NOT (abs(t.cover - 60::float8) <= 1e-12 * greatest(abs(t.cover), abs(60::float8))), FALSE)) AND COALESCE((t.lead >= 14::float8 OR abs(t.lead - 14::float8) <= 1e-12 * greatest(abs(t.lead), abs(14::float8))), FALSE)) AND COALESCE(items.supplier = 'Acme', FALSE)) THEN 3::float8 ELSE CASE WHEN (((COALESCE((t.cover >= 30::float8 OR abs(t.cover - 30::float8) <= 1e-12 * greatest(abs(t.cover), abs(30::float8))), FALSE) AND COALESCE(t.cover < 60::float8 AND NOT (abs(t.cover - 60::float8) <= 1e-12 * greatest(abs(t.cover), abs(60::float8))), FALSE)) AND COALESCE((t.lead >= 14::float8 OR abs(t.lead - 14::float8) <= 1e-12 * greatest(abs(t.lead), abs(14::float8))), FALSE)) AND COALESCE(items.supplier <> 'Acme', FALSE)) THEN 3.5::float8 ELSE CASE WHEN COALESCE((t.cover >= 60::float8 OR abs(t.cover - 60::float8) <= 1e-12 * greatest(abs(t.cover), abs(60::float8))), FALSE) THEN 4::float8 ELSE CASE WHEN (t.cover IS NULL) THEN 0::float8 ELSE CAST(NULL AS double precision) END END END END END END AS weight,
  -- decisions.velo:19  level = decide priority
  CASE WHEN COALESCE(t.lead > 20::float8 AND NOT (abs(t.lead - 20::float8) <= 1e-12 * greatest(abs(t.lead), abs(20::float8))), FALSE) THEN 'high' ELSE CASE WHEN COALESCE(t.cover < 50::float8 AND NOT (abs(t.cover - 50::float8) <= 1e-12 * greatest(abs(t.cover), abs(50::float8))), FALSE) THEN 'mid' ELSE 'low' END END AS "level",
  -- decisions.velo:25  points = decide collect sum
  CASE WHEN (t.cover IS NULL) THEN CAST(NULL AS double precision) ELSE CASE WHEN (t.lead IS NULL) THEN CAST(NULL AS double precision) ELSE ((CASE WHEN COALESCE(t.cover < 50::float8 AND NOT (abs(t.cover - 50::float8) <= 1e-12 * greatest(abs(t.cover), abs(50::float8))), FALSE) THEN 10::float8 ELSE 0::float8 END + CASE WHEN (COALESCE(t.lead > 0::float8 AND NOT (abs(t.lead - 0::float8) <= 1e-12 * greatest(abs(t.lead), abs(0::float8))), FALSE) AND COALESCE((t.lead <= 14::float8 OR abs(t.lead - 14::float8) <= 1e-12 * greatest(abs(t.lead), abs(14::float8))), FALSE)) THEN 1::float8 ELSE 0::float8 END) + CASE WHEN (COALESCE(t.lead > 14::float8 AND NOT (abs(t.lead - 14::float8) <= 1e-12 * greatest(abs(t.lead), abs(14::float8))), FALSE) OR COALESCE(t.lead < 0::float8 AND NOT (abs(t.lead - 0::float8) <= 1e-12 * greatest(abs(t.lead), abs(0::float8))), FALSE)) THEN 100::float8 ELSE 0::float8 END) END END AS points,
  -- decisions.velo:30  hits = decide collect count
  CASE WHEN (t.cover IS NULL) THEN CAST(NULL AS double precision) ELSE CASE WHEN (t.lead IS NULL) THEN CAST(NULL AS double precision) ELSE (CASE WHEN COALESCE(t.cover < 50::float8 AND NOT (abs(t.cover - 50::float8) <= 1e-12 * greatest(abs(t.cover), abs(50::float8))), FALSE) THEN 1::float8 ELSE 0::float8 END + CASE WHEN COALESCE(t.lead > 14::float8 AND NOT (abs(t.lead - 14::float8) <= 1e-12 * greatest(abs(t.lead), abs(14::float8))), FALSE) THEN 1::float8 ELSE 0::float8 END) END END AS hits,
  -- decisions.velo:34  floor_days = decide collect min
  CASE WHEN COALESCE(t.cover > 5::float8 AND NOT (abs(t.cover - 5::float8) <= 1e-12 * greatest(abs(t.cover), abs(5::float8))), FALSE) THEN 5::float8 ELSE CASE WHEN COALESCE(t.cover > 40::float8 AND NOT (abs(t.cover - 40::float8) <= 1e-12 * greatest(abs(t.cover), abs(40::float8))), FALSE) THEN 40::float8 ELSE 0::float8 END END AS floor_days
FROM policy__1 AS t
LEFT JOIN items AS items ON items.sku = t.sku;
