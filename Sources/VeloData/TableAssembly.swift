// Running the row parser over a whole input — split across cores when it is large — and
// assembling the chunks into one `DataTable`.
//
// Why split this way: a CSV row boundary cannot be found from the middle of a file in
// general (a quoted field may contain line breaks), but it almost always can. So a large
// input is cut at line feeds into one chunk per core and the chunks are parsed at once. A
// chunk that ends inside a quoted field proves its cut was not a row boundary; everything
// from that chunk on is then re-parsed in one piece. Chunks infer types independently; the
// assembler settles each column's type (differing kinds become text, re-reading the chunks
// that disagree), interns each chunk's distinct text in file order, and copies the buffers
// into the final arrays (one copy, local ids mapped to shared ids on the way).

import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How much parallelism a parse may use.
struct Parallelism: Sendable {
    /// Inputs with fewer data bytes are parsed in one piece.
    var minimumBytes: Int
    /// At most this many chunks.
    var maximumChunks: Int

    static let standard = Parallelism(minimumBytes: 8 << 20, maximumChunks: processorCount())
    static let sequential = Parallelism(minimumBytes: .max, maximumChunks: 1)

    private static func processorCount() -> Int {
        max(1, min(64, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }
}

/// Owns one chunk's parser (and so its buffers) for as long as the chunk is needed.
final class ChunkBox: @unchecked Sendable {
    var parser: ChunkParser
    var failure: ChunkFailure?

    init(_ parser: ChunkParser) { self.parser = parser }

    deinit { parser.deallocate() }

    func run() {
        do throws(ChunkFailure) {
            try parser.run()
        } catch {
            failure = error
        }
    }
}

enum TableAssembly {
    /// Parses the data rows in `base[dataStart..<count]` into chunks, in file order.
    static func parseRows(base: UnsafePointer<UInt8>, count: Int, dataStart: Int, layout: RowLayout,
                          parallelism: Parallelism) throws(DataError) -> [ChunkBox] {
        let cuts = chunkBoundaries(base: base, from: dataStart, to: count, parallelism: parallelism)
        var boxes: [ChunkBox] = []
        for i in 0..<cuts.count - 1 {
            boxes.append(ChunkBox(ChunkParser(base: base, start: cuts[i], end: cuts[i + 1],
                                              isFinal: i == cuts.count - 2, layout: layout)))
        }
        if boxes.count == 1 {
            boxes[0].run()
        } else {
            let shared = boxes
            DispatchQueue.concurrentPerform(iterations: shared.count) { shared[$0].run() }
        }
        for i in boxes.indices {
            switch boxes[i].failure {
            case nil:
                continue
            case .error(let error)?:
                throw error
            case .spill?:
                let rest = ChunkBox(ChunkParser(base: base, start: boxes[i].parser.start, end: count,
                                                isFinal: true, layout: layout))
                rest.run()
                if case .error(let error)? = rest.failure { throw error }
                boxes.removeSubrange(i...)
                boxes.append(rest)
                return boxes
            }
        }
        return boxes
    }

    /// Offsets `dataStart = c0 < c1 < … < cn = count`, each cut just after a line feed.
    private static func chunkBoundaries(base: UnsafePointer<UInt8>, from start: Int, to end: Int,
                                        parallelism: Parallelism) -> [Int] {
        let length = end - start
        guard length >= parallelism.minimumBytes, parallelism.maximumChunks > 1 else { return [start, end] }
        var cuts = [start]
        for k in 1..<parallelism.maximumChunks {
            let target = max(start + length / parallelism.maximumChunks * k, cuts[cuts.count - 1])
            guard target < end, let hit = memchr(base + target, Int32(ASCII.lf), end - target) else { break }
            let cut = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base + 1
            if cut < end && cut > cuts[cuts.count - 1] { cuts.append(cut) }
        }
        cuts.append(end)
        return cuts
    }

    /// The type each column settles on across chunks (a column with no values is text).
    static func settledKinds(_ boxes: [ChunkBox], columnCount: Int) -> [ColumnKind] {
        (0..<columnCount).map { c in
            let kind = boxes.reduce(ColumnKind.unknown) { $0.joined(with: $1.parser.columns.kinds[c]) }
            return kind == .unknown ? .text : kind
        }
    }

    /// Settles each column's type across chunks: reports impossible days in date columns and
    /// re-reads as text the chunks of text columns that read them otherwise. Needs the input.
    static func settle(_ boxes: [ChunkBox], layout: RowLayout) throws(DataError) -> [ColumnKind] {
        let columnCount = layout.names.count
        let kinds = settledKinds(boxes, columnCount: columnCount)
        // The first impossible day of the first date column that has one, as one pass would find.
        for c in 0..<columnCount where kinds[c] == .date {
            for box in boxes {
                if let error = box.parser.pendingDateError(column: c) { throw error }
            }
        }
        for box in boxes {
            for c in 0..<columnCount {
                let own = box.parser.columns.kinds[c]
                guard kinds[c] == .text && own != .text && (own != .unknown || box.parser.columns.sawBlank[c]) else {
                    continue
                }
                do throws(ChunkFailure) {
                    try box.parser.convertToText(c, rows: box.parser.rowCount)
                } catch {
                    if case .error(let e) = error { throw e }   // (a spill cannot happen on rows already read)
                }
            }
        }
        return kinds
    }

    /// Builds the table from settled chunks: interns each chunk's distinct text in file order
    /// and copies the chunks' buffers into the columns. Does not touch the input.
    static func build(_ boxes: [ChunkBox], kinds: [ColumnKind], layout: RowLayout, interner: Interner,
                      byteLength: Int) -> DataTable {
        let columnCount = layout.names.count
        let hasText = kinds.contains(.text)
        let maps: [IDMap] = boxes.map { hasText ? IDMap(interner.internAll($0.parser.dictionary)) : IDMap([]) }
        let rowCount = boxes.reduce(0) { $0 + $1.parser.rowCount }
        let results = ColumnResults(count: columnCount)
        let buildColumn: @Sendable (Int) -> Void = { c in
            let data = columnData(c, kind: kinds[c], boxes: boxes, maps: maps, rowCount: rowCount)
            results.set(c, Column(name: layout.names[c], data: data))
        }
        if rowCount * columnCount >= 1 << 20 && columnCount > 1 {
            DispatchQueue.concurrentPerform(iterations: columnCount, execute: buildColumn)
        } else {
            for c in 0..<columnCount { buildColumn(c) }
        }
        return DataTable(path: layout.path, columns: results.columns, rowCount: rowCount, byteLength: byteLength)
    }

    /// Concatenates column `c` of every chunk into one array of the settled kind.
    private static func columnData(_ c: Int, kind: ColumnKind, boxes: [ChunkBox], maps: [IDMap], rowCount: Int) -> ColumnData {
        func gather<T>(_ type: T.Type, missing: T, copy: (UnsafeMutablePointer<T>, Int) -> Void) -> [T] {
            // A little spare capacity, so rows appended to a growing file later (a new day of
            // sales) are added without copying the whole column.
            [T](unsafeUninitializedCapacity: rowCount + rowCount / 16 + 16) { out, initialized in
                if let start = out.baseAddress {
                    preferHugePages(UnsafeMutableRawPointer(start), bytes: rowCount * MemoryLayout<T>.stride)
                }
                var offset = 0
                for b in boxes.indices {
                    let columns = boxes[b].parser.columns
                    let rows = boxes[b].parser.rowCount
                    guard let target = out.baseAddress?.advanced(by: offset) else { continue }
                    if columns.kinds[c] == kind {
                        copy(target, b)
                    } else {
                        target.initialize(repeating: missing, count: rows)
                    }
                    offset += rows
                }
                initialized = rowCount
            }
        }
        func rows(_ b: Int) -> Int { boxes[b].parser.rowCount }
        switch kind {
        case .number:
            return .number(gather(Double.self, missing: .nan) { $0.initialize(from: boxes[$1].parser.columns.doubles(c), count: rows($1)) })
        case .date:
            return .date(gather(Int32.self, missing: ColumnData.missingDate) { $0.initialize(from: boxes[$1].parser.columns.int32s(c), count: rows($1)) })
        case .bool:
            return .bool(gather(UInt8.self, missing: ColumnData.missingBool) { $0.initialize(from: boxes[$1].parser.columns.bytes(c), count: rows($1)) })
        case .text, .unknown:
            return .text(gather(Int32.self, missing: ColumnData.missingText) { target, b in
                maps[b].translate(boxes[b].parser.columns.int32s(c), count: rows(b), into: target)
            })
        }
    }
}

/// Chunk-local text ids → shared `Interner` ids.
struct IDMap: Sendable {
    let ids: [Int32]
    let isIdentity: Bool

    init(_ ids: [Int32]) {
        self.ids = ids
        isIdentity = ids.indices.allSatisfy { ids[$0] == Int32($0) }
    }

    func translate(_ source: UnsafePointer<Int32>, count: Int, into target: UnsafeMutablePointer<Int32>) {
        if isIdentity {
            target.initialize(from: source, count: count)
            return
        }
        ids.withUnsafeBufferPointer { map in
            for i in 0..<count {
                let id = source[i]
                (target + i).initialize(to: id < 0 ? id : map[Int(id)])
            }
        }
    }
}

/// Collects columns built on several threads.
private final class ColumnResults: @unchecked Sendable {
    private let lock = Lock()
    private var slots: [Column?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ column: Column) { lock.withLock { slots[i] = column } }

    var columns: [Column] { lock.withLock { slots.compactMap { $0 } } }
}
