// `help`: every command with what it does and an example; `help COMMAND` for details.

import VeloSyntax

enum ReplHelp {
    struct Topic {
        var names: [String]
        var syntax: String
        var summary: String
        var example: String
        var details: String
    }

    static let topics: [Topic] = [
        Topic(names: ["eval"], syntax: "EXPRESSION", summary: "evaluate any expression",
              example: "sum(plan.order_qty)",
              details: """
                  A cell (plan.order_qty["SKU00012"]), an aggregate over a table (sum(plan.order_qty)), a param,
                  or any formula of constants (z(98%)). A table name or TABLE.COLUMN shows the table.
                  `eval EXPRESSION` does the same when the expression starts with a command's name.
                  """),
        Topic(names: ["show"], syntax: "show TABLE [COLUMN, ...] [where COND] [sort by COLUMN [desc]] [limit N] [to FILE]",
              summary: "a table, filtered, sorted and limited",
              example: "show plan where cadence == \"weekly\" sort by cover_days limit 10",
              details: """
                  In `where`, bare names are the table's columns (and params). `sort by` takes columns, each
                  optionally followed by desc; missing values sort last. `show plan.order_qty` shows one column.
                  A period table reads across with `pivot COLUMN`: one row per series, its periods as columns,
                  and a sparkline: `show projection pivot closing where sku == "SKU000004"`.
                  `to FILE` writes the result alone to a file (csv, json, md by its extension, else the mode);
                  so do `compare … to FILE`, `flags to FILE` and `checks to FILE`.
                  """),
        Topic(names: ["set"], syntax: "set PARAM = VALUE | set TABLE.COLUMN[KEY] = VALUE | set TABLE.COLUMN = EXPR [where COND] | set asof = DATE",
              summary: "change a param, a data cell or the as-of date; prints what changed",
              example: "set service_level = 98%",
              details: """
                  Params take typed values (98%, 21 days, 2024-12-31). Cells of keyed source tables are set by key:
                  set items.moq["SKU00012"] = 500. A whole source column, or the rows a condition picks, takes an
                  expression of each row's current values, as one edit (one undo):
                  set items.lead_time_days = lead_time_days * 1.2 where supplier == "Acme".
                  A percentage param refuses a plain number above 1 (98 is not 98%; write 98% or 0.98).
                  `set asof = latest` follows the data again. The plan is
                  recomputed incrementally; the changed cells are listed with old → new and the delta, the
                  largest moves first, then flags raised and cleared and how many cells were recomputed.
                  """),
        Topic(names: ["undo"], syntax: "undo", summary: "take back the last edit of this scenario", example: "undo",
              details: "Edits are set, formula definitions and their undo/redo; each scenario has its own history (a new fork starts with none)."),
        Topic(names: ["redo"], syntax: "redo", summary: "apply the last undone edit again", example: "redo", details: ""),
        Topic(names: ["changes"], syntax: "changes", summary: "every cell the last edit changed", example: "changes",
              details: "After an edit only the largest moves of each column are listed; `changes` lists all."),
        Topic(names: ["scenario", "scenarios"], syntax: "scenario NAME | scenarios",
              summary: "fork the current state as a named scenario (and switch to it); list scenarios",
              example: "scenario high_service",
              details: "The first scenario is `base`. Edits apply to the current scenario only; the prompt names it."),
        Topic(names: ["use"], syntax: "use NAME", summary: "switch to another scenario", example: "use base", details: ""),
        Topic(names: ["compare"], syntax: "compare A B on TABLE.COLUMN | on TABLE.COLUMN, COLUMN ... | on TABLE [to FILE]",
              summary: "two scenarios side by side: the rows that differ, the delta and the totals",
              example: "compare base high_service on plan.order_qty",
              details: "Several columns of one table, or all of them (`on plan`): a line per column with its totals, then the rows that differ with each column's delta."),
        Topic(names: ["explain"], syntax: "explain TABLE.COLUMN[KEY] [depth N]",
              summary: "why a cell has its value: formula, inputs (recursively), window days",
              example: "explain plan.order_qty[\"SKU000012\"] depth 3",
              details: """
                  Inputs are shown to depth 2 unless `depth N` says otherwise. Missing values show their reason.
                  A window aggregate shows its days as a sparkline of the daily totals; `·` marks a day without
                  rows, which counts as 0.
                  """),
        Topic(names: ["record"], syntax: "record \"NAME\" TABLE.COLUMN[KEY], ... [to FILE]",
              summary: "write a test from the current values: the cells become expects, the rows they read fixtures",
              example: "record \"SKU000012 order\" plan.order_qty[\"SKU000012\"] to plan.test.velo",
              details: """
                  The rows of every source table that match the cells' keys become `given` fixtures (dated rows
                  only within the reach of the plan's windows); the scenario's params and the as-of date are set.
                  Without `to FILE` the test is printed; with it, appended to FILE for `velo test`.
                  """),
        Topic(names: ["define"], syntax: "TABLE.COLUMN = FORMULA", summary: "define or redefine a formula column",
              example: "plan.extra = order_qty * 1.1",
              details: "The formula is checked like a rule file's; the plan is recomputed. `undo` takes it back."),
        Topic(names: ["load"], syntax: "load FILE", summary: "open another rule file (a fresh start)",
              example: "load Examples/replenishment/plan.velo", details: ""),
        Topic(names: ["reload"], syntax: "reload", summary: "read the rule file and its data again, keeping your edits",
              example: "reload", details: "A reload that fails changes nothing and says why."),
        Topic(names: ["flags"], syntax: "flags [to FILE]", summary: "the flags raised", example: "flags",
              details: "In csv or json mode each key is a column of its own, and no flag is an empty table with its header."),
        Topic(names: ["checks"], syntax: "checks [to FILE]", summary: "every check, and the rows where it fails", example: "checks",
              details: "In csv or json mode: the failing rows, each key a column (an empty table with its header when all hold)."),
        Topic(names: ["tables"], syntax: "tables", summary: "tables, their rows and columns", example: "tables", details: ""),
        Topic(names: ["params"], syntax: "params", summary: "params and their values", example: "params", details: ""),
        Topic(names: ["mode"], syntax: "mode table|csv|json|markdown [units]", summary: "how results are printed",
              example: "mode csv", details: "table rounds numbers for people and fits the terminal; csv and json are exact. `mode csv units` heads columns `need (units)`, `mode json units` gives each table a units object."),
        Topic(names: ["timer"], syntax: "timer on|off", summary: "print the time and cells computed after each command",
              example: "timer on", details: ""),
        Topic(names: ["help"], syntax: "help [COMMAND]", summary: "this list, or one command in detail", example: "help set", details: ""),
        Topic(names: ["quit", "exit"], syntax: "quit", summary: "leave (Ctrl-D too)", example: "quit", details: ""),
    ]

