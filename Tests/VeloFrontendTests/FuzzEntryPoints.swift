// The "one input" of each libFuzzer target (Fuzz/, scripts/fuzz.sh), shared by the fuzzers
// and by FuzzRegressionTests, which runs every saved crash input (Tests/Fixtures/fuzz/<target>/)
// through exactly the same code. This file is compiled into the test target and, unchanged,
// into each fuzzer (with Fuzz/Harness.swift), so it imports nothing but Velo's modules.
//
// An entry point returns normally on every input: rejecting bad input with diagnostics is
// the point. A crash (trap, sanitizer report, runaway memory) is a finding.

@testable import VeloData
#if !VELO_FUZZ_BUILD
// The fuzz build compiles the REPL and LSP files it needs into its own module (Fuzz/).
@testable import VeloFrontend
#endif
import VeloCheck
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum FuzzEntryPoints {
    /// The targets, by the name scripts/fuzz.sh and the fixture folders use.
    static let targets = ["syntax", "csv", "repl", "lsp"]

    /// Runs one input through one target.
    static func run(_ target: String, _ data: [UInt8], scratch: String) {
        switch target {
        case "syntax": syntax(data)
        case "csv": csv(data, scratch: scratch)
        case "repl": repl(data)
        case "lsp": lsp(data)
        default: break
        }
    }

    // MARK: - (a) lexer + parser + checker + diagnostics (and the formatter)

    /// Columns every source has, whatever its path: enough for most formulas to type-check.
    static let schemaColumns: [(name: String, type: VType.Base)] = [
        ("sku", .text), ("date", .date), ("units", .number), ("price", .number), ("name", .text),
        ("moq", .number), ("case_pack", .number), ("qty", .number), ("store", .text), ("on_hand", .number),
    ]

    static func syntax(_ data: [UInt8]) {
        let file = SourceFile(path: "fuzz.velo", text: String(decoding: data, as: UTF8.self))
        let (ast, syntaxDiagnostics) = Parser.parse(file)
        let (_, checkDiagnostics) = Checker.check(ast, file: file, baseDirectory: "") { request in
            if request.path.contains("missing") { return .failure(SchemaError(message: "no such file")) }
            var columns = schemaColumns
            for (name, type) in request.declared.sorted(by: { $0.key < $1.key }) where !columns.contains(where: { $0.name == name }) {
                columns.append((name, type))
            }
            return .success(SourceSchema(columns: columns))
        }
        let renderer = DiagnosticRenderer()
        _ = renderer.render(syntaxDiagnostics + checkDiagnostics, in: file)
        _ = DiagnosticRenderer(color: true, maxLineWidth: 40).render(syntaxDiagnostics, in: file)
        _ = RuleFormatter.format(file)
    }

    // MARK: - (b) the CSV reader with dialect options

    /// The dialect options of a CSV source, from the input's first four bytes; the rest is the file.
    static func csvSettings(_ b: [UInt8]) -> SourceSettings {
        var options: [String: SettingValue] = [:]
        let delimiters = [",", ";", "tab", "|", " ", "x"]
        let dates = ["dd.mm.yyyy", "mm/dd/yyyy", "yyyy-mm-dd", "d/m/yy", "yyyymmdd", "dd-mm-yyyy"]
        let f0 = b[0], f1 = b[1], f2 = b[2], f3 = b[3]
        if f0 & 1 != 0 { options["delimiter"] = .text(delimiters[Int(f1 & 0x0F) % delimiters.count]) }
        if f0 & 2 != 0 { options["decimal"] = .text(",") }
        if f0 & 4 != 0 { options["thousands"] = .text([".", ",", "'", " "][Int(f1 >> 4) & 3]) }
        if f0 & 8 != 0 { options["dates"] = .text(dates[Int(f2 & 0x0F) % dates.count]) }
        if f0 & 16 != 0 { options["encoding"] = .text(TextEncoding.allCases[Int(f2 >> 4) % TextEncoding.allCases.count].rawValue) }
        if f0 & 32 != 0 { options["header"] = .bool(false) }
        if f0 & 64 != 0 { options["comment"] = .text(f3 & 0x80 != 0 ? "//" : "#") }
        if f3 & 0x03 != 0 { options["skip"] = .number(Double(f3 & 0x03)) }
        if f3 & 0x0C != 0 { options["trailer"] = .number(Double((f3 >> 2) & 0x03)) }
        var columns: [ColumnSpec] = []
        if f0 & 32 != 0 || f0 & 128 != 0 {
            // A block listing columns (needed without a header row), some mapped from another header.
            columns = [ColumnSpec(name: "sku", header: f3 & 0x10 != 0 ? "Item" : nil),
                       ColumnSpec(name: "date", dateFormat: f3 & 0x20 != 0 ? "yyyy-mm-dd" : nil),
                       ColumnSpec(name: "units")]
        }
        return SourceSettings(options: options, columns: columns)
    }

    static func csv(_ data: [UInt8], scratch: String) {
        guard data.count >= 4 else { return }
        let settings = csvSettings(data)
        // The checker refuses bad settings before any reader sees them.
        guard SourceReaders.problems(kind: "csv", settings: settings).isEmpty else { return }
        guard writeFile(scratch, data[4...]) else { return }
        let reader = DialectCSVReader(path: scratch, settings: settings)
        let options = ReadOptions(keyColumns: data[3] & 0x40 != 0 ? ["sku", "date"] : [])
        _ = reader.describe(options: options)
        guard let schema = try? reader.schema(options: options) else { return }
        let interner = Interner()
        guard let read = try? reader.read(options: options, interner: interner) else { return }
        _ = read.table.rowCount
        windowedRead(reader, schema: schema, options: options, days: Int(data[2] % 40) + 1)
        // The same file again, as an unchanged source and with a row appended.
        _ = try? reader.changes(since: read.cursor, schema: schema, options: options, interner: interner, appends: true)
        guard appendFile(scratch, Array("A,2024-01-02,3\n".utf8)) else { return }
        _ = try? reader.changes(since: read.cursor, schema: schema, options: options, interner: interner, appends: true)
    }

    /// The window push-down: with every column's type declared, a read of the rows of the
    /// last `days` days must succeed whenever a whole read does, and keep exactly the rows of
    /// the whole read inside the window.
    static func windowedRead(_ reader: DialectCSVReader, schema: DataSchema, options: ReadOptions, days: Int) {
        guard let date = schema.columns.first(where: { $0.type == .date })?.name else { return }
        var declared = options
        for c in schema.columns { declared.declaredTypes[c.name] = c.type }
        let interner = Interner()
        guard let whole = try? reader.read(options: declared, interner: interner) else { return }
        let window = RowWindow(column: date, days: days)
        declared.window = window
        guard let part = try? reader.read(options: declared, interner: interner) else {
            fatalError("a windowed read failed where the whole read did not")
        }
        let expected = CSVReader.keeping(window, of: [whole.table])
        guard part.table.rowCount == expected.rowCount,
              zip(part.table.columns, expected.columns).allSatisfy({ sameValues($0.data, $1.data) }) else {
            fatalError("a windowed read kept \(part.table.rowCount) rows, the whole read has \(expected.rowCount) in the window")
        }
    }

    /// The same values (numbers bit for bit) of the same type.
    static func sameValues(_ a: ColumnData, _ b: ColumnData) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x.map(\.bitPattern) == y.map(\.bitPattern)
        case let (.text(x), .text(y)), let (.date(x), .date(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        default: return false
        }
    }

    static func writeFile(_ path: String, _ bytes: ArraySlice<UInt8>) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
    }

    static func appendFile(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = open(path, O_WRONLY | O_APPEND)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) == $0.count }
    }

    // MARK: - (c) the REPL's line reading and command parser

    static func repl(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        // Multi-line input: lines are collected while the input needs more, then joined.
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(String(line))
            if InputContinuation.needsMore(lines.joined(separator: "\n")) { continue }
            command(InputContinuation.join(lines))
            lines = []
        }
        if !lines.isEmpty { command(InputContinuation.join(lines)) }
        _ = InputScanner.words(text)
        _ = InputScanner.assignment(in: text)
    }

    static func command(_ line: String) {
        guard let parsed = try? ReplCommand.parse(line) else { return }
        if case .evaluate(let expression) = parsed {
            _ = Parser.parseExpression(SourceFile(path: "<repl>", text: expression))
        }
    }

    // MARK: - (d) the `velo lsp` message reader: framing, then JSON

    static func lsp(_ data: [UInt8]) {
        guard let first = data.first else { return }
        // The bytes arrive in reads of a size the first byte picks (1 to 256 bytes).
        let chunk = Int(first) + 1
        var framer = LSPFramer()
        var i = 1
        var frames = 0
        while i < data.count {
            let end = min(data.count, i + chunk)
            framer.feed(data[i..<end])
            i = end
            while let frame = framer.next() {
                frames += 1
                if frames > 10_000 { return }
                guard case .body(let body) = frame, let message = try? JSONValue.parse(body) else { continue }
                // What the server writes back must read again.
                _ = try? JSONValue.parse(message.serialized)
            }
        }
    }
}
