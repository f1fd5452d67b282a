// Completion inside decision tables: the hit policies after `decide`, the operators after `collect`.

import Testing
@testable import VeloFrontend

@Suite struct LSPDecisionTests {
    func labels(_ v: JSONValue?) -> [String] { (v?["items"]?.array ?? []).compactMap { $0["label"]?.string } }

    @Test func hitPoliciesAreOfferedAfterDecideAndCollect() {
        #expect(labels(LSPServer.decisionCompletions(after: "decide")) == ["unique", "first", "priority", "collect"])
        #expect(labels(LSPServer.decisionCompletions(after: "collect")) == ["sum", "min", "max", "count"])
        #expect(LSPServer.decisionCompletions(after: "table") == nil)
        #expect(LSPServer.expressionKeywords.contains("otherwise"))
    }
}
