-- lot_sizing.velo, compiled to DuckDB by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- items: data/lot_items.csv (lot_sizing.velo:7)
CREATE OR REPLACE TABLE items AS
SELECT * FROM read_csv('Examples/production/data/lot_items.csv', header = true, auto_detect = false,
  columns = {'sku': 'VARCHAR', 'on_hand': 'DOUBLE', 'demand': 'DOUBLE', 'moq': 'DOUBLE', 'case_pack': 'DOUBLE', 'safety': 'DOUBLE'});

-- the as-of date: the latest date in 
CREATE OR REPLACE TABLE velo_asof AS
SELECT CAST(NULL AS DATE) AS as_of_date;

-- lots by sku, week (lot_sizing.velo:15), step lots__1
CREATE OR REPLACE TABLE lots__1 AS
SELECT
  t.sku,
  t."week",
  -- lot_sizing.velo:16  demand = items.demand
  items.demand AS demand
FROM (
  SELECT k.*, s."week"
  FROM (
    SELECT DISTINCT sku FROM items
    WHERE sku IS NOT NULL
  ) AS k
  CROSS JOIN (
    SELECT CAST(p AS DOUBLE) AS "week" FROM range(1, 7) AS s(p)
  ) AS s
) AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- lots, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE lots__2 AS
SELECT
  t.sku,
  t."week",
  t.demand,
  -- lot_sizing.velo:25  cum_req = cumulative(demand)
  CASE WHEN COUNT(*) OVER (PARTITION BY t.sku ORDER BY t."week" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) > COUNT(t.demand) OVER (PARTITION BY t.sku ORDER BY t."week" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) THEN NULL ELSE SUM(t.demand) OVER (PARTITION BY t.sku ORDER BY t."week" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS cum_req
FROM lots__1 AS t;

-- lots: the recurrence opening, projected, net, moq_pack, closing, period after period (lot_sizing.velo:15)
CREATE OR REPLACE TABLE lots__3 AS
WITH RECURSIVE lots__3__rec AS (
  SELECT t.sku, t."week", rv1.opening, rv2.projected, rv3.net, rv4.moq_pack, rv5.closing
  FROM lots__2 AS t
  LEFT JOIN items AS items ON items.sku = t.sku
  -- lot_sizing.velo:17  opening = previous(closing, first: items.on_hand)
  CROSS JOIN LATERAL (SELECT CAST(items.on_hand AS DOUBLE) AS opening) AS rv1
  -- lot_sizing.velo:18  projected = opening - demand
  CROSS JOIN LATERAL (SELECT CAST((rv1.opening - t.demand) AS DOUBLE) AS projected) AS rv2
  -- lot_sizing.velo:19  net = max(items.safety - projected, 0)
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN (items.safety - rv2.projected) IS NULL THEN NULL ELSE greatest((items.safety - rv2.projected), 0::DOUBLE) END AS DOUBLE) AS net) AS rv3
  -- lot_sizing.velo:21  moq_pack = if net > 0 then roundup(max(net, items.moq), items.case_pack) else 0
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(rv3.net > 0::DOUBLE AND NOT (abs(rv3.net - 0::DOUBLE) <= 1e-12 * greatest(abs(rv3.net), abs(0::DOUBLE))), FALSE) THEN CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) - (CASE WHEN (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack))) THEN (CASE WHEN (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) END) ELSE (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) END) * items.case_pack + 0 END ELSE 0::DOUBLE END AS DOUBLE) AS moq_pack) AS rv4
  -- lot_sizing.velo:29  closing = projected + moq_pack
  CROSS JOIN LATERAL (SELECT CAST((rv2.projected + rv4.moq_pack) AS DOUBLE) AS closing) AS rv5
  WHERE t."week" = 1
  UNION ALL
  SELECT t.sku, t."week", rv1.opening, rv2.projected, rv3.net, rv4.moq_pack, rv5.closing
  FROM lots__3__rec AS r
  JOIN lots__2 AS t ON t.sku = r.sku AND t."week" = r."week" + 1
  LEFT JOIN items AS items ON items.sku = t.sku
  -- lot_sizing.velo:17  opening = previous(closing, first: items.on_hand)
  CROSS JOIN LATERAL (SELECT CAST(r.closing AS DOUBLE) AS opening) AS rv1
  -- lot_sizing.velo:18  projected = opening - demand
  CROSS JOIN LATERAL (SELECT CAST((rv1.opening - t.demand) AS DOUBLE) AS projected) AS rv2
  -- lot_sizing.velo:19  net = max(items.safety - projected, 0)
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN (items.safety - rv2.projected) IS NULL THEN NULL ELSE greatest((items.safety - rv2.projected), 0::DOUBLE) END AS DOUBLE) AS net) AS rv3
  -- lot_sizing.velo:21  moq_pack = if net > 0 then roundup(max(net, items.moq), items.case_pack) else 0
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(rv3.net > 0::DOUBLE AND NOT (abs(rv3.net - 0::DOUBLE) <= 1e-12 * greatest(abs(rv3.net), abs(0::DOUBLE))), FALSE) THEN CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) - (CASE WHEN (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack))) THEN (CASE WHEN (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) END) ELSE (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) END) * items.case_pack + 0 END ELSE 0::DOUBLE END AS DOUBLE) AS moq_pack) AS rv4
  -- lot_sizing.velo:29  closing = projected + moq_pack
  CROSS JOIN LATERAL (SELECT CAST((rv2.projected + rv4.moq_pack) AS DOUBLE) AS closing) AS rv5
)
SELECT t.sku, t."week", t.demand, t.cum_req, r.opening, r.projected, r.net, r.moq_pack, r.closing
FROM lots__2 AS t
LEFT JOIN lots__3__rec AS r ON r.sku = t.sku AND r."week" = t."week";