    static func text(_ topic: String?) throws(ReplError) -> String {
        guard let topic else {
            var out = "Commands, each with an example (`help COMMAND` for more):\n"
            for t in topics {
                let label = t.names == ["eval"] ? "EXPRESSION" : t.names == ["define"] ? "T.COL = EXPR" : t.names[0]
                out += "  " + label + String(repeating: " ", count: max(1, 14 - label.count)) + t.summary + "\n"
                out += String(repeating: " ", count: 16) + t.example + "\n"
            }
            out += """
                Input continues on the next line while a bracket is open or a line ends in an operator.
                On a terminal: Tab completes commands, names and key values; Up recalls history;
                Ctrl-C abandons the line or the running command; Ctrl-D leaves.
                """
            return out
        }
        let name = topic.trimmingWhitespace()
        guard let t = topics.first(where: { $0.names.contains(name) }) ?? (name.contains("=") || name == "formula" ? topics.first { $0.names == ["define"] } : nil) else {
            let all = topics.flatMap(\.names)
            throw ReplError("no command `\(name)`" + (Suggest.didYouMean(name, in: all).map { ": \($0)" } ?? "") + " (`help` lists them)")
        }
        var out = t.syntax + "\n  " + t.summary + "\n  e.g. " + t.example + "\n"
        if !t.details.isEmpty { out += t.details.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n" }
        return out
    }
}
