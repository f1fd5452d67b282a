-- periods.velo, compiled to Spark SQL by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- sales: ../../../Examples/replenishment/data/sales.csv (periods.velo:7)
CREATE OR REPLACE TEMPORARY VIEW sales__csv (`date` DATE, sku STRING, channel STRING, units DOUBLE)
USING csv OPTIONS (path 'Tests/Fixtures/sql/../../../Examples/replenishment/data/sales.csv', header 'true');

CACHE LAZY TABLE sales AS SELECT * FROM sales__csv;

-- items: ../../../Examples/replenishment/data/items.csv (periods.velo:8)
CREATE OR REPLACE TEMPORARY VIEW items__csv (sku STRING, moq DOUBLE, case_pack DOUBLE, lead_time_days DOUBLE, lead_time_sd_days DOUBLE, unit_cost DOUBLE, below_moq_surcharge_pct DOUBLE, holding_cost_pct_per_year DOUBLE, supplier STRING)
USING csv OPTIONS (path 'Tests/Fixtures/sql/../../../Examples/replenishment/data/items.csv', header 'true');

CACHE LAZY TABLE items AS SELECT * FROM items__csv;

-- purchase_orders: ../../../Examples/production/data/purchase_orders.csv (periods.velo:9)
CREATE OR REPLACE TEMPORARY VIEW purchase_orders__csv (po STRING, sku STRING, due_date DATE, qty DOUBLE)
USING csv OPTIONS (path 'Tests/Fixtures/sql/../../../Examples/production/data/purchase_orders.csv', header 'true');

CACHE LAZY TABLE purchase_orders AS SELECT * FROM purchase_orders__csv;

-- the as-of date: the latest date in sales
CACHE LAZY TABLE velo_asof AS
SELECT MAX(d) AS as_of_date FROM (
  SELECT MAX(`date`) AS d FROM sales
) AS dates;

-- monthly by sku, month (periods.velo:14), step monthly__1
CACHE LAZY TABLE monthly__1 AS
SELECT
  t.sku,
  t.`month`,
  -- periods.velo:15  first_day = period_start()
  add_months(trunc(date_add((SELECT as_of_date FROM velo_asof), 1), 'MM'), (CAST(t.`month` AS INT) - 1)) AS first_day,
  -- periods.velo:16  last_day = period_end()
  date_sub(add_months(trunc(date_add((SELECT as_of_date FROM velo_asof), 1), 'MM'), CAST(t.`month` AS INT)), 1) AS last_day,
  -- periods.velo:17  due = sum(purchase_orders.qty)
  CASE WHEN COALESCE(a1.m1, 0) > 0 THEN NULL ELSE COALESCE(a1.v1, 0) END AS due,
  -- periods.velo:18  orders = count(purchase_orders.qty)
  CAST(COALESCE(a1.v2, 0) AS DOUBLE) AS orders
FROM (
  SELECT k.*, s.`month`
  FROM (
    SELECT DISTINCT sku FROM items
    WHERE sku IS NOT NULL
  ) AS k
  CROSS JOIN (
    SELECT CAST(p AS DOUBLE) AS `month` FROM (SELECT explode(sequence(1, 4)) AS p) AS s
  ) AS s
) AS t
LEFT JOIN (
  SELECT g.sku, g.velo_period AS `month`, SUM(g.qty) AS v1, COUNT(*) - COUNT(g.qty) AS m1, COUNT(g.qty) AS v2
  FROM (SELECT b.*, CASE WHEN b.due_date < trunc(date_add((SELECT as_of_date FROM velo_asof), 1), 'MM') THEN 0D ELSE ((CAST(year(b.due_date) AS DOUBLE) * 12 + CAST(month(b.due_date) AS DOUBLE)) - (CAST(year(trunc(date_add((SELECT as_of_date FROM velo_asof), 1), 'MM')) AS DOUBLE) * 12 + CAST(month(trunc(date_add((SELECT as_of_date FROM velo_asof), 1), 'MM')) AS DOUBLE)) + 1) END AS velo_period FROM purchase_orders AS b) AS g
  WHERE g.sku IS NOT NULL AND g.velo_period BETWEEN 1 AND 4
  GROUP BY g.sku, g.velo_period
) AS a1 ON a1.sku = t.sku AND a1.`month` = t.`month`;

