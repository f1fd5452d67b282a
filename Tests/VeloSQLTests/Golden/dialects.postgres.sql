-- dialects.velo, compiled to PostgreSQL by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- receipts: data/receipts_latin1.txt (dialects.velo:6), read as text and converted, only the rows where qty > 0
DROP TABLE IF EXISTS receipts__csv CASCADE;
CREATE TABLE receipts__csv (
  sku text,
  site text,
  qty text,
  received text,
  note text
);

\copy receipts__csv (sku, site, qty, received, note) FROM 'Tests/Fixtures/sql/data/receipts_latin1.txt' WITH (FORMAT csv, DELIMITER '|', HEADER false, ENCODING 'LATIN1')

DROP TABLE IF EXISTS receipts CASCADE;
CREATE TABLE receipts AS
SELECT * FROM (
  SELECT
    c.sku AS sku,
    c.site AS site,
    CAST(REPLACE(REPLACE(NULLIF(TRIM(c.qty), ''), '.', ''), ',', '.') AS double precision) AS qty,
    to_date(NULLIF(TRIM(c.received), ''), 'MM/DD/YYYY') AS received,
    c.note AS note
  FROM receipts__csv AS c
) AS r
WHERE COALESCE(r.qty > 0::float8 AND NOT (abs(r.qty - 0::float8) <= 1e-12 * greatest(abs(r.qty), abs(0::float8))), FALSE);

-- sales: data/sales_tab.tsv (dialects.velo:14), read as text and converted, only the rows where units >= 0 or units is missing
DROP TABLE IF EXISTS sales__csv CASCADE;
CREATE TABLE sales__csv (
  "Article No." text,
  "Day" text,
  "Units Sold" text,
  "Comment" text
);

\copy sales__csv ("Article No.", "Day", "Units Sold", "Comment") FROM 'Tests/Fixtures/sql/data/sales_tab.tsv' WITH (FORMAT csv, DELIMITER '	', HEADER true)

DROP TABLE IF EXISTS sales CASCADE;
CREATE TABLE sales AS
SELECT * FROM (
  SELECT
    c."Article No." AS sku,
    to_date(NULLIF(TRIM(c."Day"), ''), 'YYYY/MM/DD') AS "date",
    CAST(REPLACE(REPLACE(NULLIF(TRIM(c."Units Sold"), ''), '.', ''), ',', '.') AS double precision) AS units
  FROM sales__csv AS c
) AS r
WHERE (COALESCE((r.units >= 0::float8 OR abs(r.units - 0::float8) <= 1e-12 * greatest(abs(r.units), abs(0::float8))), FALSE) OR (r.units IS NULL));

-- the as-of date: the latest date in sales
DROP TABLE IF EXISTS velo_asof CASCADE;
CREATE TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX("date") AS d FROM sales
) AS dates;

-- by_sku by sku (dialects.velo:20), step by_sku__1
DROP TABLE IF EXISTS by_sku__1 CASCADE;
CREATE TABLE by_sku__1 AS
SELECT
  t.sku,
  -- dialects.velo:21  sold = sum(sales.units, last 14 days)
  CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.s1, 0) END AS sold,
  -- dialects.velo:22  days = count(sales.units, last 14 days)
  CAST(COALESCE(a1.n2, 0) AS double precision) AS days,
  -- dialects.velo:23  received = sum(receipts.qty)
  CASE WHEN COALESCE(a2.m1, 0) > 0 THEN NULL ELSE COALESCE(a2.v1, 0) END AS received
FROM (
  SELECT DISTINCT sku FROM sales
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN (
  SELECT w.sku, SUM(w.m1) AS m1, SUM(w.d1) AS s1, SUM(w.d2) AS n2
  FROM (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1, COUNT(g.units) AS d2
    FROM sales AS g
    WHERE g.sku IS NOT NULL AND g."date" BETWEEN ((SELECT as_of_date FROM velo_asof) - 13) AND (SELECT as_of_date FROM velo_asof)
    GROUP BY g.sku, g."date"
  ) AS w
  GROUP BY w.sku
) AS a1 ON a1.sku = t.sku
LEFT JOIN (
  SELECT g.sku, SUM(g.qty) AS v1, COUNT(*) - COUNT(g.qty) AS m1
  FROM receipts AS g
  WHERE g.sku IS NOT NULL
  GROUP BY g.sku
) AS a2 ON a2.sku = t.sku;

-- by_site by sku, site (dialects.velo:26)
DROP TABLE IF EXISTS by_site CASCADE;
CREATE TABLE by_site AS
SELECT
  t.sku,
  t.site,
  -- dialects.velo:27  qty = sum(receipts.qty)
  CASE WHEN COALESCE(a3.m1, 0) > 0 THEN NULL ELSE COALESCE(a3.v1, 0) END AS qty,
  -- dialects.velo:28  lines = count(receipts.qty)
  CAST(COALESCE(a3.v2, 0) AS double precision) AS lines,
  -- dialects.velo:29  latest = max(receipts.received)
  CASE WHEN COALESCE(a3.m3, 0) > 0 THEN NULL ELSE a3.v3 END AS latest
FROM (
  SELECT DISTINCT sku, site FROM receipts
  WHERE sku IS NOT NULL
    AND site IS NOT NULL
) AS t
LEFT JOIN (
  SELECT g.sku, g.site, SUM(g.qty) AS v1, COUNT(*) - COUNT(g.qty) AS m1, COUNT(g.qty) AS v2, MAX(g.received) AS v3, COUNT(*) - COUNT(g.received) AS m3
  FROM receipts AS g
  WHERE g.sku IS NOT NULL AND g.site IS NOT NULL
  GROUP BY g.sku, g.site
) AS a3 ON a3.sku = t.sku AND a3.site = t.site;

-- by_sku, next step (formulas that read the ones before)
DROP TABLE IF EXISTS by_sku CASCADE;
CREATE TABLE by_sku AS
SELECT
  t.sku,
  t.sold,
  t.days,
  t.received,
  -- dialects.velo:24  cover = if sold > 0 then received / sold else missing("nothing sold")
  CASE WHEN COALESCE(t.sold > 0::float8 AND NOT (abs(t.sold - 0::float8) <= 1e-12 * greatest(abs(t.sold), abs(0::float8))), FALSE) THEN (t.received / NULLIF(t.sold, 0)) ELSE CAST(NULL AS double precision) END AS cover
FROM by_sku__1 AS t;
