// Number parsing from bytes must give exactly what `Double(String)` gives (correct
// rounding, including the slow path), and must accept and reject the same grammar.

import Testing
@testable import VeloData

@Suite struct NumberParsingTests {
    static let tricky: [String] = [
        "0", "-0", "+0", "0.0", "-0.0", "00", "007", "0e0", "-0e-5", "0e99999999999",
        "1", "-1", "+1", "12", "123456789", "0.1", "0.2", "0.3", "-0.1", ".5", "5.", "-.5",
        "1.5", "3.14159", "2.718281828459045", "1e0", "1E5", "1e+5", "1e-5", "1.5e3", "-2.5E-3",
        "1e22", "1e23", "1e-22", "1e-23", "9e22", "123e25", "1.7976931348623157e308",
        "4.9e-324", "2e-324", "2.2250738585072014e-308", "2.2250738585072011e-308", "1e-400",
        "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
        "-9007199254740993", "18446744073709551615", "18446744073709551616", "99999999999999999999",
        "1234567890123456789", "12345678901234567890", "0.1234567890123456789",
        "0.30000000000000004", "0.3000000000000000444089209850062616169452667236328125",
        "3.141592653589793238462643383279502884197169399375105820974944592307816406286",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "0.000000000000000000000000000000000000000000001", "100000000000000000000000",
        "7.038531e-26", "8.98846567431158e307", "1448997445238699", "4503599627370497.5",
        "2.5", "3.5", "0.000001", "1000000.000001", "12.50", "-1234.5678", "6.02214076e23",
    ]

    @Test(arguments: tricky)
    func matchesSwiftDouble(_ text: String) throws {
        let expected = try #require(Double(text))
        let bytes = Array(text.utf8)
        let parsed = bytes.withUnsafeBufferPointer { DecimalParser.parse($0.baseAddress!, $0.count) }
        let value = try #require(parsed)
        #expect(value.bitPattern == expected.bitPattern, "\(text): got \(value), expected \(expected)")
    }

    /// Past the largest double, a value is no number (`Double` would give an infinity): data
    /// holding it is an error, never `inf`.
    @Test(arguments: ["1.8e308", "1e400", "-1e999", "1e999999999"])
    func aNumberTooLargeForADoubleIsNone(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { DecimalParser.parse($0.baseAddress!, $0.count) } == nil)
    }

    @Test func aWholeColumnMatchesSwiftDouble() throws {
        let text = "v\n" + NumberParsingTests.tricky.joined(separator: "\n") + "\n"
        let t = try parse(text)
        guard case .number(let values)? = t.column(named: "v")?.data else {
            Issue.record("not a number column")
            return
        }
        for (string, value) in zip(NumberParsingTests.tricky, values) {
            #expect(value.bitPattern == Double(string)?.bitPattern, "\(string)")
        }
    }

    @Test func integersUpTo2To53AreExact() throws {
        var rng = SplitMix(seed: 42)
        var strings: [String] = []
        for _ in 0..<2000 {
            let n = Int64(rng.next() % (1 << 53)) * (rng.next() % 2 == 0 ? 1 : -1)
            strings.append(String(n))
        }
        let t = try parse("v\n" + strings.joined(separator: "\n"))
        guard case .number(let values)? = t.column(named: "v")?.data else { return }
        for (s, v) in zip(strings, values) { #expect(Int64(v) == Int64(s)) }
    }

    @Test func randomDecimalsMatchSwiftDouble() {
        var rng = SplitMix(seed: 1)
        for _ in 0..<20000 {
            let digits = Int(rng.next() % 25) + 1
            var s = rng.next() % 2 == 0 ? "" : "-"
            for k in 0..<digits {
                if k == Int(rng.next() % UInt64(digits)) && !s.contains(".") { s += "." }
                s += String(rng.next() % 10)
            }
            if rng.next() % 3 == 0 { s += "e\(Int(rng.next() % 80) - 40)" }
            let expected = Double(s)
            let parsed = Array(s.utf8).withUnsafeBufferPointer { DecimalParser.parse($0.baseAddress!, $0.count) }
            #expect(parsed?.bitPattern == expected?.bitPattern, "\(s)")
        }
    }

    @Test(arguments: [
        "", "-", "+", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-", "1.2.3", "1..2", "--1", "+-1", "1-", "1+1",
        "inf", "-inf", "Infinity", "nan", "NaN", "0x10", "0x1p3", "1_000", "1,5", "١", " 1", "1 ", "1e5.5", "e",
        "1d", "1f", "12x", "x12",
    ])
    func rejectsNonNumbers(_ text: String) {
        let bytes = Array(text.utf8) + [0]   // the extra byte keeps the pointer valid for ""
        let parsed = bytes.withUnsafeBufferPointer { DecimalParser.parse($0.baseAddress!, $0.count - 1) }
        #expect(parsed == nil, "\(text) is not a number")
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let t = try parse("v\n-0\n-0.0\n0\n")
        guard case .number(let values)? = t.column(named: "v")?.data else { return }
        #expect(values.map { $0.sign } == [.minus, .minus, .plus])
    }

    @Test func powersOfTenAreExact() {
        for e in 0...22 {
            #expect(DecimalParser.powerOfTen(e) == Double("1e\(e)"))
        }
    }
}
