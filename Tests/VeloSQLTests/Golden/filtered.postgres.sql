-- filtered.velo, compiled to PostgreSQL by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- sales: ../../../Examples/replenishment/data/sales.csv (filtered.velo:4)
DROP TABLE IF EXISTS sales CASCADE;
CREATE TABLE sales (
  "date" date,
  sku text,
  channel text,
  units double precision
);

\copy sales ("date", sku, channel, units) FROM 'Tests/Fixtures/sql/../../../Examples/replenishment/data/sales.csv' WITH (FORMAT csv, HEADER true)

-- items: ../../../Examples/replenishment/data/items.csv (filtered.velo:5)
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

-- web_sales: the rows of sales where channel == "web" (filtered.velo:7)
DROP TABLE IF EXISTS web_sales CASCADE;
CREATE TABLE web_sales AS
SELECT * FROM sales AS r
WHERE COALESCE(r.channel = 'web', FALSE);

-- store_sales: the rows of sales where channel == "store" and units > 40 (filtered.velo:8)
DROP TABLE IF EXISTS store_sales CASCADE;
CREATE TABLE store_sales AS
SELECT * FROM sales AS r
WHERE (COALESCE(r.channel = 'store', FALSE) AND COALESCE(r.units > 40::float8 AND NOT (abs(r.units - 40::float8) <= 1e-12 * greatest(abs(r.units), abs(40::float8))), FALSE));

-- big_web: the rows of web_sales where units >= 60 or units is missing (filtered.velo:9)
DROP TABLE IF EXISTS big_web CASCADE;
CREATE TABLE big_web AS
SELECT * FROM web_sales AS r
WHERE (COALESCE((r.units >= 60::float8 OR abs(r.units - 60::float8) <= 1e-12 * greatest(abs(r.units), abs(60::float8))), FALSE) OR (r.units IS NULL));

-- the as-of date: the latest date in sales, web_sales, store_sales, big_web
DROP TABLE IF EXISTS velo_asof CASCADE;
CREATE TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX("date") AS d FROM sales
  UNION ALL SELECT MAX("date") AS d FROM web_sales
  UNION ALL SELECT MAX("date") AS d FROM store_sales
  UNION ALL SELECT MAX("date") AS d FROM big_web
) AS dates;

-- channels by sku (filtered.velo:11), step channels__1
DROP TABLE IF EXISTS channels__1 CASCADE;
CREATE TABLE channels__1 AS
SELECT
  t.sku,
  -- filtered.velo:12  web = sum(web_sales.units, last 21 days)
  CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.s1, 0) END AS web,
  -- filtered.velo:13  store = sum(store_sales.units, last 21 days)
  CASE WHEN COALESCE(a2.m1, 0) > 0 THEN NULL ELSE COALESCE(a2.s1, 0) END AS store,
  -- filtered.velo:14  big_days = count(big_web.units, last 28 days)
  CAST(COALESCE(a3.n1, 0) AS double precision) AS big_days,
  -- filtered.velo:15  all_sales = sum(sales.units, last 21 days)
  CASE WHEN COALESCE(a4.m1, 0) > 0 THEN NULL ELSE COALESCE(a4.s1, 0) END AS all_sales
FROM (
  SELECT DISTINCT sku FROM items
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN (
  SELECT w.sku, SUM(w.m1) AS m1, SUM(w.d1) AS s1
  FROM (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1
    FROM web_sales AS g
    WHERE g.sku IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 20) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g."date"
  ) AS w
  GROUP BY w.sku
) AS a1 ON a1.sku = t.sku
LEFT JOIN (
  SELECT w.sku, SUM(w.m1) AS m1, SUM(w.d1) AS s1
  FROM (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1
    FROM store_sales AS g
    WHERE g.sku IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 20) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g."date"
  ) AS w
  GROUP BY w.sku
) AS a2 ON a2.sku = t.sku
LEFT JOIN (
  SELECT w.sku, SUM(w.d1) AS n1
  FROM (
    SELECT g.sku, g."date" AS velo_day, COUNT(g.units) AS d1
    FROM big_web AS g
    WHERE g.sku IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 27) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g."date"
  ) AS w
  GROUP BY w.sku
) AS a3 ON a3.sku = t.sku
LEFT JOIN (
  SELECT w.sku, SUM(w.m1) AS m1, SUM(w.d1) AS s1
  FROM (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1
    FROM sales AS g
    WHERE g.sku IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 20) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g."date"
  ) AS w
  GROUP BY w.sku
) AS a4 ON a4.sku = t.sku;

-- recent_web by sku, channel (filtered.velo:18)
DROP TABLE IF EXISTS recent_web CASCADE;
CREATE TABLE recent_web AS
SELECT
  t.sku,
  t.channel,
  -- filtered.velo:19  units = sum(web_sales.units)
  CASE WHEN COALESCE(a5.m1, 0) > 0 THEN NULL ELSE COALESCE(a5.v1, 0) END AS units
FROM (
  SELECT DISTINCT sku, channel FROM web_sales
  WHERE sku IS NOT NULL
    AND channel IS NOT NULL
    AND "date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 13) AND (SELECT as_of_date FROM velo_asof)
) AS t
LEFT JOIN (
  SELECT g.sku, g.channel, SUM(g.units) AS v1, COUNT(*) - COUNT(g.units) AS m1
  FROM web_sales AS g
  WHERE g.sku IS NOT NULL AND g.channel IS NOT NULL
  GROUP BY g.sku, g.channel
) AS a5 ON a5.sku = t.sku AND a5.channel = t.channel;

-- channels, next step (formulas that read the ones before)
DROP TABLE IF EXISTS channels CASCADE;
CREATE TABLE channels AS
SELECT
  t.sku,
  t.web,
  t.store,
  t.big_days,
  t.all_sales,
  -- filtered.velo:16  share = if all_sales > 0 then web / all_sales else missing("no sales")
  CASE WHEN COALESCE(t.all_sales > 0::float8 AND NOT (abs(t.all_sales - 0::float8) <= 1e-12 * greatest(abs(t.all_sales), abs(0::float8))), FALSE) THEN (t.web / NULLIF(t.all_sales, 0)) ELSE CAST(NULL AS double precision) END AS share
FROM channels__1 AS t;
