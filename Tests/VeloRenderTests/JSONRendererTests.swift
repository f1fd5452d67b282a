// JSON: RFC 8259 string escaping, value forms, and the several-tables object.

import Testing
import VeloRender

struct JSONRendererTests {
    @Test(arguments: [
        ("plain", "\"plain\""), ("", "\"\""), ("say \"hi\"", "\"say \\\"hi\\\"\""), ("back\\slash", "\"back\\\\slash\""),
        ("a\nb\rc\td", "\"a\\nb\\rc\\td\""), ("\u{0}\u{1}\u{8}\u{C}\u{1F}", "\"\\u0000\\u0001\\u0008\\u000c\\u001f\""),
        ("\u{7F}", "\"\u{7F}\""), ("ünï 日本 🚚", "\"ünï 日本 🚚\""), ("\u{2028}\u{2029}", "\"\\u2028\\u2029\""),
        ("/", "\"/\""),
    ])
    func escaping(_ s: String, _ expected: String) {
        #expect(JSONRenderer.quoted(s) == expected)
    }

    @Test func valueForms() {
        let table = OutputTable(name: "t", columns: [
            OutputColumn(name: "n", values: .number([1e21, .infinity, .nan, -0.0])),
            OutputColumn(name: "d", values: .date([0, Int32.min, 1, 2])),
            OutputColumn(name: "b", values: .bool([1, 2, 0, 0])),
            OutputColumn(name: "key \"q\"", values: .text(["x", nil, "y", "z"])),
        ])
        #expect(JSONRenderer().render(table) == """
            [
              {"n": 1e+21, "d": "1970-01-01", "b": true, "key \\"q\\"": "x"},
              {"n": null, "d": null, "b": null, "key \\"q\\"": null},
              {"n": null, "d": "1970-01-02", "b": false, "key \\"q\\"": "y"},
              {"n": 0, "d": "1970-01-03", "b": false, "key \\"q\\"": "z"}
            ]

            """)
    }

    @Test func severalTables() {
        let a = OutputTable(name: "plan", columns: [OutputColumn(name: "x", values: .number([1]))])
        let b = OutputTable(name: "series", columns: [OutputColumn(name: "y", values: .text([]))])
        #expect(JSONRenderer().render(tables: [a, b]) == """
            {
              "plan": [
                {"x": 1}
              ],
              "series": []
            }

            """)
        #expect(JSONRenderer().render(tables: []) == "{}\n")
    }
}
