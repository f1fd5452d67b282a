// `velo fmt`'s formatter (RuleFormatter):
//
//   * golden fixtures: Tests/Fixtures/fmt/NAME.velo formats to NAME.formatted
//     (`VELO_RECORD=1 swift test --filter Format` rewrites the .formatted files);
//   * properties over every file the grammar tests parse (Examples/**/*.velo, the ```velo
//     blocks of README.md and Grammar/README.md, Tests/Fixtures/syntax/valid/*.velo) and over
//     the fixtures: the formatted text parses to the same syntax tree (spans aside) and the
//     same tokens, keeps every comment, and formatting it again changes nothing;
//   * the layout rules one by one, comments in every position, and files not formatted.

import Foundation
import Testing
@testable import VeloSyntax

enum FormatFixtures {
    static let directory = Corpus.root.appendingPathComponent("Tests/Fixtures/fmt")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".velo") }.map { String($0.dropLast(5)) }.sorted()
    }

    static var recording: Bool {
        let v = ProcessInfo.processInfo.environment["VELO_RECORD"] ?? ""
        return !v.isEmpty && v != "0"
    }

    static func source(_ name: String) -> String { Corpus.read(directory.appendingPathComponent(name + ".velo")) }
    static func goldenURL(_ name: String) -> URL { directory.appendingPathComponent(name + ".formatted") }
}

/// A syntax tree as text, without spans: two trees print alike exactly when they are equal
/// but for where their parts were written. Built by reflection, so new kinds of statements
/// need nothing here.
enum TreeDump {
    static func dump(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let child = mirror.children.first else { return "nil" }
            return dump(child.value)
        case .collection:
            return "[" + mirror.children.map { dump($0.value) }.joined(separator: ", ") + "]"
        case .enum:
            guard let payload = mirror.children.first else { return "\(value)" }
            return "." + (payload.label ?? "?") + "(" + dump(payload.value) + ")"
        case .struct, .tuple, .class:
            let fields = mirror.children.filter { $0.label != "span" && !($0.label ?? "").hasSuffix("Span") }
            return "(" + fields.map { ($0.label.map { $0 + ": " } ?? "") + dump($0.value) }.joined(separator: ", ") + ")"
        default:
            return String(reflecting: value)
        }
    }

    static func tree(_ text: String) -> (String, [Diagnostic]) {
        let (program, diagnostics) = Parser.parse(SourceFile(path: "<dump>", text: text))
        return (dump(program), diagnostics)
    }
}

enum FormatProperties {
    /// Every token's text and every layout token, in order.
    static func tokens(_ text: String) -> [String] {
        let file = SourceFile(path: "<tokens>", text: text)
        return Lexer.tokenize(file).tokens.map { t in
            switch t.kind {
            case .newline: return "<newline>"
            case .indent: return "<indent>"
            case .dedent: return "<dedent>"
            case .eof: return "<eof>"
            default: return file.text(of: t.span)
            }
        }
    }

    static func comments(_ text: String) -> [String] {
        let file = SourceFile(path: "<comments>", text: text)
        return Lexer.comments(in: file, tokens: Lexer.tokenize(file).tokens).map { file.text(of: $0) }
    }

    /// Formats `text` and checks every property of the result.
    @discardableResult
    static func check(_ text: String, label: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        guard let formatted = RuleFormatter.format(text, path: label) else {
            Issue.record("\(label) was not formatted", sourceLocation: sourceLocation)
            return nil
        }
        let (before, _) = TreeDump.tree(text)
        let (after, diagnostics) = TreeDump.tree(formatted)
        #expect(diagnostics.isEmpty, "\(label): the formatted text has errors: \(diagnostics.map(\.message))", sourceLocation: sourceLocation)
        #expect(before == after, "\(label): the formatted text parses to another tree", sourceLocation: sourceLocation)
        #expect(tokens(text) == tokens(formatted), "\(label): the tokens changed", sourceLocation: sourceLocation)
        #expect(comments(text) == comments(formatted), "\(label): a comment was lost or changed", sourceLocation: sourceLocation)
        #expect(RuleFormatter.format(formatted, path: label) == formatted, "\(label): formatting twice changes the text",
                sourceLocation: sourceLocation)
        #expect(formatted.isEmpty || (formatted.hasSuffix("\n") && !formatted.hasSuffix("\n\n")), "\(label): must end with one line break",
                sourceLocation: sourceLocation)
        #expect(!formatted.contains("\r") && !formatted.contains("\n\n\n") && !formatted.hasPrefix("\n"), "\(label): line ends and blank lines",
                sourceLocation: sourceLocation)
        let trailingSpace = formatted.split(separator: "\n").contains { $0.hasSuffix(" ") }
        #expect(!trailingSpace, "\(label): a line ends with a space", sourceLocation: sourceLocation)
        return formatted
    }
}

