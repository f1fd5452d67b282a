// Loading a dated CSV file of which the caller reads only the recent days (`RowWindow`):
// the window push-down, in bounded memory.
//
// Why it looks like this: a year of sales is read for the last five weeks. The file is read
// in blocks of a fixed size, each parsed on all cores and freed before the next, so the
// whole file is never in memory. A row dated before the window is passed over by the row
// loop as soon as its date is read (ChunkParser's `skipColumn`): its other fields are only
// counted, not stored. Which day the window starts on depends on the latest date, which is
// known only at the end; the date of the file's last row is a lower bound of it (the exact
// latest date of a file written in date order), so rows before *its* window can never be
// read. Rows of an unsorted file that only the true latest date rules out are dropped after
// the last block. Rows without a date are kept (windows skip them themselves).
//
// Where this cannot be done safely the file is loaded whole and the window applied after:
// a pipe, a column whose type is not declared (its type could still change with a later
// value, which would re-read earlier rows), or a quoted field that spans a block boundary.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CSVReader {
    /// The size of a block read at once (tests use small blocks to cut rows and quotes).
    static let windowBlockBytes = 64 << 20

    /// Loads the rows of `path` inside `window` (see the file comment); the other rows are
    /// left out. Errors are those of `load`, with the same file lines.
    static func load(path: String, options: CSVOptions, window: RowWindow, interner: Interner,
                     blockBytes: Int = windowBlockBytes) throws(DataError) -> DataTable {
        if let table = try loadInBlocks(path: path, options: options, window: window, interner: interner,
                                        blockBytes: max(blockBytes, 1)) {
            return table
        }
        var whole = options
        whole.window = nil
        return keeping(window, of: [try load(path: path, options: whole, interner: interner)])
    }

    /// Block by block; nil when the file must be loaded whole (see the file comment).
    private static func loadInBlocks(path: String, options: CSVOptions, window: RowWindow, interner: Interner,
                                     blockBytes: Int) throws(DataError) -> DataTable? {
        guard let file = try FileBytes.openRegular(path: path) else { return nil }
        defer { close(file.fd) }
        let size = file.size
        let head = try FileBytes.read(fd: file.fd, from: 0, count: min(size, max(blockBytes, 1 << 16)), path: path)
        guard let header = try CSVHeader.read(base: head.base, count: head.count, isWholeInput: head.count == size, path: path)
        else { return nil }
        head.release()
        var layout = initialLayout(path: path, names: header.names, options: options)
        guard let dc = layout.names.firstIndex(of: window.column), layout.kinds[dc] == .date,
              layout.enforced.allSatisfy({ $0 }) else { return nil }
        layout.skipColumn = dc
        if window.asOf != nil {
            layout.skipBefore = window.firstDay(latest: 0)
        } else if let last = lastRowDate(fd: file.fd, size: size, column: dc, columnCount: layout.names.count) {
            layout.skipBefore = window.firstDay(latest: last)
        }
        var parts: [DataTable] = []
        var at = header.dataStart
        while at < size {
            let bytes = try FileBytes.read(fd: file.fd, from: at, count: min(blockBytes, size - at), path: path)
            let isLast = at + bytes.count >= size || bytes.count < min(blockBytes, size - at)
            var cut = bytes.count
            if !isLast {
                // Whole records only: up to the last line feed outside quoted fields.
                cut = completeRecordsEnd(bytes.base, from: 0, count: bytes.count)
                guard cut > 0 else { return nil }
            }
            let (boxes, kinds) = try parseSettled(bytes.base, count: cut, dataStart: 0, layout: layout, path: path,
                                                  fileOffset: at)
            parts.append(TableAssembly.build(boxes, kinds: kinds, layout: layout, interner: interner,
                                             byteLength: at + cut))
            bytes.release()
            at += cut
            if isLast { break }
        }
        if parts.isEmpty {
            let kinds = layout.kinds.map { $0 == .unknown ? ColumnKind.text : $0 }
            parts.append(TableAssembly.build([], kinds: kinds, layout: layout, interner: interner, byteLength: at))
        }
        return keeping(window, of: parts)
    }

    /// The date in column `column` of the file's last row, when it is plain to read there
    /// (a complete, unquoted row of `columnCount` fields); nil otherwise.
    private static func lastRowDate(fd: Int32, size: Int, column: Int, columnCount: Int) -> Int32? {
        let tail = min(size, 1 << 16)
        guard let bytes = try? FileBytes.read(fd: fd, from: size - tail, count: tail, path: "") else { return nil }
        defer { bytes.release() }
        var end = bytes.count
        while end > 0 && (bytes.base[end - 1] == ASCII.lf || bytes.base[end - 1] == ASCII.cr) { end -= 1 }
        var start = end
        while start > 0 && bytes.base[start - 1] != ASCII.lf { start -= 1 }
        guard start > 0 || tail == size, start < end else { return nil }
        // The row's fields, as the row loop reads them; a quote makes the row unplain.
        guard memchr(bytes.base + start, Int32(ASCII.quote), end - start) == nil else { return nil }
        let tokenizer = CSVTokenizer(base: bytes.base, end: end)
        var scratch = ScratchBuffer()
        defer { scratch.deallocate() }
        var fields: [FieldToken] = []
        var q = start
        while true {
            guard let f = try? tokenizer.field(at: &q, scratch: &scratch) else { return nil }
            fields.append(f)
            if !tokenizer.passTerminator(&q) { break }
        }
        guard fields.count == columnCount else { return nil }
        let (p, n) = FieldValue.trimmed(fields[column].start, fields[column].count)
        guard case .day(let day) = CivilDate.readISO(p, n) else { return nil }
        return day
    }

    /// The rows of `parts` (tables of the same columns, in file order) inside `window` by the
    /// latest date among them, as one table.
    public static func keeping(_ window: RowWindow, of parts: [DataTable]) -> DataTable {
        let last = parts[parts.count - 1]
        guard let dc = last.columns.firstIndex(where: { $0.name == window.column && $0.type == .date }) else {
            return parts.count == 1 ? last : parts.dropFirst().reduce(parts[0]) { $0.appending($1) }
        }
        var latest = Int32.min
        for part in parts {
            guard case .date(let dates) = part.columns[dc].data else { continue }
            for d in dates where d > latest { latest = d }
        }
        let first = window.firstDay(latest: latest)
        let kept: [[Int32]] = parts.map { part in
            guard case .date(let dates) = part.columns[dc].data else { return [] }
            var rows: [Int32] = []
            for (r, d) in dates.enumerated() where d >= first || d == ColumnData.missingDate { rows.append(Int32(r)) }
            return rows
        }
        if parts.count == 1 && kept[0].count == last.rowCount { return last }
        let total = kept.reduce(0) { $0 + $1.count }
        var columns: [Column] = []
        for c in last.columns.indices {
            func gather<T>(_ values: (DataTable) -> [T]) -> [T] {
                var out: [T] = []
                out.reserveCapacity(total + total / 16 + 16)   // room for appended days, as a load leaves
                for (part, rows) in zip(parts, kept) {
                    let v = values(part)
                    for r in rows { out.append(v[Int(r)]) }
                }
                return out
            }
            let data: ColumnData
            switch last.columns[c].data {
            case .number: data = .number(gather { if case .number(let v) = $0.columns[c].data { return v }; return [] })
            case .text: data = .text(gather { if case .text(let v) = $0.columns[c].data { return v }; return [] })
            case .date: data = .date(gather { if case .date(let v) = $0.columns[c].data { return v }; return [] })
            case .bool: data = .bool(gather { if case .bool(let v) = $0.columns[c].data { return v }; return [] })
            }
            columns.append(Column(name: last.columns[c].name, data: data))
        }
        return DataTable(path: last.path, columns: columns, rowCount: total, byteLength: last.byteLength)
    }
}
