-- retro.velo, compiled to PostgreSQL by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- sales: data/sales.csv (retro.velo:7)
DROP TABLE IF EXISTS sales CASCADE;
CREATE TABLE sales (
  "date" date,
  sku text,
  channel text,
  units double precision
);

\copy sales ("date", sku, channel, units) FROM 'Examples/retrospective/data/sales.csv' WITH (FORMAT csv, HEADER true)

-- runs: data/runs.csv (retro.velo:10)
DROP TABLE IF EXISTS runs CASCADE;
CREATE TABLE runs (
  run_id text,
  sku text,
  category text,
  "date" date,
  quantity double precision,
  planned_velocity double precision
);

\copy runs (run_id, sku, category, "date", quantity, planned_velocity) FROM 'Examples/retrospective/data/runs.csv' WITH (FORMAT csv, HEADER true)

-- the as-of date: the latest date in sales
DROP TABLE IF EXISTS velo_asof CASCADE;
CREATE TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX("date") AS d FROM sales
) AS dates;

-- retro by run_id, sku, category (retro.velo:16), step retro__1
DROP TABLE IF EXISTS retro__1 CASCADE;
CREATE TABLE retro__1 AS
SELECT
  t.run_id,
  t.sku,
  t.category,
  -- retro.velo:17  landed = runs.date
  runs."date" AS landed,
  -- retro.velo:18  planned = runs.planned_velocity
  runs.planned_velocity AS planned,
  -- retro.velo:19  actual_30 = avg(sales.units, 30 days after runs.date)
  CASE WHEN a1.velo_start IS NULL OR (a1.velo_start + 29) > (SELECT as_of_date FROM velo_asof) THEN NULL ELSE CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.s1, 0) / 30::float8 END END AS actual_30,
  -- retro.velo:20  actual_60 = avg(sales.units, 60 days after runs.date)
  CASE WHEN a2.velo_start IS NULL OR (a2.velo_start + 59) > (SELECT as_of_date FROM velo_asof) THEN NULL ELSE CASE WHEN COALESCE(a2.m1, 0) > 0 THEN NULL ELSE COALESCE(a2.s1, 0) / 60::float8 END END AS actual_60
FROM (
  SELECT DISTINCT run_id, sku, category FROM runs
  WHERE run_id IS NOT NULL
    AND sku IS NOT NULL
    AND category IS NOT NULL
) AS t
LEFT JOIN runs AS runs ON runs.run_id = t.run_id
LEFT JOIN (
  SELECT c.sku, c.velo_start, SUM(w.m1) AS m1, SUM(w.d1) AS s1
  FROM (
    SELECT DISTINCT t.sku, (runs."date" + 1) AS velo_start
    FROM (
      SELECT DISTINCT run_id, sku, category FROM runs
      WHERE run_id IS NOT NULL
        AND sku IS NOT NULL
        AND category IS NOT NULL
    ) AS t
    LEFT JOIN runs AS runs ON runs.run_id = t.run_id
  ) AS c
  LEFT JOIN (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1
    FROM sales AS g
    WHERE g.sku IS NOT NULL AND g."date" IS NOT NULL
    GROUP BY g.sku, g."date"
  ) AS w ON w.sku = c.sku AND w.velo_day BETWEEN c.velo_start AND (c.velo_start + 29)
  GROUP BY c.sku, c.velo_start
) AS a1 ON a1.sku = t.sku AND a1.velo_start = (runs."date" + 1)
LEFT JOIN (
  SELECT c.sku, c.velo_start, SUM(w.m1) AS m1, SUM(w.d1) AS s1
  FROM (
    SELECT DISTINCT t.sku, (runs."date" + 1) AS velo_start
    FROM (
      SELECT DISTINCT run_id, sku, category FROM runs
      WHERE run_id IS NOT NULL
        AND sku IS NOT NULL
        AND category IS NOT NULL
    ) AS t
    LEFT JOIN runs AS runs ON runs.run_id = t.run_id
  ) AS c
  LEFT JOIN (
    SELECT g.sku, g."date" AS velo_day, SUM(g.units) AS d1, COUNT(*) - COUNT(g.units) AS m1
    FROM sales AS g
    WHERE g.sku IS NOT NULL AND g."date" IS NOT NULL
    GROUP BY g.sku, g."date"
  ) AS w ON w.sku = c.sku AND w.velo_day BETWEEN c.velo_start AND (c.velo_start + 59)
  GROUP BY c.sku, c.velo_start
) AS a2 ON a2.sku = t.sku AND a2.velo_start = (runs."date" + 1);

-- retro, next step (formulas that read the ones before)
DROP TABLE IF EXISTS retro__2 CASCADE;
CREATE TABLE retro__2 AS
SELECT
  t.run_id,
  t.sku,
  t.category,
  t.landed,
  t.planned,
  t.actual_30,
  t.actual_60,
  -- retro.velo:21  bias_30 = planned / actual_30 - 1
  ((t.planned / NULLIF(t.actual_30, 0)) - 1::float8) AS bias_30,
  -- retro.velo:22  bias_60 = planned / actual_60 - 1
  ((t.planned / NULLIF(t.actual_60, 0)) - 1::float8) AS bias_60,
  -- retro.velo:23  cover_days = runs.quantity / actual_60
  (runs.quantity / NULLIF(t.actual_60, 0)) AS cover_days