@Suite("Formatter: golden fixtures")
struct FormatterGoldenTests {
    @Test("Tests/Fixtures/fmt/NAME.velo formats to NAME.formatted", arguments: FormatFixtures.names)
    func golden(_ name: String) throws {
        let source = FormatFixtures.source(name)
        let formatted = try #require(FormatProperties.check(source, label: name + ".velo"))
        let url = FormatFixtures.goldenURL(name)
        if FormatFixtures.recording {
            try formatted.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try formatted.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("\(name).formatted was missing and has been written: read it, then commit it")
            return
        }
        #expect(formatted == expected, "\(name): \(Self.firstDifference(expected, formatted))")
    }

    @Test("the expected outputs are formatted already")
    func goldensAreFixedPoints() {
        for name in FormatFixtures.names {
            guard let golden = try? String(contentsOf: FormatFixtures.goldenURL(name), encoding: .utf8) else { continue }
            #expect(RuleFormatter.format(golden, path: name) == golden, "\(name).formatted is not formatted")
        }
    }

    @Test func theFixturesAreThere() {
        #expect(FormatFixtures.names.count >= 8)
        #expect(FormatFixtures.names.contains("formatted"))
        #expect(FormatFixtures.source("formatted") == (try? String(contentsOf: FormatFixtures.goldenURL("formatted"), encoding: .utf8)),
                "formatted.velo is already in the canonical layout")
        #expect(FormatFixtures.source("crlf").contains("\r\n"), "crlf.velo must keep its CRLF line ends")
    }

    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(e.count, a.count) {
            let x = i < e.count ? String(e[i]) : "<end of golden>"
            let y = i < a.count ? String(a[i]) : "<end of output>"
            if x != y { return "line \(i + 1):\n  golden: \(x)\n  actual: \(y)" }
        }
        return "no difference"
    }
}

@Suite("Formatter: same meaning, idempotent")
struct FormatterPropertyTests {
    @Test("every valid file of the grammar tests", arguments: Corpus.accepted)
    func corpus(_ c: SyntaxCase) {
        FormatProperties.check(c.text, label: c.label)
    }

    @Test("the corpus is there")
    func corpusIsThere() {
        let labels = Corpus.accepted.map(\.label)
        #expect(labels.filter { $0.hasPrefix("Examples/") }.count >= 3)
        #expect(labels.filter { $0.hasPrefix("README.md:") }.count >= 3)
        #expect(labels.filter { $0.hasPrefix("Tests/Fixtures/syntax/valid/") }.count >= 12)
    }

    @Test("the trees compared are complete: a changed literal, name or operator is seen")
    func dumpSeesDifferences() {
        let base = TreeDump.tree("table t:\n  x = a + 1_000\n").0
        #expect(TreeDump.tree("table t:\n    x   =  a+1_000  # c\n").0 == base)
        #expect(TreeDump.tree("table t:\n  x = a + 1000.5\n").0 != base)
        #expect(TreeDump.tree("table t:\n  x = b + 1_000\n").0 != base)
        #expect(TreeDump.tree("table t:\n  x = a - 1_000\n").0 != base)
        #expect(TreeDump.tree("table t:\n  y = a + 1_000\n").0 != base)
    }
}

@Suite("Formatter: layout rules")
struct FormatterRuleTests {
    func fmt(_ text: String) -> String? { RuleFormatter.format(text) }

    @Test func spacesAroundOperatorsAndAfterCommas() {
        #expect(fmt("table t:\n  x=f( a ,b,weights :linear )*-c^2\n") == "table t:\n  x = f(a, b, weights: linear) * -c ^ 2\n")
        #expect(fmt("param p=- 5\n") == "param p = -5\n")
        #expect(fmt("param p = 1- -2\n") == "param p = 1 - -2\n")
        #expect(fmt("param p = items . moq [ \"A\" ]\n") == "param p = items.moq[\"A\"]\n")
        #expect(fmt("param p = not(a)or b is not   missing\n") == "param p = not (a) or b is not missing\n")
        #expect(fmt("param p = missing ( \"why\" )\n") == "param p = missing(\"why\")\n")
        #expect(fmt("check plan:x>0\n") == "check plan: x > 0\n")
    }

