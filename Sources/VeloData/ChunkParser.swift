// The row loop: turns one byte range of CSV data rows into typed column buffers.
//
// Why it looks like this: this is the hot path of every load. It is a struct over raw
// pointers (no reference counting, no exclusivity checks), reads each byte once, and stores
// each field straight into its column. Types are inferred as it goes: a column takes the kind
// of its first non-empty value, and only if a later value does not fit is that column
// re-read as text from the start of the chunk — so inference costs nothing extra on
// well-typed files. Text is interned into a chunk-local table (no `String` per field); the
// assembler maps local ids to the shared `Interner` afterwards, in file order.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The fixed facts a parse needs about the columns (for types and error messages).
struct RowLayout: Sendable {
    var path: String
    var names: [String]
    var kinds: [ColumnKind]
    var enforced: [Bool]
    /// The field separator.
    var delimiter: UInt8 = ASCII.comma
    /// A dialect file read directly: how each field is rewritten to the plain form (nil: the
    /// field's column is not kept). Empty for a plain file.
    var plans: [ValuePlan?] = []
    var values = DialectValues(CSVDialect())
    /// The window push-down: a row whose date in column `skipColumn` (an enforced date
    /// column; -1: none) is before `skipBefore` is passed over once its date is read — its
    /// other fields are only counted — and not stored.
    var skipColumn = -1
    var skipBefore = Int32.min

    init(path: String, names: [String], kinds: [ColumnKind], enforced: [Bool]) {
        self.path = path
        self.names = names
        self.kinds = kinds
        self.enforced = enforced
    }
}

/// Why a chunk stopped early.
enum ChunkFailure: Error {
    /// A real error in the data.
    case error(DataError)
    /// The chunk's end fell inside a quoted field, so the chunk boundary was not a row
    /// boundary; the caller re-parses from this chunk's start without splitting.
    case spill
}

/// Parses the rows in `base[start..<end]` (absolute offsets in the whole input).
struct ChunkParser {
    let base: UnsafePointer<UInt8>
    let start: Int
    let end: Int
    /// The region runs to the end of the input (an unterminated quote is then a real error).
    let isFinal: Bool
    let rowLimit: Int
    let layout: RowLayout
    let tokenizer: CSVTokenizer
    var columns: ColumnStore
    var dictionary: ByteSliceTable
    var scratch = ScratchBuffer()
    /// The fields of a dialect file are rewritten (`layout.plans`).
    let rewrites: Bool
    /// With `rewrites`, what the row loop does with each field, decided once from its plan:
    /// `skipField` (a column the source does not keep), `storeAsWritten` (text),
    /// `rewriteFirst`, or `rewriteDate` (a date format: the last date is remembered).
    let fieldActions: [UInt8]
    static let skipField: UInt8 = 0, storeAsWritten: UInt8 = 1, rewriteFirst: UInt8 = 2, rewriteDate: UInt8 = 3
    /// Where a rewritten field goes.
    var rewritten: UnsafeMutablePointer<UInt8>
    var rewrittenCapacity = 64
    /// The last date of each column and what it was rewritten to.
    var lastDates: LastDates
    private(set) var rowCount = 0
    /// Where parsing stopped (`end` unless `rowLimit` was reached).
    private(set) var stop: Int
    /// Per column: the row start of the first impossible day (2024-02-30) in an inferred date
    /// column, or -1. Reported only if the column ends up a date column.
    private(set) var impossibleDateRow: [Int]

    init(base: UnsafePointer<UInt8>, start: Int, end: Int, isFinal: Bool, layout: RowLayout, rowLimit: Int = .max) {
        self.base = base
        self.start = start
        self.end = end
        self.isFinal = isFinal
        self.rowLimit = rowLimit
        self.layout = layout
        self.tokenizer = CSVTokenizer(base: base, end: end, delimiter: layout.delimiter)
        rewrites = !layout.plans.isEmpty
        fieldActions = layout.plans.map { plan in
            switch plan {
            case nil: return ChunkParser.skipField
            case .text?: return ChunkParser.storeAsWritten
            case .date(.some, _)?, .guess(.some)?: return ChunkParser.rewriteDate
            default: return ChunkParser.rewriteFirst
            }
        }
        rewritten = .allocate(capacity: rewrittenCapacity)
        lastDates = LastDates(columns: layout.plans.count)
        let rows = min(estimatedRowCount(base + start, length: end - start), rowLimit)
        columns = ColumnStore(kinds: layout.kinds, enforced: layout.enforced, capacity: rows)
        dictionary = ByteSliceTable(expectedCount: 1024)
        stop = start
        impossibleDateRow = Array(repeating: -1, count: layout.names.count)
    }