-- iso by sku, week (periods.velo:29), step iso__1
CACHE LAZY TABLE iso__1 AS
SELECT
  t.sku,
  t.`week`,
  -- periods.velo:30  start = period_start()
  date_add(date_add(date_add((SELECT as_of_date FROM velo_asof), 1), (1 - CAST(CAST(((dayofweek(date_add((SELECT as_of_date FROM velo_asof), 1)) + 5) % 7 + 1) AS DOUBLE) AS INTEGER))), (7 * CAST(t.`week` AS INT) - 7)) AS start,
  -- periods.velo:31  finish = period_end()
  date_add(date_add(date_add(date_add((SELECT as_of_date FROM velo_asof), 1), (1 - CAST(CAST(((dayofweek(date_add((SELECT as_of_date FROM velo_asof), 1)) + 5) % 7 + 1) AS DOUBLE) AS INTEGER))), (7 * CAST(t.`week` AS INT) - 7)), 6) AS finish,
  -- periods.velo:32  due = sum(purchase_orders.qty, early: first)
  CASE WHEN COALESCE(a2.m1, 0) > 0 THEN NULL ELSE COALESCE(a2.v1, 0) END AS due
FROM (
  SELECT k.*, s.`week`
  FROM (
    SELECT DISTINCT sku FROM items
    WHERE sku IS NOT NULL
  ) AS k
  CROSS JOIN (
    SELECT CAST(p AS DOUBLE) AS `week` FROM (SELECT explode(sequence(1, 6)) AS p) AS s
  ) AS s
) AS t
LEFT JOIN (
  SELECT g.sku, g.velo_period AS `week`, SUM(g.qty) AS v1, COUNT(*) - COUNT(g.qty) AS m1
  FROM (SELECT b.*, CASE WHEN b.due_date < date_add(date_add((SELECT as_of_date FROM velo_asof), 1), (1 - CAST(CAST(((dayofweek(date_add((SELECT as_of_date FROM velo_asof), 1)) + 5) % 7 + 1) AS DOUBLE) AS INTEGER))) THEN 1D ELSE (floor(CAST(datediff(b.due_date, date_add(date_add((SELECT as_of_date FROM velo_asof), 1), (1 - CAST(CAST(((dayofweek(date_add((SELECT as_of_date FROM velo_asof), 1)) + 5) % 7 + 1) AS DOUBLE) AS INTEGER)))) AS DOUBLE) / 7) + 1) END AS velo_period FROM purchase_orders AS b) AS g
  WHERE g.sku IS NOT NULL AND g.velo_period BETWEEN 1 AND 6
  GROUP BY g.sku, g.velo_period
) AS a2 ON a2.sku = t.sku AND a2.`week` = t.`week`;

-- daily by n (periods.velo:38), step daily__1
CACHE LAZY TABLE daily__1 AS
SELECT
  t.n,
  -- periods.velo:39  start = period_start()
  date_add((SELECT as_of_date FROM velo_asof), CAST(t.n AS INT)) AS start,
  -- periods.velo:40  due = sum(purchase_orders.qty)
  CASE WHEN COALESCE(a3.m1, 0) > 0 THEN NULL ELSE COALESCE(a3.v1, 0) END AS due
FROM (
  SELECT CAST(p AS DOUBLE) AS n FROM (SELECT explode(sequence(1, 10)) AS p) AS s
) AS t
LEFT JOIN (
  SELECT g.velo_period AS n, SUM(g.qty) AS v1, COUNT(*) - COUNT(g.qty) AS m1
  FROM (SELECT b.*, CASE WHEN b.due_date <= (SELECT as_of_date FROM velo_asof) THEN 0D ELSE CAST(datediff(b.due_date, (SELECT as_of_date FROM velo_asof)) AS DOUBLE) END AS velo_period FROM purchase_orders AS b) AS g
  WHERE g.velo_period BETWEEN 1 AND 10
  GROUP BY g.velo_period
) AS a3 ON a3.n = t.n;

