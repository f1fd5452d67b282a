#!/usr/bin/env python3
"""A tiny hand-made data set of corner cases for the replenishment plan ("size" E of bench.py).

    python3 Benchmarks/edge_cases.py --out DIR

Writes DIR/sales.csv, items.csv, inventory.csv and sales_next_day.csv (same layout as
generate.py). The last day T is 2024-12-31; k = T - date. Each SKU exercises one case:

  TIE_UP      rw = 8140, pw = 6512: velocity_change is exactly +25% (not an exception),
              although velocity/prior_velocity - 1 in floating point is 0.2500000000000002
  TIE_DOWN    rw = 63, pw = 84: exactly -25% (not an exception)
  COVER01..11 231 on_hand = 60 sum(rw): cover_days exactly 60 -> monthly, whatever the
              rounding of on_hand/demand
  DUP         two rows for the same (sku, channel, date): summed before the window sums
  RETURNS     only negative units: negative demand, cover_days missing, monthly
  OLD         sold only before T-34: no series, demand 0, in plan.csv only
  EDGE35      a row at k = 35 only (outside) and one at k = 34 (inside, prior window only)
  NOPRIOR     sold only in the last 14 days: prior 0, velocity_change missing, no exception
  NEGPRIOR    returns dominate the prior window: pw < 0
  ORPHAN      sells but is not in items.csv: in series.csv only
  NOINV       not in inventory.csv: on_hand = on_order = 0
  MOQPACK     MOQ 100 with case pack 6: an order rounds up to 102
  MULTI       three channels, one of them an exception: the SKU is flagged
  FULL        plenty of stock: need = 0, order_qty = 0
  mixedCase   a lower-case SKU, to check that every tool sorts keys by their bytes
"""
import argparse
import datetime as dt
import os

T = dt.date(2024, 12, 31)


def main(argv=None):
    ap = argparse.ArgumentParser(description="hand-made corner cases for the replenishment plan")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    rows = []

    def sale(k, sku, units, channel="web"):
        rows.append(((T - dt.timedelta(days=k)).isoformat(), sku, channel, units))

    sale(1, "TIE_UP", 407)                 # rw = 20 * 407 = 8140
    sale(34, "TIE_UP", 6512)               # pw = 1 * 6512
    sale(0, "TIE_DOWN", 3)                 # rw = 21 * 3 = 63
    sale(34, "TIE_DOWN", 84)               # pw = 84
    inventory = {}
    for j in range(1, 12):                 # rw = 7 * 11j = 77j, on_hand = 20j: 231*20j = 60*77j
        sku = "COVER%02d" % j
        sale(14, sku, 11 * j)
        inventory[sku] = (20 * j, 0)
    sale(3, "DUP", 5)
    sale(3, "DUP", 7)
    sale(10, "DUP", 4)
    sale(2, "RETURNS", -3)
    sale(9, "RETURNS", -1)
    sale(40, "OLD", 25)
    sale(35, "EDGE35", 100)
    sale(34, "EDGE35", 10)
    sale(20, "EDGE35", 9)
    sale(21, "EDGE35", 8)
    for k in range(0, 14):
        sale(k, "NOPRIOR", 10 + k)
    sale(5, "NEGPRIOR", 30)
    sale(22, "NEGPRIOR", -5)
    sale(30, "NEGPRIOR", -4)
    for k in range(0, 35, 2):
        sale(k, "ORPHAN", 7)
    sale(0, "NOINV", 12)
    sale(15, "NOINV", 10)
    sale(0, "MOQPACK", 1)
    sale(16, "MOQPACK", 1)
    for k in range(0, 35):
        sale(k, "MULTI", 20, "store")
        sale(k, "MULTI", 20, "web")
        sale(k, "MULTI", 5 if k < 21 else 40, "wholesale")
    for k in range(0, 35, 3):
        sale(k, "FULL", 50)
        sale(k, "mixedCase", 4)
    rows.sort()
    items = sorted({r[1] for r in rows} - {"ORPHAN"} | {"NOSALES"})
    inventory.update({"DUP": (10, 0), "RETURNS": (40, 5), "OLD": (300, 0), "EDGE35": (0, 0),
                      "NOPRIOR": (120, 60), "NEGPRIOR": (2, 0), "MOQPACK": (0, 0),
                      "MULTI": (900, 100), "FULL": (1_000_000, 0), "mixedCase": (3, 1),
                      "TIE_UP": (500, 0), "TIE_DOWN": (5, 0), "NOSALES": (7, 0)})

    with open(os.path.join(a.out, "sales.csv"), "w", newline="\n") as fh:
        fh.write("date,sku,channel,units\n")
        fh.writelines("%s,%s,%s,%d\n" % r for r in rows)
    with open(os.path.join(a.out, "sales_next_day.csv"), "w", newline="\n") as fh:
        fh.write("date,sku,channel,units\n")
        nxt = (T + dt.timedelta(days=1)).isoformat()
        fh.writelines("%s,%s,web,%d\n" % (nxt, s, u) for s, u in (("DUP", 6), ("MULTI", 19), ("NOPRIOR", 30)))
    with open(os.path.join(a.out, "items.csv"), "w", newline="\n") as fh:
        fh.write("sku,moq,case_pack,lead_time_days,lead_time_sd_days,unit_cost,"
                 "below_moq_surcharge_pct,holding_cost_pct_per_year\n")
        for i, sku in enumerate(items):
            moq, pack = (100, 6) if sku == "MOQPACK" else (50 + 10 * i, (1, 6, 12, 24)[i % 4])
            fh.write("%s,%d,%d,%d,%.1f,2.50,0.10,0.20\n" % (sku, moq, pack, 14 + 3 * i, (i % 5) * 1.5))
    with open(os.path.join(a.out, "inventory.csv"), "w", newline="\n") as fh:
        fh.write("sku,on_hand,on_order\n")
        fh.writelines("%s,%d,%d\n" % (s, h, o) for s, (h, o) in sorted(inventory.items()) if s != "NOINV")


if __name__ == "__main__":
    main()