    func deallocate() {
        columns.deallocate()
        dictionary.deallocate()
        scratch.deallocate()
        rewritten.deallocate()
        lastDates.deallocate()
    }

    // MARK: The row loop

    mutating func run() throws(ChunkFailure) {
        let columnCount = columns.count
        let skipColumn = layout.skipColumn
        var p = start
        tokenizer.skipBlankLines(&p)
        rows: while p < end && rowCount < rowLimit {
            if rowCount == columns.capacity { columns.grow() }
            let rowStart = p
            var c = 0
            while true {
                let field: FieldToken
                do throws(TokenFailure) {
                    field = try tokenizer.field(at: &p, scratch: &scratch)
                } catch {
                    throw failure(error, rowStart: rowStart, column: c)
                }
                if rewrites {
                    let action = fieldActions[c]
                    if action == ChunkParser.storeAsWritten {
                        try store(field, column: c, rowStart: rowStart)
                    } else if action != ChunkParser.skipField,
                              let f = try rewrite(field, column: c, rowStart: rowStart) {
                        try store(f, column: c, rowStart: rowStart)
                    }
                } else {
                    try store(field, column: c, rowStart: rowStart)
                }
                if c == skipColumn {
                    let day = columns.int32s(c)[rowCount]
                    if day < layout.skipBefore && day != ColumnData.missingDate,
                       let next = restOfRow(from: p, fields: columnCount - 1 - c) {
                        p = next
                        tokenizer.skipBlankLines(&p)
                        continue rows
                    }
                }
                if !tokenizer.passTerminator(&p) { break }
                c += 1
                if c == columnCount { throw fieldCountError(rowStart: rowStart) }
            }
            if c != columnCount - 1 { throw fieldCountError(rowStart: rowStart) }
            rowCount += 1
            tokenizer.skipBlankLines(&p)
        }
        stop = p
    }

    /// Past the end of the row whose field ends at `p`, when exactly `fields` more unquoted
    /// fields follow on its line; nil otherwise (a quote, or a field count the row loop
    /// reports as an error).
    @inline(__always)
    private func restOfRow(from p: Int, fields: Int) -> Int? {
        let lineEnd = memchr(base + p, Int32(ASCII.lf), end - p)
            .map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? end
        var count = 0
        var q = p
        let delimiter = tokenizer.delimiter
        while q < lineEnd {
            let b = base[q]
            if b == delimiter { count += 1 } else if b == ASCII.quote { return nil }
            q += 1
        }
        guard count == fields else { return nil }
        return lineEnd < end ? lineEnd + 1 : end
    }

