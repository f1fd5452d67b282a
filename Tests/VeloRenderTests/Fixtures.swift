// Representative result tables shared by the golden and unit tests: keys, numbers of many
// magnitudes (negative too), missing values with and without reasons, text with commas,
// quotes, line breaks and non-ASCII, dates and booleans.

import VeloData
import VeloRender

enum Fixtures {
    static func day(_ iso: String) -> Int32 { CivilDate(iso: iso)!.day }

    /// A small planning result.
    static let plan = OutputTable(name: "plan", columns: [
        OutputColumn(name: "qty", values: .number([120, -35, 1_234_567, .nan, 0]), unit: "units"),
        OutputColumn(name: "sku", values: .text(["A-100", "B-200", "SKU9", "Ünïcödé 日本", "C,300"]), isKey: true),
        OutputColumn(name: "week", values: .date([day("2024-01-01"), day("2024-01-08"), day("2024-01-15"), Int32.min, day("1969-12-31")]), isKey: true),
        OutputColumn(name: "cover_days", values: .number([12.5, .nan, 3.25, 0.5, .nan]),
                     missingReasons: [1: "division by zero", 4: "no row in inventory for SKU9"], unit: "days"),
        OutputColumn(name: "urgent", values: .bool([1, 0, 2, 1, 0])),
        OutputColumn(name: "note", values: .text(["reorder, soon", "say \"hi\"", "two\nlines", nil, "tab\there 🚚"]),
                     missingReasons: [3: "not planned"]),
    ])

    /// Numbers across many magnitudes, as exact and human formats see them.
    static let magnitudes = OutputTable(name: "magnitudes", columns: [
        OutputColumn(name: "label", values: .text([
            "zero", "negative zero", "tiny", "small", "half", "one", "negative", "thousands",
            "quadrillion", "huge", "huger", "negative small", "min subnormal", "max", "third",
        ]), isKey: true),
        OutputColumn(name: "x", values: .number([
            0, -0.0, 1e-7, 0.000123456, 0.5, 1, -2.5, 12_345.678,
            1e15, 1e21, 1.2345678901234568e20, -9.87e-5, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.0 / 3,
        ])),
        OutputColumn(name: "money", values: .number([
            0, 0, 0, 0, 0.5, 1, -2.5, 12_345.678, 1_000, -1_000_000, 2.675, 999.995, 7, 8, 9,
        ])),
        OutputColumn(name: "count", values: .number([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, -1_000_000])),
    ])

    /// Columns with units: in the header (units, units/day, USD/unit), in the cell (money in
    /// dollars, euros and a currency without a symbol; percentages), and none.
    static let priced = OutputTable(name: "priced", columns: [
        OutputColumn(name: "sku", values: .text(["A-100", "B-200", "C-300", "D-400"]), isKey: true),
        OutputColumn(name: "need", values: .number([1200, 35.5, .nan, 0]), missingReasons: [2: "no demand"], unit: "units"),
        OutputColumn(name: "demand", values: .number([45.2, 0.75, 0, 12]), unit: "units/day"),
        OutputColumn(name: "unit_cost", values: .number([2.5, 0.1, 10, 1.25]), unit: "USD/unit"),
        OutputColumn(name: "spend", values: .number([1234.5, -20, 0.004, 1_000_000]), unit: "USD"),
        OutputColumn(name: "spend_eur", values: .number([980, 3.1, .nan, -0.001]), unit: "EUR"),
        OutputColumn(name: "fee", values: .number([12, 7.5, 0, 1500]), unit: "CHF"),
        OutputColumn(name: "change", values: .number([0.29, -0.045, 1, .nan]), missingReasons: [3: "division by zero"], unit: "percent"),
        OutputColumn(name: "share", values: .number([0.25, 0.5, 0.005, 0.0025]), unit: "percent"),
        OutputColumn(name: "score", values: .number([1, 2, 3, 4])),
    ])

    /// A table with columns but no rows.
    static let empty = OutputTable(name: "empty", columns: [
        OutputColumn(name: "sku", values: .text([]), isKey: true),
        OutputColumn(name: "qty", values: .number([])),
    ], rowCount: 0)

    /// A table about 200 columns wide: long text, many numeric columns.
    static let wide: OutputTable = {
        var columns = [
            OutputColumn(name: "sku", values: .text(["A-100", "B-200", "C-300"]), isKey: true),
            OutputColumn(name: "description", values: .text([
                "Stainless steel hex bolt M8 x 40 mm, zinc plated, box of 100",
                "Pallet wrap film 500 mm x 300 m",
                nil,
            ]), missingReasons: [2: "no row in catalog for C-300"]),
        ]
        for i in 1...12 {
            columns.append(OutputColumn(name: "week_\(i)", values: .number([Double(i * 1000), Double(i) * 1.5, -Double(i)])))
        }
        columns.append(OutputColumn(name: "supplier", values: .text(["Acme Fasteners International", "Wrap & Co", "Büro GmbH"])))
        return OutputTable(name: "wide", columns: columns)
    }()
}
