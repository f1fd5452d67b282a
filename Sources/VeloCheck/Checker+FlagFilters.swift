// `where` on a report over the flags: comparisons of the flags table's columns (flag,
// severity, table, the flagged tables' keys, message) with values, joined by `and`, `or`,
// `not`. Severity is ordered (info < warning < error) and may be named bare:
//
//   report exceptions on flags:
//     where severity >= warning and flag != "gone_quiet"

import VeloData
import VeloSyntax

/// A checked filter over the raised flags.
public indirect enum FlagCondition: Sendable {
    /// `column op value`: the column of the flags table compared with a value.
    case compare(column: String, op: BinaryOp, value: Literal)
    case and(FlagCondition, FlagCondition)
    case or(FlagCondition, FlagCondition)
    case not(FlagCondition)
}

extension FlagSeverity {
    /// info < warning < error.
    public var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }
}

extension Checker {
    /// The flags-table columns with their types: text, but keys have their tables' types.
    func flagColumnTypes(_ flags: [FlagInfo]) -> [(name: String, type: VType.Base)] {
        var out: [(String, VType.Base)] = [("flag", .text), ("severity", .text), ("table", .text)]
        for f in flags {
            let t = tables[f.table.index]
            for k in t.keys where !out.contains(where: { $0.0 == k }) {
                out.append((k, t.columns.first { $0.name == k }?.type.base ?? .text))
            }
        }
        out.append(("message", .text))
        return out
    }

    /// Resolves a report's `where` over the flags; nil (with a diagnostic) when it is not one.
    mutating func flagCondition(_ e: Expr, columns: [(name: String, type: VType.Base)]) -> FlagCondition? {
        switch e.kind {
        case .binary(.and, let a, let b), .binary(.or, let a, let b):
            let x = flagCondition(a, columns: columns), y = flagCondition(b, columns: columns)
            guard let x, let y else { return nil }
            if case .binary(.and, _, _) = e.kind { return .and(x, y) }
            return .or(x, y)
        case .unary(.not, let a):
            return flagCondition(a, columns: columns).map { .not($0) }
        case .binary(let op, let a, let b) where op.isComparison:
            let names = columns.map(\.name)
            func columnName(_ x: Expr) -> Name? {
                if case .name(let n) = x.kind, names.contains(n.text) { return n }
                return nil
            }
            // The column on the left, or on the right with the comparison turned around.
            var column: Name, value: Expr, relation = op
            if let n = columnName(a) {
                column = n
                value = b
            } else if let n = columnName(b), columnName(a) == nil {
                column = n
                value = a
                switch op {
                case .less: relation = .greater
                case .lessEqual: relation = .greaterEqual
                case .greater: relation = .less
                case .greaterEqual: relation = .lessEqual
                default: break
                }
            } else {
                for side in [a, b] {
                    if case .name(let n) = side.kind, !names.contains(n.text), !(["error", "warning", "info"].contains(n.text)) {
                        diagnostics.append(.unknownColumn(n.text, table: "flags", candidates: names, isSource: false, at: n.span))
                        return nil
                    }
                }
                diagnostics.append(.flagFilterForm(columns: names, at: e.span))
                return nil
            }
            let type = columns.first { $0.name == column.text }?.type ?? .text
            if column.text == "severity" {
                var word: String? = nil
                if case .name(let n) = value.kind { word = n.text }
                if case .text(let t) = value.kind { word = t.plainText }
                guard let w = word, let s = FlagSeverity(rawValue: w) else {
                    diagnostics.append(.flagFilterSeverity(at: value.span))
                    return nil
                }
                return .compare(column: "severity", op: relation, value: .text(s.rawValue))
            }
            if relation != .equal, relation != .notEqual, type == .text {
                diagnostics.append(.flagFilterOrder(column.text, at: e.span))
                return nil
            }
            let literal: Literal?
            switch value.kind {
            case .text(let t) where type == .text: literal = t.plainText.map { .text($0) }
            case .number(let x) where type == .number: literal = .number(x)
            case .date(let d) where type == .date: literal = CivilDate(iso: d).map { .date($0.day) }
            default: literal = nil
            }
            guard let literal else {
                diagnostics.append(.flagFilterValue(column.text, type: type, at: value.span))
                return nil
            }
            return .compare(column: column.text, op: relation, value: literal)
        default:
            if case .name(let n) = e.kind, !columns.contains(where: { $0.name == n.text }) {
                diagnostics.append(.unknownColumn(n.text, table: "flags", candidates: columns.map(\.name), isSource: false, at: n.span))
                return nil
            }
            diagnostics.append(.flagFilterForm(columns: columns.map(\.name), at: e.span))
            return nil
        }
    }
}

extension Diagnostic {
    static func flagFilterForm(columns: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "report-flags-filter", "a report on flags filters by comparing its columns with values", at: span,
                   hint: "e.g. `where severity >= warning and flag != \"gone_quiet\"`; its columns are "
                       + columns.map { "`\($0)`" }.joined(separator: ", "))
    }

    static func flagFilterSeverity(at span: Span) -> Diagnostic {
        Diagnostic(code: "report-flags-filter", "a severity is `error`, `warning` or `info`", at: span,
                   hint: "e.g. `where severity >= warning` (info < warning < error)")
    }

    static func flagFilterOrder(_ column: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "report-flags-filter", "`\(column)` is text: compare it with `==` or `!=`", at: span,
                   hint: "only `severity` is ordered (info < warning < error)")
    }

    static func flagFilterValue(_ column: String, type: VType.Base, at span: Span) -> Diagnostic {
        let example: String
        switch type {
        case .number: example = "a number, e.g. `\(column) == 3`"
        case .date: example = "a date, e.g. `\(column) == 2024-06-30`"
        default: example = "text in quotes, e.g. `\(column) == \"SKU000035\"`"
        }
        return Diagnostic(code: "report-flags-filter", "compare `\(column)` with \(example)", at: span,
                          hint: "a report on flags compares its columns with values written out")
    }
}
