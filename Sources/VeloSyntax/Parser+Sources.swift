// Source tables: `table orders = csv("orders.csv", delimiter: ";") by sku:` and a block of
// column lines (types, header names, date formats) and a row filter; and filtered event
// tables, `table web_orders = orders where channel == "web"`.

extension Parser {
    // source_def: "table" NAME "=" NAME "(" source_args ")" by_clause? (_NL | ":" _NL _INDENT source_line+ _DEDENT)
    // source_args: STRING ("," source_option)* | source_option ("," source_option)*
    // source_option: (NAME | "table") ":" (STRING | NUMBER | "true" | "false")
    mutating func sourceDef() throws -> SourceDecl {
        let start = advance().span
        let name = try expectName("a table name")
        _ = try expect(.assign)
        let reader = try expectName("a data source such as `csv(\"data/sales.csv\")`")
        if match(.where) != nil {
            // filtered_def: "table" NAME "=" NAME "where" expr _NL
            let condition = try expression()
            try expectNewline()
            return SourceDecl.filtering(name, base: reader, filter: condition, span: start.through(condition.span))
        }
        guard check(.lparen) else {
            throw fail(.unexpectedToken(peek, expected: "`(` and where the data is, or `where` and a condition (the rows of `\(reader.text)` it keeps)", file: file))
        }
        _ = try expect(.lparen)
        // The location may be left out when labelled arguments say it all (`postgres(table: "orders")`).
        let labelled = check(.table) || (check(.identifier) && peek(1).kind == .symbol(.colon))
        guard check(.string) || labelled else {
            throw fail(.unexpectedToken(peek, expected: "the file path in quotes", file: file))
        }
        let path = labelled ? TextLiteral(parts: [], span: Span(start: peek.span.start, length: 0)) : text(advance().span, interpolate: false)
        var options: [SourceOption] = []
        while labelled && options.isEmpty || match(.comma) != nil {
            // `table:` (a database table) is the one reserved word a label may be.
            let label = check(.table) ? Name("table", advance().span) : try expectName("an argument name such as `delimiter`")
            _ = try expect(.colon, "`:` and the argument's value")
            let token = peek
            switch token.kind {
            case .string:
                advance()
                options.append(SourceOption(label: label, value: .text(text(token.span, interpolate: false)), valueSpan: token.span))
            case .number(let x):
                advance()
                options.append(SourceOption(label: label, value: .number(x), valueSpan: token.span))
            case .keyword(.true), .keyword(.false):
                advance()
                options.append(SourceOption(label: label, value: .bool(token.kind == .keyword(.true)), valueSpan: token.span))
            default:
                throw fail(.unexpectedToken(token, expected: "a text, a number, `true` or `false`", file: file))
            }
        }
        _ = try expect(.rparen)
        let keys = try byClause()
        var types: [ColumnTypeDecl] = []
        var filter: Expr? = nil
        var end = tokens[index - 1].span
        if match(.colon) != nil {
            try blockStart("column lines such as `moq: number` or `sku = \"Item Number\"`")
            let level = blockDepth
            while !check(.dedent), !check(.eof) {
                do {
                    if let w = match(.where) {
                        // source_filter: "where" expr _NL
                        let condition = try expression()
                        if filter != nil {
                            _ = fail(Diagnostic(code: "syntax", "a source has one `where` line", at: w.span,
                                                hint: "join the conditions with `and`"))
                        }
                        filter = condition
                        end = condition.span
                        try expectNewline()
                        continue
                    }
                    // column_type: NAME ":" type_name _NL
                    // column_map: NAME "=" STRING (":" type_name)? _NL
                    let column = try expectName("a column name")
                    var header: TextLiteral? = nil
                    if match(.assign) != nil {
                        guard check(.string) else {
                            throw fail(.unexpectedToken(peek, expected: "the column's name in the file, in quotes", file: file))
                        }
                        let token = advance()
                        header = text(token.span, interpolate: false)
                        end = token.span
                    }
                    var type: Name? = nil
                    var format: TextLiteral? = nil
                    if header == nil || check(.colon) {
                        _ = try expect(.colon, header == nil ? "`:` and a type (number, text, date or bool), or `=` and the name in the file" : nil)
                        if check(.identifier), !["number", "text", "date", "bool"].contains(file.text(of: peek.span)),
                           UnitWords.isUnitWord(file.text(of: peek.span)) || file.text(of: peek.span) == UnitWords.percent {
                            // column_unit: a unit in place of the type (a number column)
                            let u = try unitAnnotation(anyName: true)
                            var decl = ColumnTypeDecl(column: column, type: nil, header: header)
                            decl.unit = u
                            end = u.span
                            types.append(decl)
                            try expectNewline()
                            continue
                        }
                        let t = try expectName("a type: number, text, date or bool, or a unit such as `units/day`")
                        type = t
                        end = t.span
                        // type_name: NAME ("(" STRING ")")?
                        if match(.lparen) != nil {
                            guard check(.string) else {
                                throw fail(.unexpectedToken(peek, expected: "a date format in quotes, such as \"dd.mm.yyyy\"", file: file))
                            }
                            format = text(advance().span, interpolate: false)
                            end = try expect(.rparen).span
                        }
                    }
                    types.append(ColumnTypeDecl(column: column, type: type, header: header, format: format))
                    try expectNewline()
                } catch {
                    synchronizeLine(level: level)
                }
            }
            if check(.dedent) { advance() }
        } else {
            try expectNewline()
        }
        var decl = SourceDecl(name: name, reader: reader, path: path, keys: keys, columnTypes: types, span: start.through(end))
        decl.options = options
        decl.filter = filter
        return decl
    }
}
