// Which rows each derived table has, and the flags and checks on top of the tables.

import VeloSyntax

extension Checker {
    /// `from T [in window]`, or by default the distinct keys of the sources the table
    /// draws from (directly or through other derived tables) that carry all its keys.
    mutating func resolveRows() {
        for (index, decl) in tableDecls.sorted(by: { $0.key < $1.key }) {
            let me = TableRef(index)
            let keys = rowKeys(index)
            var spec: RowsSpec = .single
            if let rows = decl.rows {
                guard !keys.isEmpty else {
                    diagnostics.append(.fromWithoutKeys(decl.name.text, at: rows.span))
                    continue
                }
                guard let from = resolveTable(rows.table) else { continue }
                let source = tables[from.index]
                let available = source.isSource ? Set(source.columns.map(\.name)) : Set(source.keys)
                let absent = keys.filter { !available.contains($0) }
                guard absent.isEmpty else {
                    if unreadable.contains(source.name) { continue }
                    diagnostics.append(.rowsSourceLacksKeys(source.name, table: decl.name.text, missing: absent, at: rows.table.span))
                    continue
                }
                if from == me {
                    diagnostics.append(.rowsFromItself(decl.name.text, at: rows.table.span))
                    continue
                }
                var window: CheckedWindow? = nil
                if let w = rows.window {
                    guard let checked = checkWindow(w, over: from, Scope(context: me, owner: me)) else { continue }
                    if case .asOf = checked.anchor {} else {
                        diagnostics.append(.rowsWindowMustBeLast(at: w.span))
                        continue
                    }
                    window = checked
                }
                spec = .from(from, window: window)
            } else if !keys.isEmpty {
                let candidates = drawnSources(of: me).filter { src in
                    let t = tables[src.index]
                    return keys.allSatisfy { k in t.columns.contains { $0.name == k } }
                }
                guard !candidates.isEmpty else {
                    if tablesWithErrors.contains(me) || !unreadable.isEmpty { continue }
                    diagnostics.append(.cannotInferRows(decl.name.text, keys: keys,
                                                        candidates: tables.filter { t in keys.allSatisfy { k in t.columns.contains { $0.name == k } } && t.name != decl.name.text }.map(\.name),
                                                        at: decl.name.span))
                    continue
                }
                spec = .union(candidates.sorted())
            }
            tables[index].kind = .derived(rows: spec)
        }
        checkRowCycles()
    }

    /// Sources read by a table, directly or through the derived tables it reads.
    func drawnSources(of table: TableRef) -> [TableRef] {
        var seen: Set<TableRef> = [table]
        var work = [table]
        var sources: Set<TableRef> = []
        while let t = work.popLast() {
            for r in reads[t, default: []] where seen.insert(r).inserted {
                if tables[r.index].isSource { sources.insert(r) } else { work.append(r) }
            }
        }
        return Array(sources)
    }

    /// `a from b` and `b from a`: neither has rows to start from. Each table is walked once.
    mutating func checkRowCycles() {
        var next: [Int: Int] = [:]
        for (i, t) in tables.enumerated() {
            if case .derived(.from(let f, _)) = t.kind, !tables[f.index].isSource { next[i] = f.index }
        }
        var walkOf: [Int: Int] = [:]
        for start in next.keys.sorted() where walkOf[start] == nil {
            var path: [Int] = []
            var position: [Int: Int] = [:]
            var cur: Int? = start
            while let c = cur, walkOf[c] == nil {
                walkOf[c] = start
                position[c] = path.count
                path.append(c)
                cur = next[c]
            }
            // Reached a table of this walk again: a cycle.
            if let c = cur, walkOf[c] == start, let i = position[c] {
                let cycle = Array(path[i...])
                diagnostics.append(.rowsCycle((cycle + [c]).map { tables[$0].name }, at: tables[cycle[0]].span))
            }
        }
    }

    mutating func checkFlags() -> [FlagInfo] {
        var flags: [FlagInfo] = []
        var seen: [String: Span] = [:]
        for s in ast.statements {
            guard case .flag(let f) = s else { continue }
            if let first = seen[f.name.text] {
                diagnostics.append(.duplicateDefinition("flag", f.name.text, at: f.name.span, first: first))
                continue
            }
            seen[f.name.text] = f.name.span
            guard let table = resolveTable(f.table) else { continue }
            let scope = Scope(context: table, owner: table)
            let condition = resolve(f.condition, scope)
            var severity = FlagSeverity.warning
            if let s = f.severity {
                guard let v = FlagSeverity(rawValue: s.text) else {
                    diagnostics.append(.unknownSeverity(s.text, at: s.span))
                    continue
                }
                severity = v
            }
            var parts: [MessagePart] = []
            var ok = true
            for p in f.message?.parts ?? [] {
                switch p {
                case .text(let t): parts.append(.text(t))
                case .interpolation(let e, let format):
                    guard let x = resolve(e, scope) else { ok = false; continue }
                    var parsed: ValueFormat? = nil
                    if let format {
                        guard let v = ValueFormat(parsing: format) else {
                            diagnostics.append(.badFormat(format, at: e.span))
                            ok = false
                            continue
                        }
                        guard x.type == .number || x.type.base == .unknown else {
                            diagnostics.append(.formatNeedsNumber(format, x.type, at: e.span))
                            ok = false
                            continue
                        }
                        parsed = v
                    }
                    parts.append(.value(x, format: parsed))
                }
            }
            guard let condition, ok else { continue }
            guard condition.type == .bool || condition.type.base == .unknown else {
                diagnostics.append(.nonBoolean("a flag's condition", condition.type, at: f.condition.span))
                continue
            }
            flags.append(FlagInfo(name: f.name.text, table: table, condition: condition, severity: severity,
                                  message: parts, span: f.name.span))
        }
        return flags
    }

    mutating func checkChecks() -> [CheckInfo] {
        var checks: [CheckInfo] = []
        var seen: [String: Span] = [:]
        for s in ast.statements {
            guard case .check(let c) = s else { continue }
            if let n = c.name {
                if let first = seen[n.text] {
                    diagnostics.append(.duplicateDefinition("check", n.text, at: n.span, first: first))
                    continue
                }
                seen[n.text] = n.span
            }
            guard let table = resolveTable(c.table) else { continue }
            guard let condition = resolve(c.condition, Scope(context: table, owner: table)) else { continue }
            guard condition.type == .bool || condition.type.base == .unknown else {
                diagnostics.append(.nonBoolean("a check", condition.type, at: c.condition.span))
                continue
            }
            let source = file.text(of: c.condition.span)
            checks.append(CheckInfo(name: c.name?.text ?? "\(c.table.text): \(source)", table: table, condition: condition,
                                    source: source, span: c.name?.span ?? c.table.span))
        }
        return checks
    }
}

extension ValueFormat {
    /// `%`, `.1`, `.1%`, `+.1%`, `+`.
    init?(parsing text: String) {
        var s = Substring(text)
        sign = s.first == "+"
        if sign { s.removeFirst() }
        percent = s.last == "%"
        if percent { s.removeLast() }
        decimals = nil
        if s.first == "." {
            s.removeFirst()
            guard let d = Int(s), d >= 0, d <= 12 else { return nil }
            decimals = d
        } else if !s.isEmpty {
            return nil
        }
        if !sign && !percent && decimals == nil { return nil }
    }
}
