// Velo's parser and Grammar/velo.lark agree: this runs `Parser.parse` over exactly the files
// that Tests/grammar/check_grammar.py runs the lark parser over:
//
//   * every *.velo file under Examples/,
//   * every ```velo fenced block of README.md and Grammar/README.md,
//   * Tests/Fixtures/syntax/valid/*.velo    -> no diagnostics,
//   * Tests/Fixtures/syntax/invalid/*.velo  -> at least one error.

import Foundation
import Testing
import VeloSyntax

/// One file (or README block) to parse.
struct SyntaxCase: CustomTestStringConvertible, Sendable {
    /// Path relative to the repository root; `README.md:LINE` for a README block.
    var label: String
    var text: String
    var testDescription: String { label }
}

enum Corpus {
    /// The repository root: this file is Tests/VeloSyntaxTests/GrammarAgreementTests.swift.
    static let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Exactly the bytes of the file, BOM and CRLF included.
    static func read(_ url: URL) -> String {
        String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self)
    }

    static func relative(_ url: URL) -> String {
        let base = root.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }

    /// `*.velo` files directly in `dir` (recursively when asked), sorted by path.
    static func veloFiles(in dir: URL, recursive: Bool) -> [SyntaxCase] {
        let fm = FileManager.default
        var urls: [URL] = []
        if recursive {
            guard let walker = fm.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
            for case let url as URL in walker where url.pathExtension == "velo" { urls.append(url) }
        } else {
            let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            urls = names.filter { $0.hasSuffix(".velo") }.map { dir.appendingPathComponent($0) }
        }
        return urls.map { SyntaxCase(label: relative($0), text: read($0)) }.sorted { $0.label < $1.label }
    }

    /// The ```velo (or ~~~velo) fenced blocks of a Markdown file.
    static func veloBlocks(in url: URL) -> [SyntaxCase] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        // "\r\n" is one Character in Swift: split on both line ends.
        let lines = read(url).split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
        var blocks: [SyntaxCase] = []
        var i = 0
        while i < lines.count {
            guard let fence = openingFence(lines[i]) else {
                i += 1
                continue
            }
            let start = i + 1
            var j = start
            while j < lines.count, !isClosingFence(lines[j], fence) { j += 1 }
            let body = lines[start..<min(j, lines.count)].map { $0 + "\n" }.joined()
            blocks.append(SyntaxCase(label: "\(relative(url)):\(start)", text: body))
            i = j + 1
        }
        return blocks
    }

    /// "```velo" with up to 3 spaces before and anything after the word `velo`.
    static func openingFence(_ line: String) -> String? {
        let trimmed = line.drop { $0 == " " }
        guard line.count - trimmed.count <= 3, let c = trimmed.first, c == "`" || c == "~" else { return nil }
        let fence = trimmed.prefix { $0 == c }
        guard fence.count >= 3 else { return nil }
        let info = trimmed.dropFirst(fence.count).drop { $0 == " " || $0 == "\t" }
        guard info.hasPrefix("velo") else { return nil }
        let after = info.dropFirst(4).first
        guard after == nil || !(after!.isLetter || after!.isNumber || after! == "_") else { return nil }
        return String(fence)
    }

    static func isClosingFence(_ line: String, _ fence: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        guard line.count - trimmed.count <= 3 else { return false }
        let run = trimmed.prefix { $0 == fence.first }
        return run.count >= fence.count && trimmed.dropFirst(run.count).allSatisfy { $0 == " " || $0 == "\t" }
    }

    static var accepted: [SyntaxCase] {
        veloFiles(in: root.appendingPathComponent("Examples"), recursive: true)
            + veloBlocks(in: root.appendingPathComponent("README.md"))
            + veloBlocks(in: root.appendingPathComponent("Grammar/README.md"))
            + veloFiles(in: root.appendingPathComponent("Tests/Fixtures/syntax/valid"), recursive: false)
    }

    static var rejected: [SyntaxCase] {
        veloFiles(in: root.appendingPathComponent("Tests/Fixtures/syntax/invalid"), recursive: false)
    }
}

struct GrammarAgreementTests {
    @Test(arguments: Corpus.accepted)
    func accepts(_ c: SyntaxCase) {
        let (_, diagnostics) = Parser.parse(SourceFile(path: c.label, text: c.text))
        #expect(diagnostics.isEmpty, "\(c.label): \(diagnostics.map { "\($0.code): \($0.message)" })")
    }

    @Test(arguments: Corpus.rejected)
    func rejects(_ c: SyntaxCase) {
        let (_, diagnostics) = Parser.parse(SourceFile(path: c.label, text: c.text))
        #expect(diagnostics.contains { $0.severity == .error }, "\(c.label) parsed without an error")
    }

    @Test func theFixturesAreThere() {
        // Guards against a moved folder silently turning the tests above into no-ops.
        #expect(Corpus.veloFiles(in: Corpus.root.appendingPathComponent("Tests/Fixtures/syntax/valid"), recursive: false).count >= 12)
        #expect(Corpus.rejected.count >= 30)
    }

    @Test func everyInvalidFixtureSaysWhatIsWrong() {
        var seen: [String: String] = [:]
        for c in Corpus.rejected {
            let first = c.text.drop { $0 == "\u{FEFF}" }.prefix { $0 != "\n" && $0 != "\r\n" }
            #expect(first.hasPrefix("#"), "\(c.label) must open with a comment saying what is wrong")
            if let other = seen[String(first)] {
                Issue.record("\(c.label) and \(other) show the same error: \(first)")
            }
            seen[String(first)] = c.label
        }
    }
}
