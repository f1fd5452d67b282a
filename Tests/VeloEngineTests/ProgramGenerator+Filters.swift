// Row filters in generated programs: a `where` line on the sales source, filtered event
// tables over sales and returns (and one over another filtered table), read by aggregates and
// windows like any event table; and a CSV dialect on returns.csv (`;`, a decimal comma,
// dd.mm.yyyy dates), written so by the property test's data files and appends.

import Foundation

/// `table NAME = BASE where CONDITION`.
struct GFiltered {
    var name: String
    var base: String
    var condition: String

    /// Its base's columns under its own name: an event table with dates.
    func table(in p: GProgram) -> GTable? {
        guard let b = GSchema.sources.first(where: { $0.name == base }) ?? p.filtered.first(where: { $0.name == base })?.table(in: p) else { return nil }
        return GTable(name: name, keys: [], columns: b.columns, isSource: true, dated: true)
    }
}

extension GSchema {
    /// The source declarations of `p`: the fixed schema, with its filters and dialect.
    static func header(_ p: GProgram) -> String {
        var s = header
        if p.returnsDialect {
            s = s.replacingOccurrences(of: "csv(\"returns.csv\")", with: "csv(\"returns.csv\", delimiter: \";\", decimal: \",\", dates: \"dd.mm.yyyy\")")
        }
        if let w = p.salesWhere {
            s = s.replacingOccurrences(of: "  units: number\n", with: "  units: number\n  where \(w)\n")
        }
        for f in p.filtered { s += "\ntable \(f.name) = \(f.base) where \(f.condition)" }
        return s
    }

    /// `2024-03-01,S01,2` as returns.csv is written in its dialect: `01.03.2024;S01;2,0`.
    static func dialectReturnsLine(_ line: Substring) -> String {
        let f = line.split(separator: ",", omittingEmptySubsequences: false)
        guard f.count == 3 else { return String(line) }
        let d = f[0].split(separator: "-")
        let date = d.count == 3 ? "\(d[2]).\(d[1]).\(d[0])" : String(f[0])
        return "\(date);\(f[1]);\(f[2]),0"
    }

    static func dialectReturns(_ text: String) -> String {
        text.split(separator: "\n").map { $0 == "date,sku,qty" ? "date;sku;qty" : dialectReturnsLine($0) }.joined(separator: "\n") + "\n"
    }
}

extension GProgram {
    /// The filtered tables as the generator's schema sees them.
    var filteredTables: [GTable] { filtered.compactMap { $0.table(in: self) } }
}

extension ProgramGenerator {
    static let salesConditions = ["units != 3", "channel != \"store\" or units > 5", "units >= 0", "sku != \"S02\""]
    static let filterConditions: [String: [String]] = [
        "sales": ["channel == \"web\"", "units > 4", "channel == \"store\" and units != 2", "not (sku == \"S01\")", "units is missing or units < 8"],
        "returns": ["qty >= 2", "qty != 2 and sku != \"S03\"", "date >= 2024-03-05"],
    ]

    /// Some filters, a `where` on sales, and the dialect, before any formula is drawn.
    mutating func addFilters(_ p: inout GProgram) {
        p.returnsDialect = r.int(3) == 0
        if r.int(3) == 0 { p.salesWhere = pick(Self.salesConditions) }
        if r.int(2) == 0 { p.filtered.append(GFiltered(name: "fsales", base: "sales", condition: pick(Self.filterConditions["sales"]!))) }
        if r.int(2) == 0 { p.filtered.append(GFiltered(name: "gsales", base: "sales", condition: pick(Self.filterConditions["sales"]!))) }
        if r.int(3) == 0 { p.filtered.append(GFiltered(name: "freturns", base: "returns", condition: pick(Self.filterConditions["returns"]!))) }
        if p.filtered.contains(where: { $0.name == "fsales" }), r.int(3) == 0 {
            p.filtered.append(GFiltered(name: "ffsales", base: "fsales", condition: pick(Self.filterConditions["sales"]!)))
        }
    }

    /// A rule edit: another condition for a filtered table or for sales' `where` line.
    mutating func editFilter(_ p: inout GProgram) -> String? {
        if !p.filtered.isEmpty && r.int(3) > 0 {
            let i = r.int(p.filtered.count)
            let base = p.filtered[i].base == "returns" ? "returns" : "sales"
            let old = p.filtered[i].condition
            p.filtered[i].condition = pick(Self.filterConditions[base]!)
            return old == p.filtered[i].condition ? nil : "\(p.filtered[i].name): where \(old) -> \(p.filtered[i].condition)"
        }
        let old = p.salesWhere
        p.salesWhere = r.int(3) == 0 ? nil : pick(Self.salesConditions)
        return old == p.salesWhere ? nil : "sales: where \(old ?? "none") -> \(p.salesWhere ?? "none")"
    }
}
