// Diagnostics are data. Every phase returns them; only the frontend renders and prints.
//
// Each message a user can see is built by a named constructor next to the code that raises
// it (`Diagnostic.unknownName`, `Diagnostic.unexpectedToken`, ...), so the wording of an
// error lives in one place and golden tests pin it down.

public struct Diagnostic: Sendable, Equatable {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .note]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    /// A secondary location: "the cycle goes through here", "`(` opened here".
    public struct Note: Sendable, Equatable {
        public var span: Span
        public var message: String
        /// Set when the note is in another file (an imported one): `span` is then in that file.
        public var origin: Origin?
        public init(span: Span, message: String) {
            self.span = span
            self.message = message
        }
    }

    public var severity: Severity
    /// A stable short name of the kind of problem (`unknown-name`, `cycle`, ...), used by
    /// JSON output and tests.
    public var code: String
    public var message: String
    public var span: Span
    public var hint: String?
    public var notes: [Note]
    /// Where the problem is when it lies in another file than the one checked (an imported
    /// rule file): that file and the span in it. `span` is then where the checked file leads
    /// to it (the import line), so sorting and editors keep to the checked file.
    public var origin: Origin?

    public init(_ severity: Severity = .error, code: String, _ message: String, at span: Span,
                hint: String? = nil, notes: [Note] = []) {
        self.severity = severity
        self.code = code
        self.message = message
        self.span = span
        self.hint = hint
        self.notes = notes
    }
}

extension Diagnostic {
    /// A place in another source file.
    public struct Origin: Sendable, Equatable {
        public var file: SourceFile
        public var span: Span
        public init(file: SourceFile, span: Span) {
            self.file = file
            self.span = span
        }
        public static func == (a: Origin, b: Origin) -> Bool {
            a.file.path == b.file.path && a.span == b.span && a.file.text == b.file.text
        }
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Source order: by position, then errors before warnings. Stable for equal keys.
    public func sortedBySource() -> [Diagnostic] {
        enumerated().sorted { a, b in
            if a.element.span.start != b.element.span.start { return a.element.span.start < b.element.span.start }
            if a.element.severity != b.element.severity { return a.element.severity < b.element.severity }
            return a.offset < b.offset
        }.map(\.element)
    }
}