    @inline(__always)
    private mutating func store(_ f: FieldToken, column c: Int, rowStart: Int) throws(ChunkFailure) {
        let row = rowCount
        var kind = columns.kinds[c]
        if kind == .unknown {
            guard try chooseKind(f, column: c, rowStart: rowStart) else { return }
            kind = columns.kinds[c]
        }
        switch kind {
        case .text:
            // The same text as the row before (sorted keys) needs no hashing.
            if columns.lastKey2[c] == f.count
                && ByteCompare.equal(base + Int(truncatingIfNeeded: columns.lastKey[c]), f.start, f.count) {
                columns.int32s(c)[row] = columns.lastValue[c]
                return
            }
            let id = try textID(f.start, f.count, column: c, rowStart: rowStart)
            columns.int32s(c)[row] = id
            if f.start >= base && f.start < base + end {   // in the input, not in the scratch buffer
                columns.lastKey[c] = UInt64(f.start - base)
                columns.lastKey2[c] = f.count
                columns.lastValue[c] = id
            }
        case .number:
            let (p, n) = FieldValue.trimmed(f.start, f.count)
            if n == 0 {
                columns.doubles(c)[row] = .nan
            } else if let value = DecimalParser.parse(p, n) {
                columns.doubles(c)[row] = value
            } else {
                try mismatch(f, column: c, rowStart: rowStart)
            }
        case .date:
            let (p, n) = FieldValue.trimmed(f.start, f.count)
            if n == 0 {
                columns.int32s(c)[row] = ColumnData.missingDate
                return
            }
            // Sorted files repeat dates: compare the 10 bytes with the last date read.
            let key = n == 10 ? ByteHash.load64(p) : 0, key2 = n == 10 ? Int(ByteHash.load16(p + 8)) : -1
            if key == columns.lastKey[c] && key2 == columns.lastKey2[c] {
                columns.int32s(c)[row] = columns.lastValue[c]
                return
            }
            switch CivilDate.readISO(p, n) {
            case .day(let day):
                columns.int32s(c)[row] = day
                columns.lastKey[c] = key
                columns.lastKey2[c] = key2
                columns.lastValue[c] = day
            case .impossible:
                try impossibleDate(f, column: c, rowStart: rowStart)
            case .notADate:
                try mismatch(f, column: c, rowStart: rowStart)
            }
        case .bool:
            let (p, n) = FieldValue.trimmed(f.start, f.count)
            if n == 0 {
                columns.bytes(c)[row] = ColumnData.missingBool
            } else if let value = FieldValue.bool(p, n) {
                columns.bytes(c)[row] = value
            } else {
                try mismatch(f, column: c, rowStart: rowStart)
            }
        case .unknown:
            break
        }
    }

    /// A dialect file's field as the plain form has it (DialectValues); nil when its column is
    /// not kept. Points into the input or into `rewritten`. A column with a date format
    /// (`rewriteDate`) remembers its last date and its rewriting.
    @inline(__always)
    private mutating func rewrite(_ f: FieldToken, column c: Int, rowStart: Int) throws(ChunkFailure) -> FieldToken? {
        let remembers = fieldActions[c] == ChunkParser.rewriteDate && f.count <= LastDates.width
        if remembers, let same = lastDates.rewritten(f, column: c) { return same }
        guard let plan = layout.plans[c] else { return nil }
        if case .text = plan { return f }
        let needed = DialectValues.capacity(for: f.count)
        if needed > rewrittenCapacity {
            rewritten.deallocate()
            rewrittenCapacity = max(needed, rewrittenCapacity * 2)
            rewritten = .allocate(capacity: rewrittenCapacity)
        }
        do throws(ValueRewriteFailure) {
            let n = try layout.values.rewrite(f.start, f.count, plan: plan, into: rewritten)
            if remembers { lastDates.remember(f, column: c, rewritten: n.map { (UnsafePointer(rewritten), $0) }) }
            guard let n else { return f }
            return FieldToken(start: UnsafePointer(rewritten), count: n)
        } catch {
            let found = String(decoding: UnsafeBufferPointer(start: f.start, count: f.count), as: UTF8.self)
            throw .error(DataError(path: layout.path, line: CSVTokenizer.lineNumber(base: base, offset: rowStart),
                                   column: c + 1, columnName: layout.names[c],
                                   message: error.message(column: layout.names[c], found: found), kind: .badValue))
        }
    }

    /// The local id of a text value; -1 for an empty field.
    @inline(__always)
    private mutating func textID(_ p: UnsafePointer<UInt8>, _ n: Int, column c: Int, rowStart: Int) throws(ChunkFailure) -> Int32 {
        if n == 0 { return ColumnData.missingText }
        let hash = ByteHash.hash(p, n)
        let id = dictionary.find(p, n, hash: hash)
        if id >= 0 { return id }
        if let bad = UTF8Check.firstInvalidByte(p, n) {
            throw error(rowStart: rowStart, column: c, message: Messages.invalidUTF8(column: layout.names[c], byte: bad))
        }
        if dictionary.count == Int(Int32.max) {
            throw error(rowStart: rowStart, column: c, message: Messages.tooManyDistinctValues)
        }
        return dictionary.insert(p, n, hash: hash)
    }