-- monthly, next step (formulas that read the ones before)
CACHE LAZY TABLE monthly__2 AS
SELECT
  t.sku,
  t.`month`,
  t.first_day,
  t.last_day,
  t.due,
  t.orders,
  -- periods.velo:19  running = cumulative(due)
  CASE WHEN COUNT(*) OVER (PARTITION BY t.sku ORDER BY t.`month` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) > COUNT(t.due) OVER (PARTITION BY t.sku ORDER BY t.`month` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) THEN NULL ELSE SUM(t.due) OVER (PARTITION BY t.sku ORDER BY t.`month` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS running,
  -- periods.velo:20  prior = previous(due, first: missing("none before"))
  CASE WHEN t.`month` = 1 THEN CAST(NULL AS DOUBLE) ELSE LAG(t.due) OVER (PARTITION BY t.sku ORDER BY t.`month`) END AS prior,
  -- periods.velo:22  later = shift(due, 1)
  LEAD(t.due, 1) OVER (PARTITION BY t.sku ORDER BY t.`month`) AS later,
  -- periods.velo:23  earlier = shift(due, -lag)
  LAG(t.due, 2) OVER (PARTITION BY t.sku ORDER BY t.`month`) AS earlier,
  -- periods.velo:24  by_lead = shift(due, floor(items.lead_time_days / 30))
  p4.due AS by_lead,
  -- periods.velo:25  halfway = shift(due, items.lead_time_days / 7)
  p5.due AS halfway,
  -- periods.velo:26  first_up = first_period(due > previous(due, first: 0))
  fp8.velo_first AS first_up,
  -- periods.velo:27  never = first_period(due < 0)
  fp10.velo_first AS never
FROM monthly__1 AS t
LEFT JOIN items AS items ON items.sku = t.sku
LEFT JOIN monthly__1 AS p4 ON p4.sku = t.sku AND p4.`month` = t.`month` + (CAST(floor((items.lead_time_days / NULLIF(30D, 0))) AS DOUBLE))
LEFT JOIN monthly__1 AS p5 ON p5.sku = t.sku AND p5.`month` = t.`month` + ((items.lead_time_days / NULLIF(7D, 0)))
LEFT JOIN (
  SELECT fc6.sku, MIN(CASE WHEN COALESCE(fc6.due > CASE WHEN fc6.`month` = 1 THEN 0D ELSE p7.due END AND NOT (abs(fc6.due - CASE WHEN fc6.`month` = 1 THEN 0D ELSE p7.due END) <= 1e-12 * greatest(abs(fc6.due), abs(CASE WHEN fc6.`month` = 1 THEN 0D ELSE p7.due END))), FALSE) THEN fc6.`month` END) AS velo_first
  FROM monthly__1 AS fc6
  LEFT JOIN monthly__1 AS p7 ON p7.sku = fc6.sku AND p7.`month` = fc6.`month` + (-1)
  GROUP BY fc6.sku
) AS fp8 ON fp8.sku = t.sku
LEFT JOIN (
  SELECT fc9.sku, MIN(CASE WHEN COALESCE(fc9.due < 0D AND NOT (abs(fc9.due - 0D) <= 1e-12 * greatest(abs(fc9.due), abs(0D))), FALSE) THEN fc9.`month` END) AS velo_first
  FROM monthly__1 AS fc9
  GROUP BY fc9.sku
) AS fp10 ON fp10.sku = t.sku;

-- iso: the recurrence backlog, period after period (periods.velo:29); Spark SQL has no recursive CTE: one table per period
-- period 1
CACHE LAZY TABLE iso__2__p1 AS
SELECT t.sku, t.`week`, rv1.backlog
FROM iso__1 AS t
-- periods.velo:33  backlog = max(previous(backlog, first: 0) + 500 - due, 0)
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN ((0D + 500D) - t.due) IS NULL THEN NULL ELSE greatest(((0D + 500D) - t.due), 0D) END AS DOUBLE) AS backlog) AS rv1
WHERE t.`week` = 1;

