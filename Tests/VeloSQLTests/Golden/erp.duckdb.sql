-- erp.velo, compiled to DuckDB by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- orders: data/orders.csv (erp.velo:5), read as text and converted, only the rows where status != "Cancelled"
CREATE OR REPLACE TABLE orders AS
SELECT * FROM (
  SELECT
    c."Item Number" AS sku,
    c."Sales Channel" AS channel,
    CAST(strptime(NULLIF(TRIM(c."Order Date"), ''), '%d.%m.%Y') AS DATE) AS "date",
    CAST(REPLACE(NULLIF(TRIM(c."Quantity"), ''), ',', '.') AS DOUBLE) AS units,
    CAST(REPLACE(NULLIF(TRIM(c."Unit Price"), ''), ',', '.') AS DOUBLE) AS price,
    c."Order Status" AS status
  FROM read_csv('Examples/erp_export/data/orders.csv', delim = ';', quote = '"', escape = '"', header = true, auto_detect = false,
    columns = {'Order No': 'VARCHAR', 'Order Date': 'VARCHAR', 'Item Number': 'VARCHAR', 'Sales Channel': 'VARCHAR', 'Quantity': 'VARCHAR', 'Unit Price': 'VARCHAR', 'Order Status': 'VARCHAR', 'Description': 'VARCHAR'}) AS c
) AS r
WHERE COALESCE(r.status <> 'Cancelled', FALSE);

-- the as-of date: the latest date in orders
CREATE OR REPLACE TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX("date") AS d FROM orders
) AS dates;

-- series by sku, channel (erp.velo:17), step series__1
CREATE OR REPLACE TABLE series__1 AS
SELECT
  t.sku,
  t.channel,
  -- erp.velo:18  velocity = wavg(orders.units, last 21 days, weights: linear)
  CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.l1, 0) / 231::DOUBLE END AS velocity,
  -- erp.velo:19  sigma = stdev(orders.units, last 21 days)
  CASE WHEN COALESCE(a1.m2, 0) > 0 THEN NULL ELSE sqrt(greatest(0, (21::DOUBLE * COALESCE(a1.q2, 0) - COALESCE(a1.s2, 0) * COALESCE(a1.s2, 0)) / 420::DOUBLE)) END AS sigma,
  -- erp.velo:20  prior_velocity = wavg(orders.units, last 21 days ending 14 days ago, weights: linear)
  CASE WHEN COALESCE(a2.m1, 0) > 0 THEN NULL ELSE COALESCE(a2.l1, 0) / 231::DOUBLE END AS prior_velocity
FROM (
  SELECT DISTINCT sku, channel FROM orders
  WHERE sku IS NOT NULL
    AND channel IS NOT NULL
    AND "date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 34) AND (SELECT as_of_date FROM velo_asof)
) AS t
LEFT JOIN (
  SELECT w.sku, w.channel, SUM(w.m1) AS m1, SUM(((w.velo_day - ((SELECT as_of_date FROM velo_asof) - 20)) + 1) * w.d1) AS l1, SUM(w.m2) AS m2, SUM(w.d2) AS s2, SUM(w.d2 * w.d2) AS q2
  FROM (
    SELECT g.sku, g.channel, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1, SUM(g.units) AS d2, COUNT(*) - COUNT(g.units) AS m2
    FROM orders AS g
    WHERE g.sku IS NOT NULL AND g.channel IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 20) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g.channel, g."date"
  ) AS w
  GROUP BY w.sku, w.channel
) AS a1 ON a1.sku = t.sku AND a1.channel = t.channel
LEFT JOIN (
  SELECT w.sku, w.channel, SUM(w.m1) AS m1, SUM(((w.velo_day - ((SELECT as_of_date FROM velo_asof) - 34)) + 1) * w.d1) AS l1
  FROM (
    SELECT g.sku, g.channel, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1
    FROM orders AS g
    WHERE g.sku IS NOT NULL AND g.channel IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 34) AND ((SELECT as_of_date FROM velo_asof) - 14)
    GROUP BY g.sku, g.channel, g."date"
  ) AS w
  GROUP BY w.sku, w.channel
) AS a2 ON a2.sku = t.sku AND a2.channel = t.channel;

-- series, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE series__2 AS
SELECT
  t.sku,
  t.channel,
  t.velocity,
  t.sigma,
  t.prior_velocity,
  -- erp.velo:21  velocity_change = velocity / prior_velocity - 1
  ((t.velocity / NULLIF(t.prior_velocity, 0)) - 1::DOUBLE) AS velocity_change
FROM series__1 AS t;

-- series, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE series AS
SELECT
  t.sku,
  t.channel,
  t.velocity,
  t.sigma,
  t.prior_velocity,
  t.velocity_change,
  -- erp.velo:22  exception = abs(velocity_change) > velocity_threshold
  COALESCE(abs(t.velocity_change) > 0.25::DOUBLE /* velocity_threshold */ AND NOT (abs(abs(t.velocity_change) - 0.25::DOUBLE /* velocity_threshold */) <= 1e-12 * greatest(abs(abs(t.velocity_change)), abs(0.25::DOUBLE /* velocity_threshold */))), FALSE) AS "exception"
FROM series__2 AS t;