    // MARK: Inference

    /// The first non-empty value of a column decides its kind (earlier rows were all missing).
    /// Returns true when `f` is still to be stored under the new kind.
    private mutating func chooseKind(_ f: FieldToken, column c: Int, rowStart: Int) throws(ChunkFailure) -> Bool {
        let (p, n) = FieldValue.trimmed(f.start, f.count)
        if n == 0 {
            if f.count > 0 { columns.sawBlank[c] = true }
            return false
        }
        let kind = FieldValue.classify(p, n)
        if kind == .text && columns.sawBlank[c] {
            try storeAsText(f, column: c, rowStart: rowStart)    // the earlier blanks are text too
            return false
        }
        columns.reset(c, to: kind)
        columns.fillMissing(c, rows: 0..<rowCount)
        return true
    }

    /// A value that does not fit the column's kind: an error if the kind is enforced, else the
    /// column becomes text.
    private mutating func mismatch(_ f: FieldToken, column c: Int, rowStart: Int) throws(ChunkFailure) {
        if columns.enforced[c] { throw typeError(f, column: c, rowStart: rowStart, impossibleDay: false) }
        try storeAsText(f, column: c, rowStart: rowStart)
    }

    /// Re-reads column `c` of the rows so far as text, then stores `f` as text.
    private mutating func storeAsText(_ f: FieldToken, column c: Int, rowStart: Int) throws(ChunkFailure) {
        // `f` may live in the scratch buffer, which the re-read reuses.
        let saved = UnsafeMutablePointer<UInt8>.allocate(capacity: max(f.count, 1))
        defer { saved.deallocate() }
        saved.update(from: f.start, count: f.count)
        try convertToText(c, rows: rowCount)
        columns.int32s(c)[rowCount] = try textID(saved, f.count, column: c, rowStart: rowStart)
    }

    private mutating func impossibleDate(_ f: FieldToken, column c: Int, rowStart: Int) throws(ChunkFailure) {
        if columns.enforced[c] { throw typeError(f, column: c, rowStart: rowStart, impossibleDay: true) }
        if impossibleDateRow[c] < 0 { impossibleDateRow[c] = rowStart }
        columns.int32s(c)[rowCount] = ColumnData.missingDate
    }

    /// Whether number column `c` holds only integers as a key must be written (see
    /// `CSVOptions.keyColumns`). Re-reads the column as text: for a schema sample only.
    mutating func holdsOnlyKeyIntegers(_ c: Int) throws(ChunkFailure) -> Bool {
        try convertToText(c, rows: rowCount)
        let ids = columns.int32s(c)
        for r in 0..<rowCount where ids[r] >= 0 {
            let b = dictionary.bytes(Int(ids[r]))
            let digits = b.first == UInt8(ascii: "-") ? b.dropFirst() : b[...]
            guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  digits.first != 0x30 || digits.count == 1 else { return false }
            let v = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard v < 1 << 30 else { return false }   // the range of integer key codes (VeloEngine.KeyValue)
        }
        return true
    }

    /// Makes column `c` a text column holding the text of its first `rows` rows, re-read from
    /// the input.
    mutating func convertToText(_ c: Int, rows: Int) throws(ChunkFailure) {
        columns.reset(c, to: .text)
        impossibleDateRow[c] = -1
        let ids = columns.int32s(c)
        var p = start
        tokenizer.skipBlankLines(&p)
        for row in 0..<rows {
            let rowStart = p
            var k = 0
            while true {
                let field: FieldToken
                do throws(TokenFailure) {
                    field = try tokenizer.field(at: &p, scratch: &scratch)
                } catch {
                    throw failure(error, rowStart: rowStart, column: k)   // not reached: the rows were read before
                }
                if k == c {
                    var f = field
                    if rewrites, let g = try rewrite(field, column: c, rowStart: rowStart) { f = g }
                    ids[row] = try textID(f.start, f.count, column: c, rowStart: rowStart)
                }
                if !tokenizer.passTerminator(&p) { break }
                k += 1
            }
            tokenizer.skipBlankLines(&p)
        }
    }