-- lots, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE lots__4 AS
SELECT
  t.sku,
  t."week",
  t.demand,
  t.opening,
  t.projected,
  t.net,
  -- lot_sizing.velo:20  lot_for_lot = net
  t.net AS lot_for_lot,
  t.moq_pack,
  -- lot_sizing.velo:22  fixed = if net > 0 then roundup(net, lot) else 0
  CASE WHEN COALESCE(t.net > 0::DOUBLE AND NOT (abs(t.net - 0::DOUBLE) <= 1e-12 * greatest(abs(t.net), abs(0::DOUBLE))), FALSE) THEN CASE WHEN 250::DOUBLE /* lot */ > 0 THEN ceil(CASE WHEN abs((t.net / 250::DOUBLE /* lot */) - (CASE WHEN (t.net / 250::DOUBLE /* lot */) < 0 THEN -floor(-(t.net / 250::DOUBLE /* lot */) + 0.5) ELSE floor((t.net / 250::DOUBLE /* lot */) + 0.5) END)) <= 1e-9 * greatest(1, abs((t.net / 250::DOUBLE /* lot */))) THEN (CASE WHEN (t.net / 250::DOUBLE /* lot */) < 0 THEN -floor(-(t.net / 250::DOUBLE /* lot */) + 0.5) ELSE floor((t.net / 250::DOUBLE /* lot */) + 0.5) END) ELSE (t.net / 250::DOUBLE /* lot */) END) * 250::DOUBLE /* lot */ + 0 END ELSE 0::DOUBLE END AS fixed,
  -- lot_sizing.velo:23  multiples = roundup(net, items.case_pack)
  CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((t.net / items.case_pack) - (CASE WHEN (t.net / items.case_pack) < 0 THEN -floor(-(t.net / items.case_pack) + 0.5) ELSE floor((t.net / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((t.net / items.case_pack))) THEN (CASE WHEN (t.net / items.case_pack) < 0 THEN -floor(-(t.net / items.case_pack) + 0.5) ELSE floor((t.net / items.case_pack) + 0.5) END) ELSE (t.net / items.case_pack) END) * items.case_pack + 0 END AS multiples,
  -- lot_sizing.velo:24  min_max = if projected < reorder_at then order_up - projected else 0
  CASE WHEN COALESCE(t.projected < 100::DOUBLE /* reorder_at */ AND NOT (abs(t.projected - 100::DOUBLE /* reorder_at */) <= 1e-12 * greatest(abs(t.projected), abs(100::DOUBLE /* reorder_at */))), FALSE) THEN (400::DOUBLE /* order_up */ - t.projected) ELSE 0::DOUBLE END AS min_max,
  t.cum_req,
  -- lot_sizing.velo:27  ahead = shift(cum_req, min(poq_weeks - 1, horizon - week)) - cum_req
  (p1.cum_req - t.cum_req) AS ahead,
  t.closing
FROM lots__3 AS t
LEFT JOIN items AS items ON items.sku = t.sku
LEFT JOIN lots__3 AS p1 ON p1.sku = t.sku AND p1."week" = t."week" + (CASE WHEN (3::DOUBLE /* poq_weeks */ - 1::DOUBLE) IS NULL OR (6::DOUBLE /* horizon */ - t."week") IS NULL THEN NULL ELSE least((3::DOUBLE /* poq_weeks */ - 1::DOUBLE), (6::DOUBLE /* horizon */ - t."week")) END);

-- lots, next step (formulas that read the ones before)
CREATE OR REPLACE TABLE lots AS
SELECT
  t.sku,
  t."week",
  t.demand,
  t.opening,
  t.projected,
  t.net,
  t.lot_for_lot,
  t.moq_pack,
  t.fixed,
  t.multiples,
  t.min_max,
  t.cum_req,
  t.ahead,
  -- lot_sizing.velo:28  poq = if net > 0 then net + ahead else 0
  CASE WHEN COALESCE(t.net > 0::DOUBLE AND NOT (abs(t.net - 0::DOUBLE) <= 1e-12 * greatest(abs(t.net), abs(0::DOUBLE))), FALSE) THEN (t.net + t.ahead) ELSE 0::DOUBLE END AS poq,
  t.closing
FROM lots__4 AS t;
