-- lot_sizing.velo, compiled to PostgreSQL by `velo compile` (edit the rule file, not this script).
-- One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.
-- Missing values are NULL; why a value is missing is not carried (the native engine says why).
-- The flags and the failing checks are the queries at the end.

-- items: data/lot_items.csv (lot_sizing.velo:7)
DROP TABLE IF EXISTS items CASCADE;
CREATE TABLE items (
  sku text,
  on_hand double precision,
  demand double precision,
  moq double precision,
  case_pack double precision,
  safety double precision
);

\copy items (sku, on_hand, demand, moq, case_pack, safety) FROM 'Examples/production/data/lot_items.csv' WITH (FORMAT csv, HEADER true)

-- the as-of date: the latest date in 
DROP TABLE IF EXISTS velo_asof CASCADE;
CREATE TABLE velo_asof AS
SELECT CAST(NULL AS date) AS as_of_date;

-- lots by sku, week (lot_sizing.velo:15), step lots__1
DROP TABLE IF EXISTS lots__1 CASCADE;
CREATE TABLE lots__1 AS
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
    SELECT CAST(p AS double precision) AS "week" FROM generate_series(1, 6) AS s(p)
  ) AS s
) AS t
LEFT JOIN items AS items ON items.sku = t.sku;

-- lots, next step (formulas that read the ones before)
DROP TABLE IF EXISTS lots__2 CASCADE;
CREATE TABLE lots__2 AS
SELECT
  t.sku,
  t."week",
  t.demand,
  -- lot_sizing.velo:25  cum_req = cumulative(demand)
  CASE WHEN COUNT(*) OVER (PARTITION BY t.sku ORDER BY t."week" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) > COUNT(t.demand) OVER (PARTITION BY t.sku ORDER BY t."week" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) THEN NULL ELSE SUM(t.demand) OVER (PARTITION BY t.sku ORDER BY t."week" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS cum_req
FROM lots__1 AS t;

-- lots: the recurrence opening, projected, net, moq_pack, closing, period after period (lot_sizing.velo:15)
DROP TABLE IF EXISTS lots__3 CASCADE;
CREATE TABLE lots__3 AS
WITH RECURSIVE lots__3__rec AS (
  SELECT t.sku, t."week", rv1.opening, rv2.projected, rv3.net, rv4.moq_pack, rv5.closing
  FROM lots__2 AS t
  LEFT JOIN items AS items ON items.sku = t.sku
  -- lot_sizing.velo:17  opening = previous(closing, first: items.on_hand)
  CROSS JOIN LATERAL (SELECT CAST(items.on_hand AS double precision) AS opening) AS rv1
  -- lot_sizing.velo:18  projected = opening - demand
  CROSS JOIN LATERAL (SELECT CAST((rv1.opening - t.demand) AS double precision) AS projected) AS rv2
  -- lot_sizing.velo:19  net = max(items.safety - projected, 0)
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN (items.safety - rv2.projected) IS NULL THEN NULL ELSE greatest((items.safety - rv2.projected), 0::float8) END AS double precision) AS net) AS rv3
  -- lot_sizing.velo:21  moq_pack = if net > 0 then roundup(max(net, items.moq), items.case_pack) else 0
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(rv3.net > 0::float8 AND NOT (abs(rv3.net - 0::float8) <= 1e-12 * greatest(abs(rv3.net), abs(0::float8))), FALSE) THEN CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) - (CASE WHEN (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack))) THEN (CASE WHEN (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) END) ELSE (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) END) * items.case_pack + 0 END ELSE 0::float8 END AS double precision) AS moq_pack) AS rv4
  -- lot_sizing.velo:29  closing = projected + moq_pack
  CROSS JOIN LATERAL (SELECT CAST((rv2.projected + rv4.moq_pack) AS double precision) AS closing) AS rv5
  WHERE t."week" = 1
  UNION ALL
  SELECT t.sku, t."week", rv1.opening, rv2.projected, rv3.net, rv4.moq_pack, rv5.closing
  FROM lots__3__rec AS r
  JOIN lots__2 AS t ON t.sku = r.sku AND t."week" = r."week" + 1
  LEFT JOIN items AS items ON items.sku = t.sku
  -- lot_sizing.velo:17  opening = previous(closing, first: items.on_hand)
  CROSS JOIN LATERAL (SELECT CAST(r.closing AS double precision) AS opening) AS rv1
  -- lot_sizing.velo:18  projected = opening - demand
  CROSS JOIN LATERAL (SELECT CAST((rv1.opening - t.demand) AS double precision) AS projected) AS rv2
  -- lot_sizing.velo:19  net = max(items.safety - projected, 0)
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN (items.safety - rv2.projected) IS NULL THEN NULL ELSE greatest((items.safety - rv2.projected), 0::float8) END AS double precision) AS net) AS rv3
  -- lot_sizing.velo:21  moq_pack = if net > 0 then roundup(max(net, items.moq), items.case_pack) else 0
  CROSS JOIN LATERAL (SELECT CAST(CASE WHEN COALESCE(rv3.net > 0::float8 AND NOT (abs(rv3.net - 0::float8) <= 1e-12 * greatest(abs(rv3.net), abs(0::float8))), FALSE) THEN CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) - (CASE WHEN (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack))) THEN (CASE WHEN (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) < 0 THEN -floor(-(CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) ELSE floor((CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) + 0.5) END) ELSE (CASE WHEN rv3.net IS NULL OR items.moq IS NULL THEN NULL ELSE greatest(rv3.net, items.moq) END / items.case_pack) END) * items.case_pack + 0 END ELSE 0::float8 END AS double precision) AS moq_pack) AS rv4
  -- lot_sizing.velo:29  closing = projected + moq_pack
  CROSS JOIN LATERAL (SELECT CAST((rv2.projected + rv4.moq_pack) AS double precision) AS closing) AS rv5
)
SELECT t.sku, t."week", t.demand, t.cum_req, r.opening, r.projected, r.net, r.moq_pack, r.closing
FROM lots__2 AS t
LEFT JOIN lots__3__rec AS r ON r.sku = t.sku AND r."week" = t."week";

