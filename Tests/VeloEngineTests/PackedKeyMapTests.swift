// The open-addressing map behind group and alignment lookups must behave as a dictionary:
// random inserts, overwrites and removals (which move probe runs back) against `[Int64: Int32]`.

import Testing
@testable import VeloEngine

@Suite struct PackedKeyMapTests {
    @Test(arguments: [1, 7, 1_000, 50_000])
    func behavesAsADictionary(keySpace: Int) {
        var state: UInt64 = 0x1234_5678 &+ UInt64(keySpace)
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var map = PackedKeyMap()
        var reference: [Int64: Int32] = [:]
        for step in 0..<20_000 {
            // Keys spread over a range, and packed pairs (high bits set) as TupleMap makes them.
            let key = next(2) == 0 ? Int64(next(keySpace)) : TupleMap.pack(Int32(next(keySpace)), Int32(next(3)))
            switch next(4) {
            case 0:
                map[key] = nil
                reference[key] = nil
            default:
                map[key] = Int32(step)
                reference[key] = Int32(step)
            }
            if step % 997 == 0 {
                #expect(map.count == reference.count)
                for (k, v) in reference { #expect(map[k] == v) }
            }
        }
        #expect(map.count == reference.count)
        for (k, v) in reference { #expect(map[k] == v) }
        for k in 0..<Int64(min(keySpace, 2_000)) where reference[k] == nil { #expect(map[k] == nil) }
    }

    @Test func tuplesWithAMissingCodeStillWork() {
        var map = TupleMap(width: 2)
        map[[-1, 3]] = 7
        map[[3, -1]] = 8
        map[[3, 1]] = 9
        #expect(map[[-1, 3]] == 7 && map[[3, -1]] == 8 && map[[3, 1]] == 9 && map[[1, 3]] == nil)
    }
}
