// The plan evaluated over its data for the language server, off the message loop.
//
// One worker thread takes the newest job (a newer edit supersedes a job not started yet;
// a job already running finishes, and its values are kept until newer ones arrive) and
// stores per-column summaries that hover and inlay hints read. The engine has no way to
// stop an evaluation half way, so "cancel" means "superseded".

import Foundation
import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSyntax

/// What hover shows about one computed column.
struct LSPColumnSummary: Sendable {
    var rows: Int
    var missing: Int
    /// The commonest reasons a value is missing, with how many rows have each.
    var reasons: [(reason: String, rows: Int)]
    var min: String?
    var median: String?
    var max: String?
    /// The value, for a table with exactly one row.
    var single: String?

    var markdown: String {
        var lines = ["**values** over \(rows) row\(rows == 1 ? "" : "s"): \(rows - missing) present, \(missing) missing"]
        for r in reasons { lines.append("- missing in \(r.rows) row\(r.rows == 1 ? "" : "s"): \(r.reason)") }
        if let min, let median, let max { lines.append("min \(min) · median \(median) · max \(max)") }
        if let single { lines.append("value: `\(single)`") }
        return lines.joined(separator: "\n\n")
    }
}

struct LSPValues: Sendable {
    var generation: Int
    /// "table.column" -> summary.
    var columns: [String: LSPColumnSummary] = [:]
    var rowCounts: [String: Int] = [:]
    /// Why the plan could not be evaluated (unreadable data).
    var error: String?
}

final class LSPEvaluator: @unchecked Sendable {
    struct Job: Sendable {
        var uri: String
        var generation: Int
        var program: CheckedProgram
    }

    private let condition = NSCondition()
    private var pending: Job?
    private var results: [String: LSPValues] = [:]
    private var started = false
    private var stopped = false
    /// Called on the worker thread when values for a document are stored.
    private let onResult: @Sendable (String) -> Void

    init(onResult: @escaping @Sendable (String) -> Void) {
        self.onResult = onResult
    }

    func submit(_ job: Job) {
        condition.lock()
        pending = job
        if !started {
            started = true
            let thread = Thread { [self] in self.work() }
            thread.name = "velo-lsp-evaluate"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    func values(for uri: String) -> LSPValues? {
        condition.lock()
        defer { condition.unlock() }
        return results[uri]
    }

    func forget(_ uri: String) {
        condition.lock()
        results[uri] = nil
        if pending?.uri == uri { pending = nil }
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while pending == nil && !stopped { condition.wait() }
            if stopped { condition.unlock(); return }
            let job = pending!
            pending = nil
            condition.unlock()

            let values = LSPEvaluator.evaluate(job)
            condition.lock()
            // A newer job for the same document may have finished first; keep the newest.
            let newer = (results[job.uri]?.generation ?? -1) > job.generation
            if !newer { results[job.uri] = values }
            condition.unlock()
            if !newer { onResult(job.uri) }
        }
    }

    static func evaluate(_ job: Job) -> LSPValues {
        var out = LSPValues(generation: job.generation)
        let ws: Workspace
        do {
            ws = try Workspace.open(job.program, options: WorkspaceOptions())
        } catch {
            out.error = error.message
            return out
        }
        let program = job.program
        for (t, table) in program.tables.enumerated() {
            let ref = TableRef(t)
            let rows = ws.rowCount(ref)
            out.rowCounts[table.name] = rows
            for c in table.columns.indices {
                let column = ws.column(ColumnRef(ref, c))
                out.columns[table.name + "." + table.columns[c].name] = summarize(column, rows: rows)
            }
        }
        return out
    }

    static func summarize(_ column: ResultColumn, rows: Int) -> LSPColumnSummary {
        var missing = 0
        var reasons: [String: Int] = [:]
        var numbers: [Double] = []
        var dates: [Int32] = []
        for r in 0..<rows {
            switch ValueText.cell(column, r) {
            case .missing(let reason):
                missing += 1
                reasons[reason.map(ResultText.reason) ?? "no value", default: 0] += 1
            case .number(let x): numbers.append(x)
            case .date(let d): dates.append(d)
            default: break
            }
        }
        var s = LSPColumnSummary(rows: rows, missing: missing,
                                 reasons: reasons.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3).map { (reason: $0.key, rows: $0.value) })
        if !numbers.isEmpty {
            numbers.sort()
            let show = { (x: Double) in ValueText.show(CellValue.number(x)) }
            s.min = show(numbers[0]); s.median = show(median(numbers)); s.max = show(numbers[numbers.count - 1])
        } else if !dates.isEmpty {
            dates.sort()
            s.min = CivilDate(day: dates[0]).iso; s.median = CivilDate(day: dates[(dates.count - 1) / 2]).iso
            s.max = CivilDate(day: dates[dates.count - 1]).iso
        }
        if rows == 1 { s.single = ValueText.show(ValueText.cell(column, 0)) }
        return s
    }

    static func median(_ sorted: [Double]) -> Double {
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