    // MARK: Errors

    /// The error for an impossible day found earlier in column `c`, if there was one.
    func pendingDateError(column c: Int) -> DataError? {
        let rowStart = impossibleDateRow[c]
        guard rowStart >= 0 else { return nil }
        let text = fieldText(rowStart: rowStart, column: c)
        return makeError(rowStart: rowStart, column: c,
                         message: Messages.expected(.date, column: layout.names[c], found: text, impossibleDay: true))
    }

    private func typeError(_ f: FieldToken, column c: Int, rowStart: Int, impossibleDay: Bool) -> ChunkFailure {
        // A row with the wrong number of fields is better reported as such.
        let fields = fieldCount(rowStart: rowStart)
        if !fields.complete && !isFinal { return .spill }   // a quote in this row may close beyond the chunk
        if fields.count != columns.count {
            return error(rowStart: rowStart, column: nil, message: Messages.fieldCount(found: fields.count, header: columns.count))
        }
        let found = String(decoding: UnsafeBufferPointer(start: f.start, count: f.count), as: UTF8.self)
        return error(rowStart: rowStart, column: c,
                     message: Messages.expected(columns.kinds[c].type, column: layout.names[c], found: found,
                                                impossibleDay: impossibleDay))
    }

    private func fieldCountError(rowStart: Int) -> ChunkFailure {
        let fields = fieldCount(rowStart: rowStart)
        // A quote opened in this row may close beyond the chunk: only the whole input can tell.
        if !fields.complete && !isFinal { return .spill }
        return error(rowStart: rowStart, column: nil, message: Messages.fieldCount(found: fields.count, header: columns.count))
    }

    private func failure(_ token: TokenFailure, rowStart: Int, column c: Int) -> ChunkFailure {
        switch token {
        case .unterminatedQuote:
            if !isFinal { return .spill }
            return error(rowStart: rowStart, column: c, message: Messages.unterminatedQuote(column: layout.names[c]))
        case .textAfterQuote(let offset):
            return error(rowStart: rowStart, column: c,
                         message: Messages.textAfterQuote(column: layout.names[c], found: tokenizer.strayText(at: offset),
                                                          delimiter: tokenizer.delimiter))
        }
    }

    private func error(rowStart: Int, column c: Int?, message: String) -> ChunkFailure {
        .error(makeError(rowStart: rowStart, column: c, message: message))
    }

    private func makeError(rowStart: Int, column c: Int?, message: String) -> DataError {
        DataError(path: layout.path, line: CSVTokenizer.lineNumber(base: base, offset: rowStart),
                  column: c.map { $0 + 1 }, columnName: c.map { layout.names[$0] }, message: message)
    }

    /// The number of fields in the row at `rowStart`. Text after a closing quote counts as part
    /// of its field; a quote that never closes makes the rest of the input one last field and
    /// `complete` false.
    private func fieldCount(rowStart: Int) -> (count: Int, complete: Bool) {
        var scratch = ScratchBuffer()
        defer { scratch.deallocate() }
        var p = rowStart
        var n = 1
        while true {
            do throws(TokenFailure) {
                _ = try tokenizer.field(at: &p, scratch: &scratch)
            } catch {
                guard case .textAfterQuote(let offset) = error else { return (n, false) }
                p = offset
                _ = try? tokenizer.field(at: &p, scratch: &scratch)   // the rest, as an unquoted field
            }
            if !tokenizer.passTerminator(&p) { return (n, true) }
            n += 1
        }
    }

    /// The content of field `c` of the row at `rowStart`, for messages.
    private func fieldText(rowStart: Int, column c: Int) -> String {
        var scratch = ScratchBuffer()
        defer { scratch.deallocate() }
        var p = rowStart
        var k = 0
        while let f = try? tokenizer.field(at: &p, scratch: &scratch) {
            if k == c { return String(decoding: UnsafeBufferPointer(start: f.start, count: f.count), as: UTF8.self) }
            if !tokenizer.passTerminator(&p) { break }
            k += 1
        }
        return ""
    }
}