-- period 2
CACHE LAZY TABLE iso__2__p2 AS
SELECT t.sku, t.`week`, rv1.backlog
FROM iso__2__p1 AS r
JOIN iso__1 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:33  backlog = max(previous(backlog, first: 0) + 500 - due, 0)
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN ((r.backlog + 500D) - t.due) IS NULL THEN NULL ELSE greatest(((r.backlog + 500D) - t.due), 0D) END AS DOUBLE) AS backlog) AS rv1;

-- period 3
CACHE LAZY TABLE iso__2__p3 AS
SELECT t.sku, t.`week`, rv1.backlog
FROM iso__2__p2 AS r
JOIN iso__1 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:33  backlog = max(previous(backlog, first: 0) + 500 - due, 0)
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN ((r.backlog + 500D) - t.due) IS NULL THEN NULL ELSE greatest(((r.backlog + 500D) - t.due), 0D) END AS DOUBLE) AS backlog) AS rv1;

-- period 4
CACHE LAZY TABLE iso__2__p4 AS
SELECT t.sku, t.`week`, rv1.backlog
FROM iso__2__p3 AS r
JOIN iso__1 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:33  backlog = max(previous(backlog, first: 0) + 500 - due, 0)
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN ((r.backlog + 500D) - t.due) IS NULL THEN NULL ELSE greatest(((r.backlog + 500D) - t.due), 0D) END AS DOUBLE) AS backlog) AS rv1;

-- period 5
CACHE LAZY TABLE iso__2__p5 AS
SELECT t.sku, t.`week`, rv1.backlog
FROM iso__2__p4 AS r
JOIN iso__1 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:33  backlog = max(previous(backlog, first: 0) + 500 - due, 0)
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN ((r.backlog + 500D) - t.due) IS NULL THEN NULL ELSE greatest(((r.backlog + 500D) - t.due), 0D) END AS DOUBLE) AS backlog) AS rv1;

-- period 6
CACHE LAZY TABLE iso__2__p6 AS
SELECT t.sku, t.`week`, rv1.backlog
FROM iso__2__p5 AS r
JOIN iso__1 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:33  backlog = max(previous(backlog, first: 0) + 500 - due, 0)
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN ((r.backlog + 500D) - t.due) IS NULL THEN NULL ELSE greatest(((r.backlog + 500D) - t.due), 0D) END AS DOUBLE) AS backlog) AS rv1;

-- iso: the periods together
CACHE LAZY TABLE iso__2 AS
SELECT t.sku, t.`week`, t.start, t.finish, t.due, r.backlog
FROM iso__1 AS t
LEFT JOIN (
  SELECT * FROM iso__2__p1
  UNION ALL
  SELECT * FROM iso__2__p2
  UNION ALL
  SELECT * FROM iso__2__p3
  UNION ALL
  SELECT * FROM iso__2__p4
  UNION ALL
  SELECT * FROM iso__2__p5
  UNION ALL
  SELECT * FROM iso__2__p6
) AS r ON r.sku = t.sku AND r.`week` = t.`week`;

-- daily, next step (formulas that read the ones before)
CACHE LAZY TABLE daily__2 AS
SELECT
  t.n,
  t.start,
  t.due,
  -- periods.velo:41  busy = due > 5000
  COALESCE(t.due > 5000D AND NOT (abs(t.due - 5000D) <= 1e-12 * greatest(abs(t.due), abs(5000D))), FALSE) AS busy
FROM daily__1 AS t;

-- month_totals by month (periods.velo:44), step month_totals__1
CACHE LAZY TABLE month_totals__1 AS
SELECT
  t.`month`,
  -- periods.velo:45  due = sum(monthly.due)
  CASE WHEN COALESCE(a11.m1, 0) > 0 THEN NULL ELSE COALESCE(a11.v1, 0) END AS due
FROM (
  SELECT CAST(p AS DOUBLE) AS `month` FROM (SELECT explode(sequence(1, 4)) AS p) AS s
) AS t
LEFT JOIN (
  SELECT g.`month`, SUM(g.due) AS v1, COUNT(*) - COUNT(g.due) AS m1
  FROM monthly__2 AS g
  WHERE g.`month` IS NOT NULL
  GROUP BY g.`month`
) AS a11 ON a11.`month` = t.`month`;