    @Test func literalsAreKeptAsWritten() {
        let text = "param a = 1_000.000_5\nparam b = 2.5E-3\nparam c = 95.0%\nparam d = 4   days\nparam e = 21days\nparam f = \"x  {y}\"\n"
        let formatted = "param a = 1_000.000_5\nparam b = 2.5E-3\nparam c = 95.0%\nparam d = 4   days\nparam e = 21days\nparam f = \"x  {y}\"\n"
        #expect(fmt(text) == formatted)
    }

    @Test func blockItemsAreIndentedByTwoAndAligned() {
        #expect(fmt("table t by sku:\n        a = 1\n        long_name = 2\n") == "table t by sku:\n  a         = 1\n  long_name = 2\n")
        #expect(fmt("table s = csv(\"s.csv\"):\n    units:number\n") == "table s = csv(\"s.csv\"):\n  units: number\n")
    }

    @Test func runsOfSourcesAndParamsAlign() {
        #expect(fmt("param a = 1\nparam bbb = 2\n\nparam cc = 3\n") == "param a   = 1\nparam bbb = 2\n\nparam cc = 3\n")
        #expect(fmt("table a = csv(\"a\")\ntable bbb = csv(\"b\")\nparam c = 1\n")
                == "table a   = csv(\"a\")\ntable bbb = csv(\"b\")\n\nparam c = 1\n")
    }

    @Test func blankLinesBetweenStatements() {
        // Different kinds, or a statement with a block: one blank line.
        #expect(fmt("param a = 1\ncheck t: a > 0\n") == "param a = 1\n\ncheck t: a > 0\n")
        #expect(fmt("table t:\n  x = 1\ntable u:\n  y = 2\n") == "table t:\n  x = 1\n\ntable u:\n  y = 2\n")
        // One-liners of the same kind: kept together, or apart by at most one blank line.
        #expect(fmt("check t: a > 0\ncheck t: b > 0\n") == "check t: a > 0\ncheck t: b > 0\n")
        #expect(fmt("check t: a > 0\n\n\n\ncheck t: b > 0\n") == "check t: a > 0\n\ncheck t: b > 0\n")
        // None at the start, the end, or right after a line that opens a block.
        #expect(fmt("\n\n\ntable t:\n\n  x = 1\n\n\n") == "table t:\n  x = 1\n")
    }

    @Test func continuationLines() {
        // Under the formula's first character; inside brackets, after the open bracket.
        #expect(fmt("table t:\n  x = a\n   + b\n") == "table t:\n  x = a\n      + b\n")
        #expect(fmt("table t:\n  x = f(a,\n b)\n") == "table t:\n  x = f(a,\n        b)\n")
        // A hanging bracket: 4 deeper than its line; its closing bracket back at that line.
        #expect(fmt("table t:\n  x = f(\n a,\n b\n )\n") == "table t:\n  x = f(\n      a,\n      b\n  )\n")
        // The formula starts on the next line: 4 deeper than the first line.
        #expect(fmt("param p =\n 1\n") == "param p =\n    1\n")
        // Continuation lines follow the aligned `=`.
        #expect(fmt("table t:\n  long_name = 1\n  x = a\n    + b\n")
                == "table t:\n  long_name = 1\n  x         = a\n              + b\n")
    }

    @Test func lineBreaksAreNeverAddedOrRemoved() {
        #expect(fmt("table t:\n  x = a +\n\n\n    b\n") == "table t:\n  x = a +\n\n      b\n")
        #expect(fmt("table t:\n  x = a\n    + b\n    + c\n") == "table t:\n  x = a\n      + b\n      + c\n")
    }

    @Test func lineEndsAndByteOrderMark() {
        #expect(fmt("param a = 1\r\nparam b = 2\r\n") == "param a = 1\nparam b = 2\n")
        #expect(fmt("\u{FEFF}param a = 1\n") == "param a = 1\n")
        #expect(fmt("param a = 1") == "param a = 1\n")
        #expect(fmt("") == "")
        #expect(fmt("\n\n  \n") == "")
    }

    @Test func inlineRowsAlignAsColumns() {
        let text = "test \"t\":\n  given items:\n    sku, moq\n    \"LONG\", 1\n    \"A\", -2\n"
        #expect(fmt(text) == "test \"t\":\n  given items:\n    sku,    moq\n    \"LONG\", 1\n    \"A\",    -2\n")
    }
}

