// The `report` statement (Grammar/velo.lark, "reports"):
//
//   report weekly_orders on plan:
//     "This week's orders, lowest cover first"
//     columns sku, order_qty, cover_days
//     where cadence == "weekly"
//     sort by cover_days, order_qty desc
//     limit 20
//
//   report exceptions on flags:
//     where severity >= warning and flag != "gone_quiet"

extension Parser {
    // report_def: "report" NAME "on" NAME (_NL | ":" _NL _INDENT report_clause+ _DEDENT)
    mutating func reportDef() throws -> ReportDecl {
        let start = advance().span
        let name = try expectName("a report name")
        _ = try expect(.on, "`on` and the table it shows (or `flags`)")
        let table = try expectName("the table the report shows, or `flags`")
        var report = ReportDecl(name: name, table: table, title: nil, columns: [], filter: nil, sort: [], limit: nil,
                                span: start.through(table.span))
        guard match(.colon) != nil else {
            try expectNewline()
            return report
        }
        try blockStart("the report's clauses: a title in quotes, `columns`, `where`, `sort by`, `limit`")
        let level = blockDepth
        var seen: [String: Span] = [:]
        while !check(.dedent), !check(.eof) {
            do {
                let clause = peek
                let word: String
                switch clause.kind {
                case .string: word = "title"
                case .keyword(let k) where [.columns, .where, .sort, .limit].contains(k): word = k.rawValue
                default:
                    throw fail(.unexpectedToken(peek, expected: "a report clause: a title in quotes, `columns`, `where`, `sort by` or `limit`", file: file))
                }
                if let first = seen[word] {
                    throw fail(.duplicateReportClause(word, at: clause.span, first: first))
                }
                seen[word] = clause.span
                try reportClause(&report)
                try expectNewline()
            } catch {
                synchronizeLine(level: level)
            }
        }
        if check(.dedent) { advance() }
        return report
    }

    // report_column: NAME | "flag" | "table" | "severity"   (columns of the flags table)
    mutating func reportColumn(_ what: String) throws -> Name {
        if check(.flag) || check(.table) || check(.severity) {
            let t = advance()
            return Name(file.text(of: t.span), t.span)
        }
        return try expectName(what)
    }

    // report_clause: STRING _NL | "columns" NAME ("," NAME)* _NL | "where" expr _NL
    //              | "sort" "by" sort_key ("," sort_key)* _NL | "limit" NUMBER _NL
    // sort_key: NAME SORT_DIRECTION?
    mutating func reportClause(_ report: inout ReportDecl) throws {
        if check(.string) {
            report.title = text(advance().span, interpolate: false)
        } else if match(.columns) != nil {
            report.columns = [try reportColumn("a column name")]
            while match(.comma) != nil { report.columns.append(try reportColumn("a column name")) }
        } else if match(.where) != nil {
            // On flags, `flag`, `severity` and `table` are the flags table's columns here.
            if report.table.text == "flags" {
                var i = index
                while i < tokens.count, ![.newline, .eof, .dedent].contains(tokens[i].kind) {
                    if [.keyword(.flag), .keyword(.severity), .keyword(.table)].contains(tokens[i].kind) { tokens[i].kind = .identifier }
                    i += 1
                }
            }
            report.filter = try expression()
        } else if match(.sort) != nil {
            _ = try expect(.by, "`by` and the columns to sort by")
            repeat {
                let column = try reportColumn("a column to sort by")
                var descending = false
                if match(.desc) != nil { descending = true } else { _ = match(.asc) }
                report.sort.append(ReportDecl.SortKey(column: column, descending: descending))
            } while match(.comma) != nil
        } else {
            advance()   // limit
            guard case .number(let n) = peek.kind, n >= 0, n == n.rounded(), n < 1e9 else {
                throw fail(.unexpectedToken(peek, expected: "a whole number of rows", file: file))
            }
            report.limit = (Int(n), advance().span)
        }
    }
}

extension Diagnostic {
    static func duplicateReportClause(_ clause: String, at span: Span, first: Span) -> Diagnostic {
        let what = clause == "title" ? "a title" : "`\(clause)`"
        return Diagnostic(code: "duplicate", "the report has \(what) twice", at: span,
                          hint: clause == "sort" ? "give every sort key in one `sort by`, e.g. `sort by cover_days, order_qty desc`"
                                : "keep one; a report has at most one of each clause",
                          notes: [.init(span: first, message: "first given here")])
    }
}
