-- filtered.velo, compiled to DuckDB by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- sales: ../../../Examples/replenishment/data/sales.csv (filtered.velo:4)
CREATE OR REPLACE TABLE sales AS
SELECT * FROM read_csv('Tests/Fixtures/sql/../../../Examples/replenishment/data/sales.csv', header = true, auto_detect = false,
  columns = {'date': 'DATE', 'sku': 'VARCHAR', 'channel': 'VARCHAR', 'units': 'DOUBLE'});

-- items: ../../../Examples/replenishment/data/items.csv (filtered.velo:5)
CREATE OR REPLACE TABLE items AS
SELECT * FROM read_csv('Tests/Fixtures/sql/../../../Examples/replenishment/data/items.csv', header = true, auto_detect = false,
  columns = {'sku': 'VARCHAR', 'moq': 'DOUBLE', 'case_pack': 'DOUBLE', 'lead_time_days': 'DOUBLE', 'lead_time_sd_days': 'DOUBLE', 'unit_cost': 'DOUBLE', 'below_moq_surcharge_pct': 'DOUBLE', 'holding_cost_pct_per_year': 'DOUBLE', 'supplier': 'VARCHAR'});

-- web_sales: the rows of sales where channel == "web" (filtered.velo:7)
CREATE OR REPLACE TABLE web_sales AS
SELECT * FROM sales AS r
WHERE COALESCE(r.channel = 'web', FALSE);

-- store_sales: the rows of sales where channel == "store" and units > 40 (filtered.velo:8)
CREATE OR REPLACE TABLE store_sales AS
SELECT * FROM sales AS r
WHERE (COALESCE(r.channel = 'store', FALSE) AND COALESCE(r.units > 40::DOUBLE AND NOT (abs(r.units - 40::DOUBLE) <= 1e-12 * greatest(abs(r.units), abs(40::DOUBLE))), FALSE));

-- big_web: the rows of web_sales where units >= 60 or units is missing (filtered.velo:9)
CREATE OR REPLACE TABLE big_web AS
SELECT * FROM web_sales AS r
WHERE (COALESCE((r.units >= 60::DOUBLE OR abs(r.units - 60::DOUBLE) <= 1e-12 * greatest(abs(r.units), abs(60::DOUBLE))), FALSE) OR (r.units IS NULL));

-- the as-of date: the latest date in sales, web_sales, store_sales, big_web
CREATE OR REPLACE TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX("date") AS d FROM sales
  UNION ALL SELECT MAX("date") AS d FROM web_sales
  UNION ALL SELECT MAX("date") AS d FROM store_sales
  UNION ALL SELECT MAX("date") AS d FROM big_web
) AS dates;

-- channels by sku (filtered.velo:11), step channels__1
CREATE OR REPLACE TABLE channels__1 AS
SELECT
  t.sku,
  -- filtered.velo:12  web = sum(web_sales.units, last 21 days)
  CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.s1, 0) END AS web,
  -- filtered.velo:13  store = sum(store_sales.units, last 21 days)
  CASE WHEN COALESCE(a2.m1, 0) > 0 THEN NULL ELSE COALESCE(a2.s1, 0) END AS store,
  -- filtered.velo:14  big_days = count(big_web.units, last 28 days)
  CAST(COALESCE(a3.n1, 0) AS DOUBLE) AS big_days,
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
CREATE OR REPLACE TABLE recent_web AS
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
CREATE OR REPLACE TABLE channels AS
SELECT
  t.sku,
  t.web,
  t.store,
  t.big_days,
  t.all_sales,
  -- filtered.velo:16  share = if all_sales > 0 then web / all_sales else missing("no sales")
  CASE WHEN COALESCE(t.all_sales > 0::DOUBLE AND NOT (abs(t.all_sales - 0::DOUBLE) <= 1e-12 * greatest(abs(t.all_sales), abs(0::DOUBLE))), FALSE) THEN (t.web / NULLIF(t.all_sales, 0)) ELSE CAST(NULL AS DOUBLE) END AS share
FROM channels__1 AS t;
