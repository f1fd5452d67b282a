-- constructs.velo, compiled to PostgreSQL by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- sales: ../../../Examples/replenishment/data/sales.csv (constructs.velo:3)
DROP TABLE IF EXISTS sales CASCADE;
CREATE TABLE sales (
  "date" date,
  sku text,
  channel text,
  units double precision
);

\copy sales ("date", sku, channel, units) FROM 'Tests/Fixtures/sql/../../../Examples/replenishment/data/sales.csv' WITH (FORMAT csv, HEADER true)

-- items: ../../../Examples/replenishment/data/items.csv (constructs.velo:4)
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

-- inventory: ../../../Examples/replenishment/data/inventory.csv (constructs.velo:5)
DROP TABLE IF EXISTS inventory CASCADE;
CREATE TABLE inventory (
  sku text,
  on_hand double precision,
  on_order double precision
);

\copy inventory (sku, on_hand, on_order) FROM 'Tests/Fixtures/sql/../../../Examples/replenishment/data/inventory.csv' WITH (FORMAT csv, HEADER true)

-- the as-of date: the latest date in sales
DROP TABLE IF EXISTS velo_asof CASCADE;
CREATE TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX("date") AS d FROM sales
) AS dates;

-- daily by sku (constructs.velo:9), step daily__1
DROP TABLE IF EXISTS daily__1 CASCADE;
CREATE TABLE daily__1 AS
SELECT
  t.sku,
  -- constructs.velo:10  recent = wavg(sales.units, last 28 days, half_life: 7 days)
  CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.e1, 0) / 9.94417095955377::float8 END AS recent,
  -- constructs.velo:11  low = min(sales.units, last 14 days)
  CASE WHEN COALESCE(a2.m1, 0) > 0 THEN NULL ELSE CASE WHEN COALESCE(a2.days1, 0) < 14 THEN least(0, COALESCE(a2.x1, 0)) ELSE a2.x1 END END AS low,
  -- constructs.velo:12  high = max(sales.units, last 14 days)
  CASE WHEN COALESCE(a2.m2, 0) > 0 THEN NULL ELSE CASE WHEN COALESCE(a2.days2, 0) < 14 THEN greatest(0, COALESCE(a2.x2, 0)) ELSE a2.x2 END END AS high,
  -- constructs.velo:13  spread = variance(sales.units, last 14 days)
  CASE WHEN COALESCE(a2.m3, 0) > 0 THEN NULL ELSE greatest(0, (14::float8 * COALESCE(a2.q3, 0) - COALESCE(a2.s3, 0) * COALESCE(a2.s3, 0)) / 182::float8) END AS spread,
  -- constructs.velo:14  mean = avg(sales.units, last 7 days)
  CASE WHEN COALESCE(a3.m1, 0) > 0 THEN NULL ELSE COALESCE(a3.s1, 0) / 7::float8 END AS mean,
  -- constructs.velo:15  lines = count(sales.units, last 7 days)
  CAST(COALESCE(a3.n2, 0) AS double precision) AS lines,
  -- constructs.velo:16  busy = all(sales.units > 10, last 7 days)
  COALESCE(a3.b3, TRUE) AS busy,
  -- constructs.velo:17  any_big = any(sales.units > 150, last 7 days)
  COALESCE(a3.b4, FALSE) AS any_big,
  -- constructs.velo:18  total = sum(sales.units * items.unit_cost, last 7 days)
  CASE WHEN COALESCE(a3.m5, 0) > 0 THEN NULL ELSE COALESCE(a3.s5, 0) END AS total,
  -- constructs.velo:21  packs = rounddown(inventory.on_hand ?? 0, items.case_pack)
  CASE WHEN items.case_pack > 0 THEN floor(CASE WHEN abs((COALESCE(inventory.on_hand, 0::float8) / items.case_pack) - (CASE WHEN (COALESCE(inventory.on_hand, 0::float8) / items.case_pack) < 0 THEN -floor(-(COALESCE(inventory.on_hand, 0::float8) / items.case_pack) + 0.5) ELSE floor((COALESCE(inventory.on_hand, 0::float8) / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((COALESCE(inventory.on_hand, 0::float8) / items.case_pack))) THEN (CASE WHEN (COALESCE(inventory.on_hand, 0::float8) / items.case_pack) < 0 THEN -floor(-(COALESCE(inventory.on_hand, 0::float8) / items.case_pack) + 0.5) ELSE floor((COALESCE(inventory.on_hand, 0::float8) / items.case_pack) + 0.5) END) ELSE (COALESCE(inventory.on_hand, 0::float8) / items.case_pack) END) * items.case_pack + 0 END AS packs,
  -- constructs.velo:23  restock = asof() + horizon
  ((SELECT as_of_date FROM velo_asof) + CAST(trunc(14::float8 /* horizon */) AS integer)) AS restock,
  -- constructs.velo:24  weekday = weekday(asof())
  CAST(EXTRACT(ISODOW FROM (SELECT as_of_date FROM velo_asof)) AS double precision) AS weekday,
  -- constructs.velo:25  monday = week_start(asof())
  ((SELECT as_of_date FROM velo_asof) + (1 - CAST(CAST(EXTRACT(ISODOW FROM (SELECT as_of_date FROM velo_asof)) AS double precision) AS INTEGER))) AS monday,
  -- constructs.velo:26  month_day = day(month_start(asof()))
  CAST(EXTRACT(DAY FROM CAST(date_trunc('month', (SELECT as_of_date FROM velo_asof)) AS DATE)) AS double precision) AS month_day,
  -- constructs.velo:27  week = iso_week(asof())
  CAST(EXTRACT(WEEK FROM (SELECT as_of_date FROM velo_asof)) AS double precision) AS "week"
FROM (
  SELECT DISTINCT sku FROM items
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN (
  SELECT w.sku, SUM(w.m1) AS m1, SUM(power(0.9057236642639067::float8, ((SELECT as_of_date FROM velo_asof) - w.velo_day)) * w.d1) AS e1
  FROM (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1
    FROM sales AS g
    WHERE g.sku IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 27) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g."date"
  ) AS w
  GROUP BY w.sku
) AS a1 ON a1.sku = t.sku
LEFT JOIN (
  SELECT w.sku, SUM(w.m1) AS m1, MIN(w.d1) AS x1, COUNT(w.velo_day) AS days1, SUM(w.m2) AS m2, MAX(w.d2) AS x2, COUNT(w.velo_day) AS days2, SUM(w.m3) AS m3, SUM(w.d3) AS s3, SUM(w.d3 * w.d3) AS q3
  FROM (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1, SUM(g.units) AS d2, COUNT(*) - COUNT(g.units) AS m2, SUM(g.units) AS d3, COUNT(*) - COUNT(g.units) AS m3
    FROM sales AS g
    WHERE g.sku IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 13) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g."date"
  ) AS w
  GROUP BY w.sku
) AS a2 ON a2.sku = t.sku
LEFT JOIN (
  SELECT w.sku, SUM(w.m1) AS m1, SUM(w.d1) AS s1, SUM(w.d2) AS n2, BOOL_AND(w.d3) AS b3, BOOL_OR(w.d4) AS b4, SUM(w.m5) AS m5, SUM(w.d5) AS s5
  FROM (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1, COUNT(g.units) AS d2, BOOL_AND(COALESCE(COALESCE(g.units > 10::float8 AND NOT (abs(g.units - 10::float8) <= 1e-12 * greatest(abs(g.units), abs(10::float8))), FALSE), FALSE)) AS d3, BOOL_OR(COALESCE(COALESCE(g.units > 150::float8 AND NOT (abs(g.units - 150::float8) <= 1e-12 * greatest(abs(g.units), abs(150::float8))), FALSE), FALSE)) AS d4, SUM((g.units * items.unit_cost)) AS d5, COUNT(*) - COUNT((g.units * items.unit_cost)) AS m5
    FROM sales AS g
    LEFT JOIN items AS items ON items.sku = g.sku
    WHERE g.sku IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 6) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g."date"
  ) AS w
  GROUP BY w.sku
) AS a3 ON a3.sku = t.sku
LEFT JOIN inventory AS inventory ON inventory.sku = t.sku
LEFT JOIN items AS items ON items.sku = t.sku;

-- totals (one row) (constructs.velo:34), step totals__1
DROP TABLE IF EXISTS totals__1 CASCADE;
CREATE TABLE totals__1 AS
SELECT
  -- constructs.velo:38  oldest = min(sales.date)
  CASE WHEN COALESCE(a4.m1, 0) > 0 THEN NULL ELSE a4.v1 END AS oldest,
  -- constructs.velo:39  avg_cost = avg(items.unit_cost)
  CASE WHEN COALESCE(a5.m1, 0) > 0 THEN NULL ELSE a5.v1 END AS avg_cost,
  -- constructs.velo:40  sd_cost = stdev(items.unit_cost)
  CASE WHEN COALESCE(a5.m2, 0) > 0 THEN NULL ELSE a5.v2 END AS sd_cost
FROM (
  SELECT 1 AS velo_one
) AS t
LEFT JOIN (
  SELECT MIN(g."date") AS v1, COUNT(*) - COUNT(g."date") AS m1
  FROM sales AS g
) AS a4 ON TRUE
LEFT JOIN (
  SELECT AVG(g.unit_cost) AS v1, COUNT(*) - COUNT(g.unit_cost) AS m1, STDDEV_SAMP(g.unit_cost) AS v2, COUNT(*) - COUNT(g.unit_cost) AS m2
  FROM items AS g
) AS a5 ON TRUE;

-- blank (one row) (constructs.velo:43)
DROP TABLE IF EXISTS blank CASCADE;
CREATE TABLE blank AS
SELECT
  -- constructs.velo:44  empty = ""
  '' AS empty
FROM (
  SELECT 1 AS velo_one
) AS t;

-- marker (one row) (constructs.velo:46)
DROP TABLE IF EXISTS marker CASCADE;
CREATE TABLE marker AS
SELECT
  -- constructs.velo:47  letter = "Q"
  'Q' AS letter
FROM (
  SELECT 1 AS velo_one
) AS t;

-- daily, next step (formulas that read the ones before)
DROP TABLE IF EXISTS daily__2 CASCADE;
CREATE TABLE daily__2 AS
SELECT
  t.sku,
  t.recent,
  t.low,
  t.high,
  t.spread,
  t.mean,
  t.lines,
  t.busy,
  t.any_big,
  t.total,
  -- constructs.velo:19  cover = if mean > 0 then (inventory.on_hand ?? 0) / mean else missing("no sales")
  CASE WHEN COALESCE(t.mean > 0::float8 AND NOT (abs(t.mean - 0::float8) <= 1e-12 * greatest(abs(t.mean), abs(0::float8))), FALSE) THEN (COALESCE(inventory.on_hand, 0::float8) / NULLIF(t.mean, 0)) ELSE CAST(NULL AS double precision) END AS cover,
  t.packs,
  t.restock,
  t.weekday,
  t.monday,
  t.month_day,
  t."week",
  -- constructs.velo:28  until = days_between(asof(), restock)
  CAST((t.restock - (SELECT as_of_date FROM velo_asof)) AS double precision) AS until,
  -- constructs.velo:29  power = (mean ^ 0.5) + 2 ^ 3 - exp(ln(2)) + log10(100) + abs(-1) + floor(1.5) + ceil(1.2)
  ((((((CASE WHEN t.mean >= 0 THEN sqrt(t.mean) END + power(2::float8, 3::float8)) - exp(CASE WHEN 2::float8 > 0 THEN ln(2::float8) END)) + CASE WHEN 100::float8 > 0 THEN log10(100::float8) END) + abs((-1::float8))) + floor(1.5::float8)) + ceil(1.2::float8)) AS power,
  -- constructs.velo:31  need_units = max(0, mean * 14 - (inventory.on_hand ?? 0))
  CASE WHEN ((t.mean * 14::float8) - COALESCE(inventory.on_hand, 0::float8)) IS NULL THEN NULL ELSE greatest(0::float8, ((t.mean * 14::float8) - COALESCE(inventory.on_hand, 0::float8))) END AS need_units,
  -- constructs.velo:32  first_sku = daily.mean["SKU000001"]
  cell6.mean AS first_sku
FROM daily__1 AS t
LEFT JOIN inventory AS inventory ON inventory.sku = t.sku
LEFT JOIN daily__1 AS cell6 ON cell6.sku = 'SKU000001';

-- totals, next step (formulas that read the ones before)
DROP TABLE IF EXISTS totals CASCADE;
CREATE TABLE totals AS
SELECT
  -- constructs.velo:35  skus = count(daily.mean)
  CAST(COALESCE(a7.v1, 0) AS double precision) AS skus,
  -- constructs.velo:36  units = sum(daily.mean)
  CASE WHEN COALESCE(a7.m2, 0) > 0 THEN NULL ELSE COALESCE(a7.v2, 0) END AS units,
  -- constructs.velo:37  widest = max(daily.spread)
  CASE WHEN COALESCE(a7.m3, 0) > 0 THEN NULL ELSE a7.v3 END AS widest,
  t.oldest,
  t.avg_cost,
  t.sd_cost
FROM totals__1 AS t
LEFT JOIN (
  SELECT COUNT(g.mean) AS v1, SUM(g.mean) AS v2, COUNT(*) - COUNT(g.mean) AS m2, MAX(g.spread) AS v3, COUNT(*) - COUNT(g.spread) AS m3
  FROM daily__2 AS g
) AS a7 ON TRUE;

-- daily, next step (formulas that read the ones before)
DROP TABLE IF EXISTS daily CASCADE;
CREATE TABLE daily AS
SELECT
  t.sku,
  t.recent,
  t.low,
  t.high,
  t.spread,
  t.mean,
  t.lines,
  t.busy,
  t.any_big,
  t.total,
  t.cover,
  -- constructs.velo:20  has_cover = cover is not missing
  (t.cover IS NOT NULL) AS has_cover,
  t.packs,
  -- constructs.velo:22  rounded = round(cover ?? 0, 2)
  (CASE WHEN (COALESCE(t.cover, 0::float8) * 100::float8) < 0 THEN -(floor(abs((COALESCE(t.cover, 0::float8) * 100::float8))) + CASE WHEN abs((COALESCE(t.cover, 0::float8) * 100::float8)) - floor(abs((COALESCE(t.cover, 0::float8) * 100::float8))) > 0.5 OR abs(abs((COALESCE(t.cover, 0::float8) * 100::float8)) - floor(abs((COALESCE(t.cover, 0::float8) * 100::float8))) - 0.5) <= 1e-12 * greatest(1, abs((COALESCE(t.cover, 0::float8) * 100::float8))) THEN 1 ELSE 0 END) ELSE (floor(abs((COALESCE(t.cover, 0::float8) * 100::float8))) + CASE WHEN abs((COALESCE(t.cover, 0::float8) * 100::float8)) - floor(abs((COALESCE(t.cover, 0::float8) * 100::float8))) > 0.5 OR abs(abs((COALESCE(t.cover, 0::float8) * 100::float8)) - floor(abs((COALESCE(t.cover, 0::float8) * 100::float8))) - 0.5) <= 1e-12 * greatest(1, abs((COALESCE(t.cover, 0::float8) * 100::float8))) THEN 1 ELSE 0 END) END / 100::float8 + 0) AS rounded,
  t.restock,
  t.weekday,
  t.monday,
  t.month_day,
  t."week",
  t.until,
  t.power,
  -- constructs.velo:30  order = max(roundup(max(need_units, items.moq), items.case_pack), 0)
  CASE WHEN CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) - (CASE WHEN (CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack))) THEN (CASE WHEN (CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) + 0.5) END) ELSE (CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) END) * items.case_pack + 0 END IS NULL THEN NULL ELSE greatest(CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) - (CASE WHEN (CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack))) THEN (CASE WHEN (CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) + 0.5) END) ELSE (CASE WHEN t.need_units IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(t.need_units, items.moq) END / items.case_pack) END) * items.case_pack + 0 END, 0::float8) END AS "order",
  t.need_units,
  t.first_sku
FROM daily__2 AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- flag no_cover (info) on daily (constructs.velo:49)
SELECT t.sku, t.cover AS value_1
FROM daily AS t
WHERE COALESCE(t.cover < 10::float8 AND NOT (abs(t.cover - 10::float8) <= 1e-12 * greatest(abs(t.cover), abs(10::float8))), FALSE);

-- check daily: packs <= (inventory.on_hand ?? 0) on daily: rows where `packs <= (inventory.on_hand ?? 0)` does not hold (constructs.velo:52)
SELECT t.sku, t.packs
FROM daily AS t
LEFT JOIN inventory AS inventory ON inventory.sku = t.sku
WHERE NOT COALESCE(COALESCE((t.packs <= COALESCE(inventory.on_hand, 0::float8) OR abs(t.packs - COALESCE(inventory.on_hand, 0::float8)) <= 1e-12 * greatest(abs(t.packs), abs(COALESCE(inventory.on_hand, 0::float8)))), FALSE), FALSE);
