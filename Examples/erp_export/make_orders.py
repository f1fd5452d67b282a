#!/usr/bin/env python3
"""Rewrites the replenishment example's sales (one row per day, SKU and channel) into the
ERP order export `data/orders.csv` reads: `;`-separated, CRLF, dates as dd.mm.yyyy, prices
with a decimal comma, quoted descriptions holding `;`, several order lines per item, channel
and day, and cancelled lines that must not count. Deterministic (fixed seed).

    python3 make_orders.py ../replenishment/data/sales.csv data/orders.csv [data/orders.db]

With a third argument, also writes the same orders into a SQLite database (table `orders`,
dates as ISO text, quantities as integers, prices as reals), which `erp_sqlite.velo` reads.
"""
import csv, datetime, random, sys

def main(src, dst):
    rng = random.Random(11)
    rows = list(csv.DictReader(open(src, newline="")))
    out = open(dst, "w", newline="", encoding="utf-8")
    w = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["Order No", "Order Date", "Item Number", "Sales Channel", "Quantity", "Unit Price", "Order Status", "Description"])
    n = 100000
    last = max(r["date"] for r in rows)
    def line(date, sku, channel, qty, status):
        nonlocal n
        n += 1
        y, m, d = date.split("-")
        price = 3 + (int(sku[-3:]) % 40) * 0.25
        desc = f"Item {sku[-3:]}; {channel} pack, {int(price * 10)} g"
        w.writerow([f"SO-{n}", f"{d}.{m}.{y}", sku, channel, qty, f"{price:.2f}".replace(".", ","),
                    status, desc])
    for r in rows:
        units = int(float(r["units"]))
        parts = rng.choice([1, 1, 2, 3]) if units >= 3 else 1
        cuts = sorted(rng.sample(range(1, units), parts - 1)) if parts > 1 else []
        bounds = [0] + cuts + [units]
        for a, b in zip(bounds, bounds[1:]):
            line(r["date"], r["sku"], r["channel"], b - a, rng.choice(["Shipped", "Delivered", "Invoiced"]))
        if rng.random() < 0.08:
            line(r["date"], r["sku"], r["channel"], rng.randint(1, 500), "Cancelled")
    # A cancelled order after the last sale: the as-of date reads only the orders that count.
    after = (datetime.date.fromisoformat(last) + datetime.timedelta(days=1)).isoformat()
    line(after, rows[0]["sku"], rows[0]["channel"], 999, "Cancelled")
    out.close()

def to_sqlite(orders_csv, db_path):
    import os, sqlite3
    if os.path.exists(db_path):
        os.remove(db_path)
    db = sqlite3.connect(db_path)
    db.execute('''CREATE TABLE orders ("Order No" TEXT PRIMARY KEY, "Order Date" DATE, "Item Number" TEXT,
                  "Sales Channel" TEXT, "Quantity" INTEGER, "Unit Price" REAL, "Order Status" TEXT, "Description" TEXT)''')
    rows = []
    with open(orders_csv, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter=";"):
            d, m, y = r["Order Date"].split(".")
            rows.append((r["Order No"], f"{y}-{m}-{d}", r["Item Number"], r["Sales Channel"], int(r["Quantity"]),
                         float(r["Unit Price"].replace(",", ".")), r["Order Status"], r["Description"]))
    db.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.execute("VACUUM")
    db.close()

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
    if len(sys.argv) > 3:
        to_sqlite(sys.argv[2], sys.argv[3])
