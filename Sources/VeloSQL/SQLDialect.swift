// The three SQL dialects Velo compiles to, and how each spells the few things that differ:
// quoting, literals, types, date arithmetic, and how a table is materialised.

import VeloCheck
import VeloData

public enum SQLDialect: String, CaseIterable, Sendable {
    case duckdb, postgres, spark

    /// "DuckDB", "PostgreSQL", "Spark SQL": for messages.
    public var displayName: String {
        switch self {
        case .duckdb: return "DuckDB"
        case .postgres: return "PostgreSQL"
        case .spark: return "Spark SQL"
        }
    }

    // MARK: - Names

    /// An identifier, quoted only when it must be (not a plain lower-case name, or a reserved word).
    public func quote(_ name: String) -> String {
        let plain = name.first.map { $0 == "_" || ("a"..."z").contains($0) } ?? false
            && name.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        if plain && !SQLDialect.reserved.contains(name) { return name }
        switch self {
        case .duckdb, .postgres: return "\"" + name.replacingAll("\"", with: "\"\"") + "\""
        case .spark: return "`" + name.replacingAll("`", with: "``") + "`"
        }
    }

    /// Words that are reserved (or ambiguous) in at least one of the dialects.
    static let reserved: Set<String> = [
        "all", "and", "any", "array", "as", "asc", "between", "both", "by", "case", "cast", "check", "collate", "column",
        "constraint", "create", "cross", "current_date", "current_time", "current_timestamp", "current_user", "date",
        "default", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "from", "full",
        "grant", "group", "having", "in", "inner", "intersect", "interval", "into", "is", "join", "lateral", "leading",
        "left", "like", "limit", "natural", "not", "null", "offset", "on", "only", "or", "order", "outer", "over",
        "placing", "primary", "references", "returning", "right", "select", "session_user", "some", "symmetric",
        "table", "then", "time", "timestamp", "to", "trailing", "true", "union", "unique", "user", "using", "values",
        "when", "where", "window", "with", "year", "month", "day", "week", "asof", "exception", "range", "rows",
        "row", "position", "value", "key", "level", "type", "name", "first", "last", "filter", "semi", "anti",
    ]

    // MARK: - Literals

    public func string(_ s: String) -> String {
        switch self {
        case .duckdb, .postgres: return "'" + s.replacingAll("'", with: "''") + "'"
        case .spark: return "'" + s.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'"
        }
    }

    /// A number as a double-precision literal (integers read plainly, others in shortest round-trip form).
    public func number(_ x: Double) -> String {
        var text: String
        if x == x.rounded(), abs(x) < 1e15 { text = String(Int64(x)) } else { text = "\(x)" }
        if x == 0 && x.sign == .minus { text = "0" }
        switch self {
        case .duckdb: return x < 0 ? "(\(text))::DOUBLE" : "\(text)::DOUBLE"
        case .postgres: return x < 0 ? "(\(text))::float8" : "\(text)::float8"
        case .spark: return x < 0 ? "(\(text)D)" : "\(text)D"
        }
    }

    public func date(_ day: Int32) -> String { "DATE '\(CivilDate(day: day).iso)'" }

    public func null(_ type: VType) -> String {
        type.base == .unknown ? "NULL" : "CAST(NULL AS \(sqlType(type)))"
    }

    // MARK: - Types

    public func sqlType(_ type: VType) -> String {
        switch (self, type.base) {
        case (.duckdb, .number), (.duckdb, .duration), (.spark, .number), (.spark, .duration): return "DOUBLE"
        case (.postgres, .number), (.postgres, .duration): return "double precision"
        case (.duckdb, .text), (.duckdb, .unknown): return "VARCHAR"
        case (.postgres, .text), (.postgres, .unknown): return "text"
        case (.spark, .text), (.spark, .unknown): return "STRING"
        case (.duckdb, .date), (.spark, .date): return "DATE"
        case (.postgres, .date): return "date"
        case (.duckdb, .bool), (.spark, .bool): return "BOOLEAN"
        case (.postgres, .bool): return "boolean"
        }
    }

    /// A whole number (an integer SQL value) as a double.
    func toDouble(_ sql: String) -> String { "CAST(\(sql) AS \(sqlType(.number)))" }

    // MARK: - Dates

    /// `d` plus `n` days (`n` an integer-valued SQL expression or literal).
    func addDays(_ d: String, _ n: String) -> String {
        switch self {
        case .duckdb, .postgres: return "(\(d) + \(n))"
        case .spark: return "date_add(\(d), \(n))"
        }
    }

    func addDays(_ d: String, _ n: Int) -> String {
        if n == 0 { return d }
        switch self {
        case .duckdb, .postgres: return n < 0 ? "(\(d) - \(-n))" : "(\(d) + \(n))"
        case .spark: return n < 0 ? "date_sub(\(d), \(-n))" : "date_add(\(d), \(n))"
        }
    }

    /// `a - b` in days, as an integer.
    func dayDiff(_ a: String, _ b: String) -> String {
        switch self {
        case .duckdb, .postgres: return "(\(a) - \(b))"
        case .spark: return "datediff(\(a), \(b))"
        }
    }

    /// A double truncated toward zero, as an integer.
    func truncToInt(_ x: String) -> String {
        switch self {
        case .duckdb: return "CAST(trunc(\(x)) AS INTEGER)"
        case .postgres: return "CAST(trunc(\(x)) AS integer)"
        case .spark: return "CAST(\(x) AS INT)"
        }
    }

    func isoWeekday(_ d: String) -> String {
        switch self {
        case .duckdb: return toDouble("isodow(\(d))")
        case .postgres: return toDouble("EXTRACT(ISODOW FROM \(d))")
        case .spark: return toDouble("((dayofweek(\(d)) + 5) % 7 + 1)")
        }
    }

    func monthStart(_ d: String) -> String {
        switch self {
        case .duckdb, .postgres: return "CAST(date_trunc('month', \(d)) AS DATE)"
        case .spark: return "trunc(\(d), 'MM')"
        }
    }

    func datePart(_ part: String, _ d: String) -> String {
        switch self {
        case .duckdb, .postgres: return toDouble("EXTRACT(\(part) FROM \(d))")
        case .spark:
            let f = part == "WEEK" ? "weekofyear" : part.lowercased()
            return toDouble("\(f)(\(d))")
        }
    }

    /// Text ordered by its characters (code points), as Velo orders it.
    func orderedText(_ s: String) -> String {
        self == .postgres ? "(\(s) COLLATE \"C\")" : s
    }

    // MARK: - Materialising

    /// A table computed once (the plan's tables), or a view (a step inside one table).
    func create(_ name: String, asTable: Bool, temporary: Bool, query: String) -> String {
        let n = quote(name)
        switch self {
        case .duckdb:
            return "CREATE OR REPLACE \(temporary ? "TEMP " : "")\(asTable ? "TABLE" : "VIEW") \(n) AS\n\(query);"
        case .postgres:
            let drop = temporary ? "" : "DROP \(asTable ? "TABLE" : "VIEW") IF EXISTS \(n) CASCADE;\n"
            return "\(drop)CREATE \(temporary ? "TEMP " : "")\(asTable ? "TABLE" : "VIEW") \(n) AS\n\(query);"
        case .spark:
            return asTable ? "CACHE LAZY TABLE \(n) AS\n\(query);" : "CREATE OR REPLACE TEMPORARY VIEW \(n) AS\n\(query);"
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        guard !target.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
