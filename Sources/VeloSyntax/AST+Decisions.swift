// Decision tables in the syntax tree: a `decide` block inside a table block.
//
//   table plan by sku from items:
//     cover_days = ...
//     decide first:
//       class = items.abc_class in "A", "B", "C"     # an input with a short name and its values
//       cadence in "weekly", "biweekly", "monthly"   # an output's values, highest priority first
//       cover_days | class    => cadence
//       < 30       | "A"      => "weekly"
//       [30, 60)   | "A", "B" => "weekly"
//       otherwise             => "monthly"
//
// The outputs (after `=>` in the header) are columns of the table. The parser lowers each to
// an ordinary formula (DecisionDecl.lowered, AST+DecisionLowering.swift), so the checker,
// the engine, incremental recomputation and the SQL compiler see plain `if` chains; the
// declaration stays in `TableDecl.decisions` for the checker's table checks and `explain`.

public struct DecisionDecl: Sendable {
    public enum Policy: Sendable, Equatable {
        /// Exactly one rule matches (the checker proves no two overlap and none is missing).
        case unique
        /// The first matching rule, in file order.
        case first
        /// The matching rule whose output comes first in that output's declared order.
        case priority
        /// Every matching rule, the outputs summed, the least or greatest, or counted.
        case collect(CollectOperator)
    }
    public enum CollectOperator: String, Sendable, CaseIterable { case sum, min, max, count }

    /// The words that may follow `decide`, and those that may follow `collect` (completion in
    /// the REPL and the editor).
    public static let policyWords = ["unique", "first", "priority", "collect"]
    public static let collectWords = CollectOperator.allCases.map(\.rawValue)

    /// What completes the word after `previous` in a decision header, or nil when `previous`
    /// is neither `decide` nor `collect`.
    public static func completions(after previous: String?) -> [String]? {
        switch previous {
        case "decide"?: return policyWords
        case "collect"?: return collectWords
        default: return nil
        }
    }

    /// One test of a cell. A cell is one or more tests separated by commas (any may hold).
    public enum Test: Sendable {
        /// `-`: any value, missing included.
        case any
        /// `missing`: only a missing value.
        case missing
        /// `< 30`, `>= 60%`, `!= "C"`.
        case compare(BinaryOp, DecisionLiteral)
        /// `[30, 60)`, `(0, 10]`.
        case interval(low: DecisionLiteral, lowClosed: Bool, high: DecisionLiteral, highClosed: Bool)
        /// `"A"`, `true`, `14`: equal to the value.
        case equal(DecisionLiteral)
    }

    public struct Cell: Sendable {
        public var tests: [(test: Test, span: Span)]
        public var span: Span
        public var isAny: Bool { tests.count == 1 && { if case .any = tests[0].test { return true } else { return false } }() }
    }

    /// `class = items.abc_class in "A", "B", "C"`, or `class in "A", "B"` for a column named so.
    public struct Input: Sendable {
        public var name: Name
        /// The expression over the table's row; for a header name without a definition line,
        /// the name itself.
        public var expr: Expr
        /// `in …`: the values the input can take (a text input's gaps are checked against them).
        public var values: [DecisionLiteral]?
        public var defined: Bool
    }

    /// An output column; `values` is its order under `priority` (first = highest).
    public struct Output: Sendable {
        public var name: Name
        public var values: [DecisionLiteral]?
    }

    public struct Rule: Sendable {
        /// One per input, in header order; empty for `otherwise`.
        public var cells: [Cell]
        /// One per output: an expression, or nil for `-` (only under `collect count`).
        public var outputs: [Expr?]
        public var otherwise: Bool
        /// The whole row.
        public var span: Span
        /// Where the outputs start (the `=>`), for "an output is missing".
        public var arrowSpan: Span
    }

    public var policy: Policy
    /// `first`, `collect sum`.
    public var policySpan: Span
    public var inputs: [Input]
    public var outputs: [Output]
    public var rules: [Rule]
    /// `decide first`.
    public var span: Span
    /// The header row (`cover_days | class => cadence`).
    public var headerSpan: Span
    /// Where the block's text ends: after its last rule, or its header when it has none.
    public var textEnd: Int { rules.last?.span.end ?? headerSpan.end }
    /// `NAME in …` lines naming neither an input nor an output, and input names given twice:
    /// reported by the checker.
    public var strayValueLines: [Name] = []
    public var duplicateInputs: [(name: Name, first: Span)] = []
}

/// A literal in a decision table: a number (also a percentage or a duration, in days), a text,
/// a date (day number from the ISO text, checked by the checker) or true/false.
public struct DecisionLiteral: Sendable {
    public enum Value: Sendable, Equatable, Hashable {
        case number(Double)
        case percent(Double)
        case duration(Double)
        case text(String)
        case date(String)
        case bool(Bool)
    }
    public var value: Value
    public var span: Span

    /// The literal as an expression (for the lowered formula).
    public var expr: Expr {
        switch value {
        case .number(let x): return x < 0 ? Expr(.unary(.negate, Expr(.number(-x), span)), span) : Expr(.number(x), span)
        case .percent(let x): return x < 0 ? Expr(.unary(.negate, Expr(.percent(-x), span)), span) : Expr(.percent(x), span)
        case .duration(let d): return d < 0 ? Expr(.unary(.negate, Expr(.duration(days: -d), span)), span) : Expr(.duration(days: d), span)
        case .text(let s): return Expr(.text(TextLiteral(parts: [.text(s)], span: span)), span)
        case .date(let d): return Expr(.date(d), span)
        case .bool(let b): return Expr(.bool(b), span)
        }
    }

    /// The number it stands for, for ranges and ordering (dates: nil until the checker reads them).
    public var number: Double? {
        switch value {
        case .number(let x), .percent(let x), .duration(let x): return x
        default: return nil
        }
    }
}