@Suite("Formatter: comments")
struct FormatterCommentTests {
    func fmt(_ text: String) -> String? { RuleFormatter.format(text) }

    @Test func trailingCommentsAlignWithinAParagraph() {
        let text = "param a = 1 # one\nparam long_name = 2    # two\n\nparam c = 3      # alone\n"
        #expect(fmt(text) == "param a         = 1  # one\nparam long_name = 2  # two\n\nparam c = 3  # alone\n")
    }

    @Test func fullLineCommentsGoWithTheLineAfterThem() {
        #expect(fmt("table t:\n# about x\n      x = 1\n") == "table t:\n  # about x\n  x = 1\n")
        #expect(fmt("    # at the top\nparam a = 1\n") == "# at the top\nparam a = 1\n")
        // Directly above a statement, a comment moves with it (the blank line goes above it).
        #expect(fmt("param a = 1\n# about the check\ncheck t: a > 0\n") == "param a = 1\n\n# about the check\ncheck t: a > 0\n")
    }

    @Test func aCommentIndentedIntoABlockStaysInIt() {
        #expect(fmt("table t:\n  x = 1\n  # end of the block\nparam a = 1\n") == "table t:\n  x = 1\n  # end of the block\n\nparam a = 1\n")
        #expect(fmt("table t:\n  x = 1\n# after the block\nparam a = 1\n") == "table t:\n  x = 1\n\n# after the block\nparam a = 1\n")
        #expect(fmt("table t:\n    x = 1\n      # deeper still in the block\n") == "table t:\n  x = 1\n  # deeper still in the block\n")
    }

    @Test func commentsInsideAFormula() {
        let text = "table t:\n  x = max(0, # first\n  # between\n    y)  # last\n"
        #expect(fmt(text) == "table t:\n  x = max(0,  # first\n          # between\n          y)  # last\n")
    }

    @Test func commentTextIsKept() {
        #expect(fmt("param a = 1 #no space,   two spaces   \n") == "param a = 1  #no space,   two spaces\n")
        #expect(fmt("param a = 1 # \"quotes\" and # hashes\n") == "param a = 1  # \"quotes\" and # hashes\n")
        #expect(fmt("param a = \"# not a comment\"\n") == "param a = \"# not a comment\"\n")
        #expect(fmt("# only\n\n\n# comments\n") == "# only\n\n# comments\n")
    }
}

@Suite("Formatter: files not formatted")
struct FormatterRefusalTests {
    @Test func syntaxErrorsAreReportedNotFormatted() {
        let result = RuleFormatter.format(SourceFile(path: "bad.velo", text: "table t:\n  x = (1 +\n"))
        #expect(result.text == nil)
        #expect(result.diagnostics.contains { $0.code == "unclosed-bracket" })
    }

    @Test func aLexicalErrorIsReported() {
        let result = RuleFormatter.format(SourceFile(path: "bad.velo", text: "table t:\n\tx = 1\n"))
        #expect(result.text == nil)
        #expect(result.diagnostics.contains { $0.code == "tab-indentation" })
    }

    @Test("the safety net sees a change of tokens, of layout or of comments")
    func verification() {
        let file = SourceFile(path: "f.velo", text: "table t:\n  x = 1  # c\n")
        let tokens = Lexer.tokenize(file).tokens
        let comments = Lexer.comments(in: file, tokens: tokens)
        #expect(RuleFormatter.verify("table t:\n    x=1 # c\n", against: file, tokens: tokens, comments: comments) == nil)
        #expect(RuleFormatter.verify("table t:\n  x = 2  # c\n", against: file, tokens: tokens, comments: comments) != nil)
        #expect(RuleFormatter.verify("table t:\nx = 1  # c\n", against: file, tokens: tokens, comments: comments) != nil)
        #expect(RuleFormatter.verify("table t:\n  x = 1\n", against: file, tokens: tokens, comments: comments) != nil)
    }
}
