// NumberFormat: the exact (machine) and human forms, table-driven, plus a round-trip check
// of the exact form on random bit patterns.

import Testing
import VeloRender

struct NumberFormatTests {
    @Test(arguments: [
        (120.0, "120"), (-0.0, "0"), (0.0, "0"), (0.1, "0.1"), (-2.5, "-2.5"), (1e-7, "1e-07"),
        (1e21, "1e+21"), (1.2345678901234568e20, "1.2345678901234568e+20"), (1e15, "1000000000000000"),
        (1e16, "1e+16"), (0.0001, "0.0001"), (1e-5, "1e-05"), (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (1.0 / 3, "0.3333333333333333"),
        (Double.infinity, "inf"), (-Double.infinity, "-inf"), (Double.nan, "nan"),
    ])
    func exact(_ x: Double, _ expected: String) {
        #expect(NumberFormat.exact(x) == expected)
    }

    @Test func exactRoundTripsRandomBitPatterns() {
        var rng = SplitMix64(seed: 0x5EED_0F_7E10)
        var checked = 0
        while checked < 10_000 {
            let x = Double(bitPattern: rng.next())
            guard x.isFinite else { continue }
            checked += 1
            let s = NumberFormat.exact(x)
            #expect(Double(s) == x || (x == 0 && Double(s) == 0), "\(x.bitPattern) -> \(s)")
            #expect(!s.hasSuffix(".0"))
        }
    }

    @Test(arguments: [
        (1_234_567.0, nil, "1,234,567"), (-1_234_567.0, nil, "-1,234,567"), (12_345.0, nil, "12,345"),
        (999.0, nil, "999"), (1234.5, nil, "1,234.50"), (-2.5, nil, "-2.50"), (0.5, nil, "0.50"),
        (0.1234, nil, "0.1234"), (0.12345, nil, "0.1235"), (0.00012345, nil, "0.0001235"),
        (1.0 / 3, nil, "0.3333"), (0.999_99, nil, "1.00"), (-0.0, nil, "0"), (0.0, nil, "0"),
        (2.675, 2, "2.68"), (999.995, 2, "1,000.00"), (-0.001, 2, "0.00"), (120.0, 2, "120.00"),
        (3.14159, 0, "3"), (2.5, 0, "3"), (-2.5, 0, "-3"), (0.5, 4, "0.5000"),
        (1e-7, nil, "1e-7"), (1.23456e-7, 2, "1.235e-7"), (1e15, nil, "1e+15"), (1.5e16, nil, "1.5e+16"),
        (999_999_999_999_999.0, nil, "999,999,999,999,999"), (Double.nan, nil, "—"),
        (Double.infinity, nil, "∞"), (-Double.infinity, 2, "-∞"),
    ] as [(Double, Int?, String)])
    func human(_ x: Double, _ decimals: Int?, _ expected: String) {
        #expect(NumberFormat.human(x, decimals: decimals) == expected)
    }

    @Test(arguments: [
        ([1.0, 2, 3], 0), ([1.0, 2.5, 3], 2), ([120.0, 3.25, 0.5], 2), ([0.1234, 5], 2), ([0.1234, 0.5], 4),
        ([0.000123456, 12_345.678], 2), ([0.000123456, 0.5], 7), ([Double.nan, .infinity, 1e-9, 1e20], 0), ([], 0),
    ] as [([Double], Int)])
    func columnDecimals(_ values: [Double], _ expected: Int) {
        #expect(NumberFormat.columnDecimals(values) == expected)
    }

    @Test func groupedCounts() {
        #expect(NumberFormat.grouped(0) == "0")
        #expect(NumberFormat.grouped(999) == "999")
        #expect(NumberFormat.grouped(9_990) == "9,990")
        #expect(NumberFormat.grouped(-1_234_567) == "-1,234,567")
        #expect(NumberFormat.grouped(Int.min) == "-9,223,372,036,854,775,808")
    }
}

/// A small deterministic generator so a failing bit pattern can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