FROM retro__1 AS t
LEFT JOIN runs AS runs ON runs.run_id = t.run_id;

-- retro, next step (formulas that read the ones before)
DROP TABLE IF EXISTS retro CASCADE;
CREATE TABLE retro AS
SELECT
  t.run_id,
  t.sku,
  t.category,
  t.landed,
  t.planned,
  t.actual_30,
  t.actual_60,
  t.bias_30,
  t.bias_60,
  t.cover_days,
  -- retro.velo:24  verdict = if bias_60 > tolerance then "overshot" else if bias_60 < -tolerance then "undershot" else "on target"
  CASE WHEN COALESCE(t.bias_60 > 0.15::float8 /* tolerance */ AND NOT (abs(t.bias_60 - 0.15::float8 /* tolerance */) <= 1e-12 * greatest(abs(t.bias_60), abs(0.15::float8 /* tolerance */))), FALSE) THEN 'overshot' ELSE CASE WHEN COALESCE(t.bias_60 < (-0.15::float8 /* tolerance */) AND NOT (abs(t.bias_60 - (-0.15::float8 /* tolerance */)) <= 1e-12 * greatest(abs(t.bias_60), abs((-0.15::float8 /* tolerance */)))), FALSE) THEN 'undershot' ELSE 'on target' END END AS verdict
FROM retro__2 AS t;

-- bias by category (retro.velo:28), step bias__1
DROP TABLE IF EXISTS bias__1 CASCADE;
CREATE TABLE bias__1 AS
SELECT
  t.category,
  -- retro.velo:29  runs = count(retro.bias_60)
  CAST(COALESCE(a3.v1, 0) AS double precision) AS runs,
  -- retro.velo:30  avg_bias_30 = avg(retro.bias_30)
  CASE WHEN COALESCE(a3.m2, 0) > 0 THEN NULL ELSE a3.v2 END AS avg_bias_30,
  -- retro.velo:31  avg_bias_60 = avg(retro.bias_60)
  CASE WHEN COALESCE(a3.m3, 0) > 0 THEN NULL ELSE a3.v3 END AS avg_bias_60,
  -- retro.velo:33  worst = max(retro.bias_60)
  CASE WHEN COALESCE(a3.m4, 0) > 0 THEN NULL ELSE a3.v4 END AS worst
FROM (
  SELECT DISTINCT category FROM runs
  WHERE category IS NOT NULL
) AS t
LEFT JOIN (
  SELECT g.category, COUNT(g.bias_60) AS v1, AVG(g.bias_30) AS v2, COUNT(*) - COUNT(g.bias_30) AS m2, AVG(g.bias_60) AS v3, COUNT(*) - COUNT(g.bias_60) AS m3, MAX(g.bias_60) AS v4, COUNT(*) - COUNT(g.bias_60) AS m4
  FROM retro AS g
  WHERE g.category IS NOT NULL
  GROUP BY g.category
) AS a3 ON a3.category = t.category;

-- bias, next step (formulas that read the ones before)
DROP TABLE IF EXISTS bias CASCADE;
CREATE TABLE bias AS
SELECT
  t.category,
  t.runs,
  t.avg_bias_30,
  t.avg_bias_60,
  -- retro.velo:32  overshot = sum(if retro.verdict == "overshot" then 1 else 0)
  CASE WHEN COALESCE(a4.m1, 0) > 0 THEN NULL ELSE COALESCE(a4.v1, 0) END AS overshot,
  t.worst
FROM bias__1 AS t
LEFT JOIN (
  SELECT g.category, SUM(CASE WHEN COALESCE(g.verdict = 'overshot', FALSE) THEN 1::float8 ELSE 0::float8 END) AS v1, COUNT(*) - COUNT(CASE WHEN COALESCE(g.verdict = 'overshot', FALSE) THEN 1::float8 ELSE 0::float8 END) AS m1
  FROM retro AS g
  WHERE g.category IS NOT NULL
  GROUP BY g.category
) AS a4 ON a4.category = t.category;

-- flag systematic_overshoot (warning) on bias (retro.velo:35)
SELECT t.category, t.category AS value_1, t.avg_bias_60 AS value_2
FROM bias AS t
WHERE COALESCE(t.avg_bias_60 > 0.15::float8 /* tolerance */ AND NOT (abs(t.avg_bias_60 - 0.15::float8 /* tolerance */) <= 1e-12 * greatest(abs(t.avg_bias_60), abs(0.15::float8 /* tolerance */))), FALSE);

-- flag systematic_undershoot (warning) on bias (retro.velo:38)
SELECT t.category, t.category AS value_1, t.avg_bias_60 AS value_2
FROM bias AS t
WHERE COALESCE(t.avg_bias_60 < (-0.15::float8 /* tolerance */) AND NOT (abs(t.avg_bias_60 - (-0.15::float8 /* tolerance */)) <= 1e-12 * greatest(abs(t.avg_bias_60), abs((-0.15::float8 /* tolerance */)))), FALSE);
