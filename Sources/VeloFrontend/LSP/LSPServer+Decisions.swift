// Completion in decision tables: after `decide`, the hit policies; after `collect`, how the
// matching rules' outputs combine.

import VeloSyntax

extension LSPServer {
    static func decisionCompletions(after word: String?) -> JSONValue? {
        guard let labels = DecisionDecl.completions(after: word) else { return nil }
        let items: [JSONValue] = labels.map { ["label": .string($0), "kind": 14, "detail": .string("hit policy")] }
        return ["isIncomplete": false, "items": .array(items)]
    }
}
