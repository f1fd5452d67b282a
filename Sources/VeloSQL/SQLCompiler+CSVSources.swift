// A CSV source the engines cannot read as they find it: a separator other than the comma, a
// decimal comma or thousands separators, dates in a format, another encoding, no header row,
// headers mapped to other names or columns selected, or a `where` that keeps some rows.
//
// The file is read as text under its own column names (the layout Velo's reader resolves,
// VeloData/DialectCSVReader+Layout.swift), then each column the program reads is converted
// from that text the way the native reader converts it, and renamed; the `where` is a WHERE
// over the converted rows. What a dialect cannot read (comment or trailer lines, lines
// skipped before the header, CR-only line ends, an encoding the engine lacks) is refused by
// name, with the source's line.

import VeloCheck
import VeloData
import VeloSyntax

extension SQLCompiler {
    /// Whether a CSV source must go through `dialectSource`: anything but a plain file whose
    /// columns are the program's, in the file's order, with no row filter.
    func needsDialectRead(_ info: TableInfo, _ layout: CSVLayout) -> Bool {
        guard let src = info.source else { return false }
        return !layout.isPlain || src.filter != nil || src.settings.selectsColumns
            || src.settings.columns.contains { $0.header != nil || $0.dateFormat != nil }
            || layout.fileColumns != info.columns.map(\.name)
    }

    func dialectSource(_ t: TableRef, path: String, layout: CSVLayout) throws(SQLCompileError) {
        let info = program.table(t)
        guard let src = info.source else { return }
        let name = info.name
        let dialect = layout.dialect
        let span = src.pathSpan
        func unsupported(_ construct: String, _ span: Span) -> SQLCompileError {
            var e = self.unsupported(construct, span)
            e.hint = "run it on the native engine (without --engine), or load the rows into the engine yourself and name them with `--source-table \(name)=SCHEMA.TABLE`"
            return e
        }
        if dialect.comment != nil { throw unsupported("a CSV source with comment lines (`comment:`)", span) }
        if dialect.skip > 0 { throw unsupported("a CSV source with lines before its header (`skip:`)", span) }
        if dialect.trailer > 0 { throw unsupported("a CSV source with trailer lines (`trailer:`)", span) }
        if layout.crOnly { throw unsupported("a CSV file whose lines end in CR alone", span) }
        if d == .duckdb, dialect.encoding == .windows1252 {
            throw unsupported("a Windows-1252 CSV file (DuckDB reads UTF-8 and Latin-1)", span)
        }

        let raw = d.quote(name + "__csv")
        let comment = ["-- \(name): \(src.path) (\(at(info.span))), read as text and converted"
                       + (src.filter.map { ", only the rows where \(program.file.text(of: $0.span))" } ?? "")]
        var rawQuery = raw
        switch d {
        case .duckdb:
            let spec = layout.fileColumns.map { "\(d.string($0)): 'VARCHAR'" }.joined(separator: ", ")
            var args = [d.string(path), "delim = \(d.string(layout.delimiter))", "quote = '\"'", "escape = '\"'",
                        "header = \(dialect.header)", "auto_detect = false"]
            if dialect.encoding == .latin1 { args.append("encoding = 'latin-1'") }
            rawQuery = "read_csv(\(args.joined(separator: ", ")),\n  columns = {\(spec)})"
        case .postgres:
            let cols = layout.fileColumns.map { "  \(d.quote($0)) text" }.joined(separator: ",\n")
            let drop = options.temporary ? "" : "DROP TABLE IF EXISTS \(raw) CASCADE;\n"
            statements.append(.sql(comment: comment, text: "\(drop)CREATE \(options.temporary ? "TEMP " : "")TABLE \(raw) (\n\(cols)\n);"))
            var copy = ["DELIMITER \(d.string(layout.delimiter))", "HEADER \(dialect.header)"]
            switch dialect.encoding {
            case .utf8: break
            case .latin1: copy.append("ENCODING 'LATIN1'")
            case .windows1252: copy.append("ENCODING 'WIN1252'")
            }
            statements.append(.copyCSV(table: name + "__csv", columns: layout.fileColumns, path: path, options: copy))
        case .spark:
            let cols = layout.fileColumns.map { "\(d.quote($0)) STRING" }.joined(separator: ", ")
            var opts = ["path \(d.string(path))", "header '\(dialect.header)'", "sep \(d.string(layout.delimiter))",
                        "quote '\"'", "escape '\"'", "multiLine 'true'"]
            switch dialect.encoding {
            case .utf8: break
            case .latin1: opts.append("encoding 'ISO-8859-1'")
            case .windows1252: opts.append("encoding 'windows-1252'")
            }
            statements.append(.sql(comment: comment, text: """
                CREATE OR REPLACE TEMPORARY VIEW \(raw) (\(cols))
                USING csv OPTIONS (\(opts.joined(separator: ", ")));
                """))
        }

        // Each column the program reads, from the file's column it maps to.
        let selects = info.columns.map { column -> String in
            let spec = src.settings.column(named: column.name)
            let field = "c." + d.quote(spec?.sourceName ?? column.name)
            return "  \(converted(field, to: column.type, format: spec?.dateFormat.flatMap(DateFormat.init) ?? dialect.dates, dialect))"
                + " AS \(d.quote(column.name))"
        }
        var query = "SELECT\n\(selects.joined(separator: ",\n"))\nFROM \(rawQuery) AS c"
        if let filter = src.filter {
            let condition = try expression(filter, in: Scope(table: t, alias: "r", from: d.quote(name)))
            let inner = query.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
            query = "SELECT * FROM (\n\(inner)\n) AS r\nWHERE \(condition)"
        }
        createTable(name, comment: d == .duckdb ? comment : [], query: query)
    }