-- first_months by sku (periods.velo:48), step first_months__1
CACHE LAZY TABLE first_months__1 AS
SELECT
  t.sku,
  -- periods.velo:49  first_big = first_period(monthly.due > 3000)
  CASE WHEN COALESCE(CASE WHEN COALESCE(a12.m1, 0) > 0 THEN NULL ELSE a12.v1 END < 1000000000000000.0D AND NOT (abs(CASE WHEN COALESCE(a12.m1, 0) > 0 THEN NULL ELSE a12.v1 END - 1000000000000000.0D) <= 1e-12 * greatest(abs(CASE WHEN COALESCE(a12.m1, 0) > 0 THEN NULL ELSE a12.v1 END), abs(1000000000000000.0D))), FALSE) THEN CASE WHEN COALESCE(a12.m2, 0) > 0 THEN NULL ELSE a12.v2 END ELSE CAST(NULL AS DOUBLE) END AS first_big
FROM (
  SELECT DISTINCT sku FROM items
  WHERE sku IS NOT NULL
) AS t
LEFT JOIN (
  SELECT g.sku, MIN(CASE WHEN COALESCE(g.due > 3000D AND NOT (abs(g.due - 3000D) <= 1e-12 * greatest(abs(g.due), abs(3000D))), FALSE) THEN g.`month` ELSE 1000000000000000.0D END) AS v1, COUNT(*) - COUNT(CASE WHEN COALESCE(g.due > 3000D AND NOT (abs(g.due - 3000D) <= 1e-12 * greatest(abs(g.due), abs(3000D))), FALSE) THEN g.`month` ELSE 1000000000000000.0D END) AS m1, MIN(CASE WHEN COALESCE(g.due > 3000D AND NOT (abs(g.due - 3000D) <= 1e-12 * greatest(abs(g.due), abs(3000D))), FALSE) THEN g.`month` ELSE 1000000000000000.0D END) AS v2, COUNT(*) - COUNT(CASE WHEN COALESCE(g.due > 3000D AND NOT (abs(g.due - 3000D) <= 1e-12 * greatest(abs(g.due), abs(3000D))), FALSE) THEN g.`month` ELSE 1000000000000000.0D END) AS m2
  FROM monthly__2 AS g
  WHERE g.sku IS NOT NULL
  GROUP BY g.sku
) AS a12 ON a12.sku = t.sku;

-- monthly, next step (formulas that read the ones before)
CACHE LAZY TABLE monthly AS
SELECT
  t.sku,
  t.`month`,
  t.first_day,
  t.last_day,
  t.due,
  t.orders,
  t.running,
  t.prior,
  -- periods.velo:21  gaps = cumulative(prior)
  CASE WHEN COUNT(*) OVER (PARTITION BY t.sku ORDER BY t.`month` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) > COUNT(t.prior) OVER (PARTITION BY t.sku ORDER BY t.`month` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) THEN NULL ELSE SUM(t.prior) OVER (PARTITION BY t.sku ORDER BY t.`month` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS gaps,
  t.later,
  t.earlier,
  t.by_lead,
  t.halfway,
  t.first_up,
  t.never
FROM monthly__2 AS t;

-- iso, next step (formulas that read the ones before)
CACHE LAZY TABLE iso__3 AS
SELECT
  t.sku,
  t.`week`,
  t.start,
  t.finish,
  t.due,
  t.backlog,
  -- periods.velo:35  first_over = first_period(backlog > 1200)
  fp14.velo_first AS first_over
FROM iso__2 AS t
LEFT JOIN (
  SELECT fc13.sku, MIN(CASE WHEN COALESCE(fc13.backlog > 1200D AND NOT (abs(fc13.backlog - 1200D) <= 1e-12 * greatest(abs(fc13.backlog), abs(1200D))), FALSE) THEN fc13.`week` END) AS velo_first
  FROM iso__2 AS fc13
  GROUP BY fc13.sku
) AS fp14 ON fp14.sku = t.sku;

-- iso: the recurrence weeks, period after period (periods.velo:29); Spark SQL has no recursive CTE: one table per period
-- period 1
CACHE LAZY TABLE iso__4__p1 AS
SELECT t.sku, t.`week`, rv1.weeks
FROM iso__3 AS t
-- periods.velo:34  weeks = if backlog > 0 then previous(weeks, first: 0) + 1 else 0
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(t.backlog > 0D AND NOT (abs(t.backlog - 0D) <= 1e-12 * greatest(abs(t.backlog), abs(0D))), FALSE) THEN (0D + 1D) ELSE 0D END AS DOUBLE) AS weeks) AS rv1
WHERE t.`week` = 1;

