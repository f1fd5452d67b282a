// Why loading or editing a workspace failed, as data: a code to act on, the source and row to
// blame, and a span in the rule file when the rule file is to blame. `description` is the
// text users see; callers never match on it.

import VeloCheck
import VeloData
import VeloSyntax

/// Loading the data, or an edit of it, failed.
public enum WorkspaceError: Error, Sendable, CustomStringConvertible {
    // Sources
    /// A source could not be read, or holds an invalid header, row or value (the reader's
    /// error names the source, line and column).
    case data(DataError, table: String)
    /// A source that was read before cannot be read any more (a reload).
    case unreadableSource(table: String, source: String, reason: String)
    /// A keyed source has a row whose key is empty (`row` counts data rows from 1).
    case emptyKey(table: String, source: String, keys: [String], row: Int, span: Span)
    /// A keyed source has two rows with the same key (data rows `first` and `row`, from 1).
    case duplicateKey(table: String, source: String, keys: [String], values: [String], first: Int, row: Int, span: Span)
    /// A key or join column read as integers holds a value that is not a whole number small
    /// enough to be a key (data row `row`, from 1; `value` as written).
    case badKeyValue(table: String, source: String, column: String, value: String, row: Int, span: Span)
    /// A source lacks a column the rule file was checked against.
    case missingColumn(table: String, source: String, column: String, span: Span)
    /// A table given in place of a source is not a source.
    case notASource(table: String)
    /// No reader of this kind (the checker accepts only known kinds).
    case unknownReader(table: String, reader: String)

    // Names and edits
    /// No param by this name.
    case unknownParam(String, candidates: [String])
    /// No table by this name.
    case unknownTable(String, candidates: [String])
    /// No source table by this name.
    case unknownSource(String, candidates: [String])
    /// `table` has no column by this name.
    case unknownColumn(table: String, column: String, candidates: [String])
    /// `table` has no row with these key values.
    case unknownRow(table: String, keys: [String])
    /// A value of the wrong type for a param (`column` nil) or a cell.
    case badEditValue(name: String, column: String?, expected: VType, found: VType)
    /// Cells of this table cannot be set: it is an event table (`isSource`) or computed.
    case notEditable(table: String, isSource: Bool)
    /// Keys cannot be set.
    case keyNotEditable(table: String, column: String)
    /// A cell was named with the wrong number of key values.
    case keyCount(table: String, keys: [String])

    /// What went wrong, without the details.
    public enum Code: Sendable, Equatable {
        case unreadableSource, emptySource, badHeader, badRow, badValue, sourceChanged
        case emptyKey, duplicateKey, badKeyValue, missingColumn, notASource, unknownReader
        case unknownParam, unknownTable, unknownSource, unknownColumn, unknownRow
        case badEditValue, notEditable, keyNotEditable, keyCount
    }

    public var code: Code {
        switch self {
        case .data(let e, _):
            switch e.kind {
            case .unreadable: return .unreadableSource
            case .empty: return .emptySource
            case .badHeader: return .badHeader
            case .badRow: return .badRow
            case .badValue: return .badValue
            case .changed: return .sourceChanged
            }
        case .unreadableSource: return .unreadableSource
        case .emptyKey: return .emptyKey
        case .duplicateKey: return .duplicateKey
        case .badKeyValue: return .badKeyValue
        case .missingColumn: return .missingColumn
        case .notASource: return .notASource
        case .unknownReader: return .unknownReader
        case .unknownParam: return .unknownParam
        case .unknownTable: return .unknownTable
        case .unknownSource: return .unknownSource
        case .unknownColumn: return .unknownColumn
        case .unknownRow: return .unknownRow
        case .badEditValue: return .badEditValue
        case .notEditable: return .notEditable
        case .keyNotEditable: return .keyNotEditable
        case .keyCount: return .keyCount
        }
    }