    /// A text field as the native reader reads a value of `type`: trimmed, empty as missing,
    /// numbers with the source's decimal mark and thousands separator, dates in their format.
    private func converted(_ field: String, to type: VType, format: DateFormat?, _ dialect: CSVDialect) -> String {
        let value = "NULLIF(TRIM(\(field)), '')"
        switch type.base {
        case .number, .duration:
            var v = value
            if let t = dialect.thousands { v = "REPLACE(\(v), \(d.string(String(UnicodeScalar(t)))), '')" }
            if dialect.decimal != UInt8(ascii: ".") { v = "REPLACE(\(v), \(d.string(String(UnicodeScalar(dialect.decimal)))), '.')" }
            return "CAST(\(v) AS \(d.sqlType(type)))"
        case .date:
            guard let format else { return "CAST(\(value) AS DATE)" }
            switch d {
            case .duckdb: return "CAST(strptime(\(value), \(d.string(pattern(format)))) AS DATE)"
            case .postgres, .spark: return "to_date(\(value), \(d.string(pattern(format))))"
            }
        case .bool:
            return "CAST(\(value) AS BOOLEAN)"
        default:
            return field
        }
    }

    /// A Velo date format (`dd.mm.yyyy`) in the dialect's own pattern language. Velo reads a
    /// day or month of one or two digits; each pattern here does too.
    private func pattern(_ format: DateFormat) -> String {
        format.parts.map { part -> String in
            switch (d, part) {
            case (.duckdb, .year4): return "%Y"
            case (.duckdb, .year2): return "%y"
            case (.duckdb, .month): return "%m"
            case (.duckdb, .day): return "%d"
            case (.postgres, .year4): return "YYYY"
            case (.postgres, .year2): return "YY"
            case (.postgres, .month): return "MM"
            case (.postgres, .day): return "DD"
            case (.spark, .year4): return "yyyy"
            case (.spark, .year2): return "yy"
            case (.spark, .month): return "M"
            case (.spark, .day): return "d"
            case (_, .literal(let c)):
                let s = String(UnicodeScalar(c))
                switch d {
                case .duckdb: return s == "%" ? "%%" : s
                case .postgres: return s
                case .spark: return s == "'" ? "''" : s
                }
            }
        }.joined()
    }
}
