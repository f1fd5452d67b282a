// `report` statements: the table (or `flags`), its columns, filter and sort keys resolved;
// the filter is a true/false condition over the table's rows, like a flag's (over the flags:
// Checker+FlagFilters.swift).

import VeloSyntax

/// A checked `report`: what `velo run` prints, in order.
public struct ReportInfo: Sendable {
    public enum Target: Sendable, Equatable {
        case table(TableRef)
        /// `report … on flags`: the raised flags, as the flags table.
        case flags
    }
    public struct SortKey: Sendable {
        /// A column of the table (for flags: of the flags table).
        public var column: String
        public var descending: Bool
    }
    public var name: String
    public var target: Target
    public var title: String?
    /// The columns to show (empty: all), by name.
    public var columns: [String]
    public var filter: CExpr?
    public var sort: [SortKey]
    public var limit: Int?
    public var span: Span
    /// `where` on a report over the flags (Checker+FlagFilters.swift).
    public var flagFilter: FlagCondition? = nil
}

extension CheckedProgram {
    /// The columns of the flags table for a report: flag, severity, table, every key of the
    /// flagged tables, message.
    public var flagColumns: [String] {
        var keys: [String] = []
        for f in flags { for k in table(f.table).keys where !keys.contains(k) { keys.append(k) } }
        return ["flag", "severity", "table"] + keys + ["message"]
    }

    public func report(named name: String) -> Int? { reports.firstIndex { $0.name == name } }
}

extension Checker {
    mutating func checkReports(flags: [FlagInfo]) -> [ReportInfo] {
        var reports: [ReportInfo] = []
        var seen: [String: Span] = [:]
        for s in ast.statements {
            guard case .report(let r) = s else { continue }
            if let first = seen[r.name.text] {
                diagnostics.append(.duplicateDefinition("report", r.name.text, at: r.name.span, first: first))
                continue
            }
            seen[r.name.text] = r.name.span
            var ok = true
            let target: ReportInfo.Target
            let names: [String]
            var filter: CExpr? = nil
            var flagFilter: FlagCondition? = nil
            if r.table.text == "flags" {
                target = .flags
                var keys: [String] = []
                for f in flags { for k in tables[f.table.index].keys where !keys.contains(k) { keys.append(k) } }
                names = ["flag", "severity", "table"] + keys + ["message"]
                if let f = r.filter {
                    flagFilter = flagCondition(f, columns: flagColumnTypes(flags))
                    if flagFilter == nil { ok = false }
                }
                for c in r.columns + r.sort.map(\.column) where !names.contains(c.text) {
                    diagnostics.append(.unknownColumn(c.text, table: "flags", candidates: names, isSource: false, at: c.span))
                    ok = false
                }
            } else {
                guard let t = resolveTable(r.table) else { continue }
                target = .table(t)
                names = tables[t.index].columns.map(\.name)
                for c in r.columns + r.sort.map(\.column) where resolveColumn(t, c) == nil { ok = false }
                if let f = r.filter {
                    if let x = resolve(f, Scope(context: t, owner: t)) {
                        if x.type == .bool || x.type.base == .unknown { filter = x } else {
                            diagnostics.append(.nonBoolean("a report's `where`", x.type, at: f.span))
                            ok = false
                        }
                    } else {
                        ok = false
                    }
                }
            }
            var shown = Set<String>()
            for c in r.columns where !shown.insert(c.text).inserted {
                diagnostics.append(.reportColumnTwice(c.text, at: c.span))
                ok = false
            }
            guard ok else { continue }
            reports.append(ReportInfo(name: r.name.text, target: target, title: r.title?.plainText, columns: r.columns.map(\.text),
                                      filter: filter, sort: r.sort.map { .init(column: $0.column.text, descending: $0.descending) },
                                      limit: r.limit?.value, span: r.name.span, flagFilter: flagFilter))
        }
        return reports
    }
}

extension Diagnostic {
    static func reportColumnTwice(_ name: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "duplicate", "column `\(name)` is listed twice in the report", at: span, hint: "list each column once")
    }
}
