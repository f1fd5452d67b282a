// Rounding against rounding.json (every case, exact: the reference is exact rational arithmetic and
// our result is k·pack for an integer k, rounded once), plus the nil conventions and decimal rounding.
import Testing
import VeloStdlib

@Suite("Rounding")
struct RoundingTests {
    @Test("roundUpToPack matches rounding.json", arguments: Oracle.cases("rounding.json"))
    func roundUpToPack(_ c: JSON) {
        let got = Rounding.roundUpToPack(c["quantity"].double, casePack: c["case_pack"].double, moq: c["moq"].double)
        #expect(got == c["expected"].double, "\(c.testDescription): got \(String(describing: got))")
        if case .bool(true) = c["fp_noise"] {
            // The snap is what saves the extra case: the unsnapped answer is one pack more.
            #expect(got != c["exact_without_snap"].double)
        }
    }

    @Test func roundUpAndDown() {
        #expect(Rounding.roundUp((0.1 + 0.2) * 120, toMultiple: 12) == 36)
        #expect(Rounding.roundUp(36.0000001, toMultiple: 12) == 48)
        #expect(Rounding.roundUp(-5, toMultiple: 12) == 0)
        #expect(Rounding.roundUp(-5, toMultiple: 12)!.sign == .plus)
        #expect(Rounding.roundUp(-13, toMultiple: 12) == -12)
        #expect(Rounding.roundUp(3.2, toMultiple: 0.5) == 3.5)
        #expect(Rounding.roundDown(0.7 * 60, toMultiple: 6) == 42)
        #expect(Rounding.roundDown(41.99999999999999, toMultiple: 6) == 42)
        #expect(Rounding.roundDown(47.9, toMultiple: 6) == 42)
        #expect(Rounding.roundDown(-1, toMultiple: 6) == -6)
        #expect(Rounding.roundUp(1, toMultiple: 0) == nil)
        #expect(Rounding.roundUp(1, toMultiple: -2) == nil)
        #expect(Rounding.roundUp(.infinity, toMultiple: 2) == nil)
        #expect(Rounding.roundUp(1e308, toMultiple: 1e-10) == nil)
        #expect(Rounding.roundDown(1, toMultiple: .nan) == nil)
        #expect(Rounding.roundUpToPack(5, casePack: 0) == nil)
        #expect(Rounding.roundUpToPack(5, casePack: 6, moq: -1) == nil)
        #expect(Rounding.roundUpToPack(-3, casePack: 6, moq: 50) == 0)
    }

    @Test func decimalRounding() {
        #expect(Rounding.round(2.5, digits: 0) == 3)
        #expect(Rounding.round(-2.5, digits: 0) == -3)
        #expect(Rounding.round(2.675, digits: 2) == 2.68)
        #expect(Rounding.round(-2.675, digits: 2) == -2.68)
        #expect(Rounding.round(1.005, digits: 2) == 1.01)
        #expect(Rounding.round(2.674999, digits: 2) == 2.67)
        #expect(Rounding.round(1234.5678, digits: 1) == 1234.6)
        #expect(Rounding.round(1250, digits: -2) == 1300)
        #expect(Rounding.round(1234, digits: -2) == 1200)
        #expect(Rounding.round(-0.4, digits: 0)!.sign == .plus)
        #expect(Rounding.round(123456789.4, digits: 0) == 123456789)
        #expect(Rounding.round(1e300, digits: 5) == 1e300)
        #expect(Rounding.round(0.1, digits: 23) == nil)
        #expect(Rounding.round(.nan, digits: 2) == nil)
    }
}
