// `import "../replenishment/plan.velo"`: one rule file using another's tables.
//
// The imported file is checked on its own first (an error in it is reported in it, with a
// note at the import). Then its text is appended after the importing file's, and the whole is
// parsed and checked as one program: the imported sources, params, tables, flags and checks
// keep their names (a name defined in both files is a duplicate), so `--source sales=…` and
// `--set service_level=…` reach them like the importing file's own. Its relative source
// paths resolve against its own folder; its tests and imports are not part of the program
// (imports are followed, once each; a cycle of imports is an error). Spans of the importing
// file are unchanged, so its diagnostics, `explain` and the REPL read it as written; a
// diagnostic inside the imported text carries the imported file and its place there
// (`Diagnostic.origin`, rendered at that file's line and column) and has its span at the
// import statement (where editors and sorting keep it) and a note "imported here" there.

import VeloCheck
import VeloData
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension RuleCompiler {
    /// A stretch of the combined text that came from an imported file.
    struct ImportedSegment {
        var start: Int
        var end: Int
        /// Its folder, relative to the importing file's (what its source paths are prefixed with).
        var directory: String
        /// The import statement in the importing file, and the path as written there.
        var importSpan: Span
        var path: String
        /// The file whose own text starts at `start` (as it is opened), and that text's length.
        var file: String
        var length: Int
    }

    /// A rule file's text followed by the text of every file it imports, and where each
    /// imported file's own text lies in it (for an editor: a declaration found in the
    /// combined text is shown in the file it is written in). Nil without imports.
    public struct ImportedText: Sendable {
        public let combined: SourceFile
        /// (path of the imported file, where its text starts in `combined`, its length, and the
        /// importing file's import statement it came through)
        public let parts: [(file: String, start: Int, length: Int, importSpan: Span)]
        /// Each part's file as it was read (its text as it lies in `combined`): its own lines
        /// and columns.
        public let files: [SourceFile]

        init(combined: SourceFile, segments: [ImportedSegment]) {
            self.combined = combined
            parts = segments.map { (file: normalized($0.file), start: $0.start, length: $0.length, importSpan: $0.importSpan) }
            files = parts.map { p in
                let bytes = combined.bytes[p.start..<min(p.start + p.length, combined.bytes.count)]
                return SourceFile(path: p.file, text: String(decoding: bytes, as: UTF8.self))
            }
        }

        /// The part whose own text holds an offset of the combined text (nil: the importing
        /// file's own text).
        public func part(at offset: Int) -> Int? {
            parts.lastIndex { offset >= $0.start && offset <= $0.start + $0.length }
        }

        /// The imported file and the offset in it of an offset of the combined text.
        public func place(_ offset: Int) -> (file: String, offset: Int)? {
            part(at: offset).map { (parts[$0].file, offset - parts[$0].start) }
        }

        /// A diagnostic at a span of the combined text, shown where that text was written: in
        /// an imported file at its own line and column (`Diagnostic.origin`), its span at the
        /// import statement with a note there; in the importing file's own text, as it is.
        public func placed(_ d: Diagnostic) -> Diagnostic {
            var d = d
            d.notes = d.notes.map { n in
                guard let i = part(at: n.span.start) else { return n }
                var n = n
                n.origin = Diagnostic.Origin(file: files[i], span: Span(start: n.span.start - parts[i].start, length: n.span.length))
                return n
            }
            guard let i = part(at: d.span.start) else { return d }
            return RuleCompiler.placed(d, in: files[i], offset: parts[i].start, at: parts[i].importSpan)
        }
    }

    public static func importedText(_ file: SourceFile) -> ImportedText? {
        let (ast, syntax) = Parser.parse(file)
        guard !syntax.hasErrors, ast.statements.contains(where: { if case .importFile = $0 { return true } else { return false } }) else { return nil }
        let (text, segments, _) = combine(file, ast, chain: [normalized(file.path)])
        return ImportedText(combined: SourceFile(path: file.path, text: text), segments: segments)
    }

    /// The imports of a checked program (its rule file read again, as `compile` read it); nil without.
    public static func importedText(of program: CheckedProgram) -> ImportedText? {
        guard let bytes = readWhole(program.file.path), let main = String(validating: bytes, as: UTF8.self),
              main.utf8.count < program.file.text.utf8.count else { return nil }
        return importedText(SourceFile(path: program.file.path, text: main))
    }

    /// The importing file's text followed by every imported file's (and theirs), with where
    /// each came from.
    static func combine(_ file: SourceFile, _ ast: Program, chain: [String]) -> (text: String, segments: [ImportedSegment], diagnostics: [Diagnostic]) {
        var text = file.text
        var segments: [ImportedSegment] = []
        var diagnostics: [Diagnostic] = []
        var seen = Set<String>()
        for case .importFile(let d) in ast.statements {
            guard let rel = d.path.plainText, !rel.isEmpty else {
                diagnostics.append(.importProblem("an import names a rule file in plain quotes", at: d.path.span,
                                                  hint: "write `import \"../replenishment/plan.velo\"`"))
                continue
            }
            let base = directory(of: file.path)
            let resolved = rel.hasPrefix("/") || base.isEmpty ? rel : base + "/" + rel
            let key = normalized(resolved)
            if chain.contains(key) {
                diagnostics.append(.importProblem("`\(rel)` imports this file again: imports cannot form a cycle", at: d.path.span,
                                                  hint: "move what both files need into a third file that both import"))
                continue
            }
            guard seen.insert(key).inserted else { continue }
            guard let bytes = readWhole(resolved), let source = String(validating: bytes, as: UTF8.self) else {
                diagnostics.append(.importProblem("cannot read `\(rel)`", at: d.path.span,
                                                  hint: "the path is relative to this rule file's folder"))
                continue
            }
            let imported = SourceFile(path: resolved, text: source)
            let (importedAST, syntax) = Parser.parse(imported)
            var problems = syntax.filter { $0.severity == .error }
            if problems.isEmpty {
                problems = compile(imported, chain: chain + [key]).diagnostics.filter { $0.severity == .error }
            }
            if !problems.isEmpty {
                // Each shown at its own line of the imported file, with a note at the import.
                let shown = SourceFile(path: normalized(resolved), text: source)
                for p in problems {
                    var p = p
                    p.notes = p.notes.map { n in
                        var n = n
                        if n.origin == nil { n.origin = Diagnostic.Origin(file: shown, span: n.span) }
                        return n
                    }
                    diagnostics.append(placed(p, in: shown, offset: 0, at: d.span))
                }
                continue
            }
            let sub = combine(imported, importedAST, chain: chain + [key])
            let start = text.utf8.count + 1
            text += "\n" + sub.text
            let folder = directory(of: rel)
            segments.append(ImportedSegment(start: start, end: start + sub.text.utf8.count, directory: folder, importSpan: d.span, path: rel,
                                            file: resolved, length: source.utf8.count))
            for s in sub.segments {
                segments.append(ImportedSegment(start: start + s.start, end: start + s.end,
                                                directory: join(folder, s.directory), importSpan: d.span, path: rel,
                                                file: s.file, length: s.length))
            }
        }
        return (text, segments, diagnostics)
    }

    /// Parses and checks a rule file that may import others (`chain`: the files importing it).
    static func compile(_ file: SourceFile, chain: [String], sourceOverrides: [String: String] = [:])
        -> (program: CheckedProgram?, diagnostics: [Diagnostic]) {
        let (ast, syntax) = Parser.parse(file)
        return check(ast, syntax: syntax, file: file, chain: chain, sourceOverrides: sourceOverrides)
    }

    /// Checks a parsed rule file that may import others.
    static func check(_ ast: Program, syntax: [Diagnostic], file: SourceFile, chain: [String],
                      sourceOverrides: [String: String] = [:]) -> (program: CheckedProgram?, diagnostics: [Diagnostic]) {
        if syntax.hasErrors { return checkPartial(ast, syntax: syntax, file: file, sourceOverrides: sourceOverrides) }
        let hasImports = ast.statements.contains { if case .importFile = $0 { return true } else { return false } }
        guard hasImports else {
            let (program, diagnostics) = Checker.check(ast, file: file, baseDirectory: directory(of: file.path),
                                                       schemas: schemaProvider(overrides: sourceOverrides))
            return (program, syntax + diagnostics)
        }
        let (text, segments, problems) = combine(file, ast, chain: chain + [normalized(file.path)])
        if problems.hasErrors { return (nil, syntax + problems) }
        let combined = SourceFile(path: file.path, text: text)
        var (all, _) = Parser.parse(combined)
        let mainEnd = file.text.utf8.count
        all.statements = all.statements.compactMap { s -> Statement? in
            let at = s.span.start
            guard at > mainEnd, let seg = segments.last(where: { at >= $0.start && at <= $0.end }) else { return s }
            switch s {
            case .test, .importFile, .report: return nil   // its tests and reports are its own
            case .source(var d):
                if let p = d.path.plainText, !p.hasPrefix("/"), !seg.directory.isEmpty {
                    d.path.parts = [.text(join(seg.directory, p))]
                }
                return .source(d)
            case .table, .param, .flag, .check: return s
            }
        }
        let (program, diagnostics) = Checker.check(all, file: combined, baseDirectory: directory(of: file.path),
                                                   schemas: schemaProvider(overrides: sourceOverrides))
        // What the checker found inside imported text is shown in the imported file, at its
        // own line and column, with a note at the import line.
        let imported = ImportedText(combined: combined, segments: segments)
        let placedDiagnostics = diagnostics.map(imported.placed)
        return (program, syntax + placedDiagnostics)
    }

    /// A diagnostic found in an imported file (its span `offset` bytes into the text checked),
    /// shown in that file (or where that file's own import led), with a note at the import
    /// statement `importSpan`, where its span now is.
    static func placed(_ d: Diagnostic, in file: SourceFile, offset: Int, at importSpan: Span) -> Diagnostic {
        var d = d
        if d.origin == nil { d.origin = Diagnostic.Origin(file: file, span: Span(start: d.span.start - offset, length: d.span.length)) }
        d.span = importSpan
        d.notes.append(Diagnostic.Note(span: importSpan, message: "imported here"))
        return d
    }

    static func join(_ a: String, _ b: String) -> String {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        return a + "/" + b
    }

    /// A path with `.` and `dir/..` steps taken out, to recognise a file imported twice.
    public static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(p)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    /// A whole file's bytes (nil when it cannot be read): rule files and imports.
    public static func readWhole(_ path: String) -> [UInt8]? {
        if case .success(let bytes) = readRuleBytes(path) { return bytes }
        return nil
    }

    /// The most bytes a rule file may have: 64 MiB, far more than any plan written by hand or
    /// generated (200,000 formulas take 5 MB).
    public static let maximumRuleFileBytes = 64 << 20

    /// A rule file's bytes, or why they cannot be read: the OS error, a file that is not a
    /// regular file or named pipe (`velo check /dev/zero`), or one over the size limit.
    public static func readRuleBytes(_ path: String, limit: Int = maximumRuleFileBytes) -> Result<[UInt8], RuleFileRefusal> {
        let fd = open(path, O_RDONLY | O_NOCTTY)
        guard fd >= 0 else { return .failure(RuleFileRefusal(reason: String(cString: strerror(errno)))) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 {
            if let why = InputFileKind.refusal(info.st_mode) { return .failure(RuleFileRefusal(reason: why)) }
            if (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > limit { return .failure(.tooLarge(limit)) }
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { b -> Int in
                guard let base = b.baseAddress else { return 0 }
                return read(fd, base, b.count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(RuleFileRefusal(reason: String(cString: strerror(errno))))
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > limit { return .failure(.tooLarge(limit)) }
        }
        return .success(bytes)
    }

    /// Why a rule file was not read.
    public struct RuleFileRefusal: Error, Sendable {
        public var reason: String
        static func tooLarge(_ limit: Int) -> RuleFileRefusal {
            RuleFileRefusal(reason: "it is larger than \(limit >> 20) MiB, the most a rule file may be")
        }
    }
}

extension Diagnostic {
    static func importProblem(_ message: String, at span: Span, hint: String) -> Diagnostic {
        Diagnostic(code: "import", message, at: span, hint: hint)
    }
}