    /// The source to blame (a path, or a reader's label), when one is.
    public var source: String? {
        switch self {
        case .data(let e, _): return e.path
        case .unreadableSource(_, let s, _), .emptyKey(_, let s, _, _, _), .duplicateKey(_, let s, _, _, _, _, _),
             .badKeyValue(_, let s, _, _, _, _), .missingColumn(_, let s, _, _):
            return s
        default: return nil
        }
    }

    /// The 1-based line of `source` to blame, for a row the reader rejected.
    public var line: Int? {
        if case .data(let e, _) = self, e.line > 0 { return e.line }
        return nil
    }

    /// The 1-based field of that line, when one field is to blame.
    public var column: Int? {
        if case .data(let e, _) = self { return e.column }
        return nil
    }

    /// The 1-based data row of `source` to blame (a key error).
    public var row: Int? {
        switch self {
        case .emptyKey(_, _, _, let r, _), .duplicateKey(_, _, _, _, _, let r, _), .badKeyValue(_, _, _, _, let r, _): return r
        default: return nil
        }
    }

    /// Where the rule file is to blame: the declaration of the table whose keys or columns the
    /// data does not have.
    public var span: Span? {
        switch self {
        case .emptyKey(_, _, _, _, let s), .duplicateKey(_, _, _, _, _, _, let s), .badKeyValue(_, _, _, _, _, let s),
             .missingColumn(_, _, _, let s):
            return s
        default: return nil
        }
    }

    /// The text users see.
    public var description: String {
        func suggestion(_ name: String, _ candidates: [String]) -> String {
            Suggest.didYouMean(name, in: candidates).map { ": \($0)" } ?? ""
        }
        switch self {
        case .data(let e, _):
            return e.description
        case .unreadableSource(_, let source, let reason):
            return "cannot read \(source): \(reason)"
        case .emptyKey(_, let source, let keys, let row, _):
            return "\(source): data row \(row) has an empty key (\(keys.joined(separator: ", ")))"
        case .duplicateKey(let table, let source, let keys, let values, let first, let row, _):
            return "\(source): the key \(keys.joined(separator: ", ")) = \(values.joined(separator: ", ")) appears twice, "
                + "on data rows \(first) and \(row); `\(table)` needs one row per key"
        case .badKeyValue(_, let source, let column, let value, let row, _):
            return "\(source): data row \(row): `\(column)` = \(value) is not an integer key "
                + "(between \(-KeyValue.offset + 1) and \(KeyValue.offset - 1)); declare `\(column): text` to read it as text"
        case .missingColumn(_, let source, let column, _):
            return "\(source): has no column `\(column)` (the rule file was checked against a file that had it)"
        case .notASource(let table):
            return "`\(table)` is not a source table"
        case .unknownReader(let table, let reader):
            return "`\(table)`: unknown data source `\(reader)`"
        case .unknownParam(let name, let candidates):
            return "unknown param `\(name)`" + suggestion(name, candidates)
        case .unknownTable(let name, let candidates):
            return "no table `\(name)`" + suggestion(name, candidates)
        case .unknownSource(let name, let candidates):
            return "no source table `\(name)`" + suggestion(name, candidates)
        case .unknownColumn(let table, let column, let candidates):
            return "`\(table)` has no column `\(column)`" + suggestion(column, candidates)
        case .unknownRow(let table, let keys):
            return "`\(table)` has no row [\(keys.joined(separator: ", "))]"
        case .badEditValue(let name, let column, let expected, let found):
            if let column { return "`\(name).\(column)` holds \(expected.withArticle), not \(found.withArticle)" }
            return "`\(name)` is \(expected.withArticle), not \(found.withArticle)"
        case .notEditable(let table, let isSource):
            return "only cells of keyed source tables can be set; `\(table)` is "
                + (isSource ? "an event table without keys" : "computed by formulas")
        case .keyNotEditable(let table, let column):
            return "`\(column)` is a key of `\(table)`; keys cannot be set"
        case .keyCount(let table, let keys):
            return "`\(table)` is keyed by \(keys.joined(separator: ", ")): give \(keys.count) key value(s)"
        }
    }

    /// The text users see (as `description`).
    public var message: String { description }
}