-- period 2
CACHE LAZY TABLE iso__4__p2 AS
SELECT t.sku, t.`week`, rv1.weeks
FROM iso__4__p1 AS r
JOIN iso__3 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:34  weeks = if backlog > 0 then previous(weeks, first: 0) + 1 else 0
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(t.backlog > 0D AND NOT (abs(t.backlog - 0D) <= 1e-12 * greatest(abs(t.backlog), abs(0D))), FALSE) THEN (r.weeks + 1D) ELSE 0D END AS DOUBLE) AS weeks) AS rv1;

-- period 3
CACHE LAZY TABLE iso__4__p3 AS
SELECT t.sku, t.`week`, rv1.weeks
FROM iso__4__p2 AS r
JOIN iso__3 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:34  weeks = if backlog > 0 then previous(weeks, first: 0) + 1 else 0
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(t.backlog > 0D AND NOT (abs(t.backlog - 0D) <= 1e-12 * greatest(abs(t.backlog), abs(0D))), FALSE) THEN (r.weeks + 1D) ELSE 0D END AS DOUBLE) AS weeks) AS rv1;

-- period 4
CACHE LAZY TABLE iso__4__p4 AS
SELECT t.sku, t.`week`, rv1.weeks
FROM iso__4__p3 AS r
JOIN iso__3 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:34  weeks = if backlog > 0 then previous(weeks, first: 0) + 1 else 0
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(t.backlog > 0D AND NOT (abs(t.backlog - 0D) <= 1e-12 * greatest(abs(t.backlog), abs(0D))), FALSE) THEN (r.weeks + 1D) ELSE 0D END AS DOUBLE) AS weeks) AS rv1;

-- period 5
CACHE LAZY TABLE iso__4__p5 AS
SELECT t.sku, t.`week`, rv1.weeks
FROM iso__4__p4 AS r
JOIN iso__3 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:34  weeks = if backlog > 0 then previous(weeks, first: 0) + 1 else 0
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(t.backlog > 0D AND NOT (abs(t.backlog - 0D) <= 1e-12 * greatest(abs(t.backlog), abs(0D))), FALSE) THEN (r.weeks + 1D) ELSE 0D END AS DOUBLE) AS weeks) AS rv1;

-- period 6
CACHE LAZY TABLE iso__4__p6 AS
SELECT t.sku, t.`week`, rv1.weeks
FROM iso__4__p5 AS r
JOIN iso__3 AS t ON t.sku = r.sku AND t.`week` = r.`week` + 1
-- periods.velo:34  weeks = if backlog > 0 then previous(weeks, first: 0) + 1 else 0
CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(t.backlog > 0D AND NOT (abs(t.backlog - 0D) <= 1e-12 * greatest(abs(t.backlog), abs(0D))), FALSE) THEN (r.weeks + 1D) ELSE 0D END AS DOUBLE) AS weeks) AS rv1;

-- iso: the periods together
CACHE LAZY TABLE iso__4 AS
SELECT t.sku, t.`week`, t.start, t.finish, t.due, t.backlog, t.first_over, r.weeks
FROM iso__3 AS t
LEFT JOIN (
  SELECT * FROM iso__4__p1
  UNION ALL
  SELECT * FROM iso__4__p2
  UNION ALL
  SELECT * FROM iso__4__p3
  UNION ALL
  SELECT * FROM iso__4__p4
  UNION ALL
  SELECT * FROM iso__4__p5
  UNION ALL
  SELECT * FROM iso__4__p6
) AS r ON r.sku = t.sku AND r.`week` = t.`week`;

