// The shared interner: stable ids across tables, lookups, byte-level interning, and safety
// under concurrent use.

import Dispatch
import Testing
@testable import VeloData

@Suite struct InternerTests {
    @Test func idsAreDenseAndStable() {
        let interner = Interner()
        #expect(interner.intern("a") == 0)
        #expect(interner.intern("b") == 1)
        #expect(interner.intern("a") == 0)
        #expect(interner.intern("") == 2)
        #expect(interner.count == 3)
        #expect(interner.allStrings == ["a", "b", ""])
        #expect(interner.string(1) == "b")
        #expect(interner.string(2) == "")
        #expect(interner.string(-1) == "", "the missing-value id reads as empty")
        #expect(interner.string(99) == "")
    }

    @Test func lookupDoesNotIntern() {
        let interner = Interner()
        #expect(interner.lookup("x") == nil)
        #expect(interner.count == 0)
        let id = interner.intern("x")
        #expect(interner.lookup("x") == id)
    }

    @Test func internBytesMatchesInternString() {
        let interner = Interner()
        let id = interner.intern("SKU000123")
        let again = Array("SKU000123".utf8).withUnsafeBytes { interner.intern(bytes: $0) }
        #expect(again == id)
        let fresh = Array("日本".utf8).withUnsafeBytes { interner.intern(bytes: $0) }
        #expect(interner.string(fresh) == "日本")
        let empty = interner.intern(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(interner.string(empty) == "")
        #expect(interner.intern("") == empty)
    }

    @Test func invalidBytesAreRepaired() {
        let interner = Interner()
        let id = ([0x61, 0xFF] as [UInt8]).withUnsafeBytes { interner.intern(bytes: $0) }
        #expect(interner.string(id) == "a\u{FFFD}")
        #expect(interner.intern("a\u{FFFD}") == id)
    }

    @Test func manyValuesSurviveGrowth() {
        let interner = Interner()
        for i in 0..<50_000 { #expect(interner.intern("value-\(i)") == Int32(i)) }
        for i in stride(from: 0, to: 50_000, by: 997) {
            #expect(interner.lookup("value-\(i)") == Int32(i))
            #expect(interner.string(Int32(i)) == "value-\(i)")
        }
    }

    @Test func sameTextHasTheSameIdInTwoTables() throws {
        let interner = Interner()
        let sales = try CSVReader.load(path: fixture("sales_small.csv"), options: CSVOptions(), interner: interner)
        let items = try CSVReader.load(path: fixture("items_small.csv"), options: CSVOptions(), interner: interner)
        guard case .text(let saleSkus)? = sales.column(named: "sku")?.data,
              case .text(let itemSkus)? = items.column(named: "sku")?.data else {
            Issue.record("sku columns are not text")
            return
        }
        #expect(itemSkus[0] == saleSkus[2], "SKU2")
        #expect(itemSkus[1] == saleSkus[0], "SKU1")
        #expect(interner.string(itemSkus[2]) == "SKU4")
        #expect(interner.lookup("SKU3") == saleSkus[4])
        #expect(items.bools("active") == [true, false, nil])
    }

    @Test func firstSeenOrderAcrossColumns() throws {
        let interner = Interner()
        _ = try parse("a,b\nx,y\ny,z\n", interner: interner)
        #expect((0..<3).map { interner.string(Int32($0)) } == ["x", "y", "z"])
    }

    @Test func concurrentInterningAgrees() {
        let interner = Interner()
        let results = ResultSlots(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var ids: [Int32] = []
            for i in 0..<5000 { ids.append(interner.intern("k\((i * 7 + worker * 13) % 3000)")) }
            results.set(worker, ids)
        }
        #expect(interner.count == 3000)
        for worker in 0..<8 {
            for (i, id) in results.get(worker).enumerated() {
                #expect(interner.string(id) == "k\((i * 7 + worker * 13) % 3000)")
            }
        }
    }

    @Test func concurrentLoadsShareIds() throws {
        let interner = Interner()
        var text = "sku,n\n"
        for i in 0..<20_000 { text += "S\(i % 977),\(i)\n" }
        let bytes = Array(text.utf8)
        let tables = TableSlots(count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            tables.set(i, try? parseBytes(bytes, interner: interner))
        }
        let first = try #require(tables.get(0))
        for i in 1..<4 {
            let other = try #require(tables.get(i))
            #expect(other.texts("sku", interner) == first.texts("sku", interner))
            guard case .text(let a)? = first.column(named: "sku")?.data,
                  case .text(let b)? = other.column(named: "sku")?.data else { return }
            #expect(a == b)
        }
        #expect(interner.count == 977)
    }
}

private final class ResultSlots: @unchecked Sendable {
    private let lock = Lock()
    private var slots: [[Int32]]
    init(count: Int) { slots = Array(repeating: [], count: count) }
    func set(_ i: Int, _ value: [Int32]) { lock.withLock { slots[i] = value } }
    func get(_ i: Int) -> [Int32] { lock.withLock { slots[i] } }
}

private final class TableSlots: @unchecked Sendable {
    private let lock = Lock()
    private var slots: [DataTable?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: DataTable?) { lock.withLock { slots[i] = value } }
    func get(_ i: Int) -> DataTable? { lock.withLock { slots[i] } }
}