-- lots, next step (formulas that read the ones before)
DROP TABLE IF EXISTS lots__4 CASCADE;
CREATE TABLE lots__4 AS
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
  CASE WHEN COALESCE(t.net > 0::float8 AND NOT (abs(t.net - 0::float8) <= 1e-12 * greatest(abs(t.net), abs(0::float8))), FALSE) THEN CASE WHEN 250::float8 /* lot */ > 0 THEN ceil(CASE WHEN abs((t.net / 250::float8 /* lot */) - (CASE WHEN (t.net / 250::float8 /* lot */) < 0 THEN -floor(-(t.net / 250::float8 /* lot */) + 0.5) ELSE floor((t.net / 250::float8 /* lot */) + 0.5) END)) <= 1e-9 * greatest(1, abs((t.net / 250::float8 /* lot */))) THEN (CASE WHEN (t.net / 250::float8 /* lot */) < 0 THEN -floor(-(t.net / 250::float8 /* lot */) + 0.5) ELSE floor((t.net / 250::float8 /* lot */) + 0.5) END) ELSE (t.net / 250::float8 /* lot */) END) * 250::float8 /* lot */ + 0 END ELSE 0::float8 END AS fixed,
  -- lot_sizing.velo:23  multiples = roundup(net, items.case_pack)
  CASE WHEN items.case_pack > 0 THEN ceil(CASE WHEN abs((t.net / items.case_pack) - (CASE WHEN (t.net / items.case_pack) < 0 THEN -floor(-(t.net / items.case_pack) + 0.5) ELSE floor((t.net / items.case_pack) + 0.5) END)) <= 1e-9 * greatest(1, abs((t.net / items.case_pack))) THEN (CASE WHEN (t.net / items.case_pack) < 0 THEN -floor(-(t.net / items.case_pack) + 0.5) ELSE floor((t.net / items.case_pack) + 0.5) END) ELSE (t.net / items.case_pack) END) * items.case_pack + 0 END AS multiples,
  -- lot_sizing.velo:24  min_max = if projected < reorder_at then order_up - projected else 0
  CASE WHEN COALESCE(t.projected < 100::float8 /* reorder_at */ AND NOT (abs(t.projected - 100::float8 /* reorder_at */) <= 1e-12 * greatest(abs(t.projected), abs(100::float8 /* reorder_at */))), FALSE) THEN (400::float8 /* order_up */ - t.projected) ELSE 0::float8 END AS min_max,
  t.cum_req,
  -- lot_sizing.velo:27  ahead = shift(cum_req, min(poq_weeks - 1, horizon - week)) - cum_req
  (p1.cum_req - t.cum_req) AS ahead,
  t.closing
FROM lots__3 AS t
LEFT JOIN items AS items ON items.sku = t.sku
LEFT JOIN lots__3 AS p1 ON p1.sku = t.sku AND p1."week" = t."week" + (CASE WHEN (3::float8 /* poq_weeks */ - 1::float8) IS NULL OR (6::float8 /* horizon */ - t."week") IS NULL THEN NULL ELSE least((3::float8 /* poq_weeks */ - 1::float8), (6::float8 /* horizon */ - t."week")) END);

-- lots, next step (formulas that read the ones before)
DROP TABLE IF EXISTS lots CASCADE;
CREATE TABLE lots AS
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
  CASE WHEN COALESCE(t.net > 0::float8 AND NOT (abs(t.net - 0::float8) <= 1e-12 * greatest(abs(t.net), abs(0::float8))), FALSE) THEN (t.net + t.ahead) ELSE 0::float8 END AS poq,
  t.closing
FROM lots__4 AS t;