-- daily, next step (formulas that read the ones before)
CACHE LAZY TABLE daily AS
SELECT
  t.n,
  t.start,
  t.due,
  t.busy,
  -- periods.velo:42  first_busy = first_period(busy)
  fp16.velo_first AS first_busy
FROM daily__2 AS t
CROSS JOIN (
  SELECT MIN(CASE WHEN fc15.busy THEN fc15.n END) AS velo_first
  FROM daily__2 AS fc15
) AS fp16;

-- month_totals, next step (formulas that read the ones before)
CACHE LAZY TABLE month_totals AS
SELECT
  t.`month`,
  t.due,
  -- periods.velo:46  most = max(monthly.running)
  CASE WHEN COALESCE(a17.m1, 0) > 0 THEN NULL ELSE a17.v1 END AS most
FROM month_totals__1 AS t
LEFT JOIN (
  SELECT g.`month`, MAX(g.running) AS v1, COUNT(*) - COUNT(g.running) AS m1
  FROM monthly AS g
  WHERE g.`month` IS NOT NULL
  GROUP BY g.`month`
) AS a17 ON a17.`month` = t.`month`;

-- first_months, next step (formulas that read the ones before)
CACHE LAZY TABLE first_months AS
SELECT
  t.sku,
  t.first_big,
  -- periods.velo:50  late = first_big > 2
  COALESCE(t.first_big > 2D AND NOT (abs(t.first_big - 2D) <= 1e-12 * greatest(abs(t.first_big), abs(2D))), FALSE) AS late
FROM first_months__1 AS t;

-- iso, next step (formulas that read the ones before)
CACHE LAZY TABLE iso AS
SELECT
  t.sku,
  t.`week`,
  t.start,
  t.finish,
  t.due,
  t.backlog,
  t.weeks,
  t.first_over,
  -- periods.velo:36  urgent = first_over <= 3
  COALESCE((t.first_over <= 3D OR abs(t.first_over - 3D) <= 1e-12 * greatest(abs(t.first_over), abs(3D))), FALSE) AS urgent
FROM iso__4 AS t;

-- flag busy_day (warning) on daily (periods.velo:52)
SELECT t.n, t.due AS value_1
FROM daily AS t
WHERE t.busy;

-- flag growing (info) on monthly (periods.velo:55)
SELECT t.sku, t.`month`, t.due AS value_1
FROM monthly AS t
LEFT JOIN monthly AS p18 ON p18.sku = t.sku AND p18.`month` = t.`month` + (-1)
LEFT JOIN monthly AS p19 ON p19.sku = t.sku AND p19.`month` = t.`month` + 1D
WHERE (COALESCE(t.due > CASE WHEN t.`month` = 1 THEN 0D ELSE p18.due END AND NOT (abs(t.due - CASE WHEN t.`month` = 1 THEN 0D ELSE p18.due END) <= 1e-12 * greatest(abs(t.due), abs(CASE WHEN t.`month` = 1 THEN 0D ELSE p18.due END))), FALSE) AND (p19.due IS NULL));

-- flag late_over (info) on iso (periods.velo:58)
SELECT t.sku, t.`week`, t.first_over AS value_1
FROM iso AS t
LEFT JOIN (
  SELECT fc20.sku, MIN(CASE WHEN COALESCE(fc20.backlog > 1200D AND NOT (abs(fc20.backlog - 1200D) <= 1e-12 * greatest(abs(fc20.backlog), abs(1200D))), FALSE) THEN fc20.`week` END) AS velo_first
  FROM iso AS fc20
  GROUP BY fc20.sku
) AS fp21 ON fp21.sku = t.sku
WHERE (COALESCE(abs(t.`week` - 1D) <= 1e-12 * greatest(abs(t.`week`), abs(1D)), FALSE) AND COALESCE(fp21.velo_first > 4D AND NOT (abs(fp21.velo_first - 4D) <= 1e-12 * greatest(abs(fp21.velo_first), abs(4D))), FALSE));
