// Markdown: escaping inside cells, the alignment row, human number forms, keys first.

import Testing
import VeloRender

struct MarkdownRendererTests {
    @Test func escapingAndAlignment() {
        let table = OutputTable(name: "t", columns: [
            OutputColumn(name: "qty", values: .number([1234, .nan]), missingReasons: [1: "a|b"], unit: "units"),
            OutputColumn(name: "sku|id", values: .text(["x|y", "two\nlines"]), isKey: true),
        ])
        #expect(MarkdownRenderer().render(table) == #"""
            | sku\|id      | qty (units) |
            | ------------ | ----------: |
            | x\|y         |       1,234 |
            | two<br>lines |    — (a\|b) |

            """#)
    }

    @Test func noColumnsIsEmpty() {
        #expect(MarkdownRenderer().render(OutputTable(name: "t", columns: [], rowCount: 1)) == "")
    }
}
