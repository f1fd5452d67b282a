// Completion in decision tables: after `decide`, the hit policies; after `collect`, how the
// matching rules' outputs combine.

extension LSPServer {
    static let hitPolicies = ["unique", "first", "priority", "collect"]
    static let collectOperators = ["sum", "min", "max", "count"]

    static func decisionCompletions(after word: String?) -> JSONValue? {
        let labels: [String]
        switch word {
        case "decide"?: labels = hitPolicies
        case "collect"?: labels = collectOperators
        default: return nil
        }
        let items: [JSONValue] = labels.map { ["label": .string($0), "kind": 14, "detail": .string("hit policy")] }
        return ["isIncomplete": false, "items": .array(items)]
    }
}
