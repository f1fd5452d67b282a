// StandardNormal against norm_ppf.json, norm_cdf.json and norm_loss.json (every case, each file's
// tolerance), plus round trips of the inverse functions far outside the oracle's range.
import Foundation
import Testing
import VeloStdlib

@Suite("Normal distribution")
struct NormalDistributionTests {
    // norm_ppf.json: |got − z| ≤ 1e-15·max(1, |z|), or within 8 ulps.
    @Test("ppf matches norm_ppf.json", arguments: Oracle.cases("norm_ppf.json"))
    func ppf(_ c: JSON) {
        let p = c["p"].double, z = c["z"].double
        guard let got = StandardNormal.ppf(p) else {
            Issue.record("ppf(\(p)) returned nil")
            return
        }
        let ok = abs(got - z) <= 1e-15 * max(1, abs(z)) || ulpDistance(got, z) <= 8
        #expect(ok, "ppf(\(p)) = \(got), want \(z) (\(ulpDistance(got, z)) ulps)")
    }

    // norm_ppf.json edges: p = 0, 1 and outside [0, 1]. scipy gives ±inf / NaN; Velo's kernel gives nil
    // (the engine reports an invalid service level).
    @Test("ppf is nil at 0, 1 and outside", arguments: Oracle.cases("norm_ppf.json", "edges"))
    func ppfEdges(_ c: JSON) {
        #expect(StandardNormal.ppf(c["p"].double) == nil)
    }

    @Test func ppfNaNAndSymmetry() {
        #expect(StandardNormal.ppf(.nan) == nil)
        #expect(StandardNormal.ppf(0.5) == 0)
        #expect(StandardNormal.ppf(.leastNonzeroMagnitude) != nil)
        for p in stride(from: 0.001, to: 0.5, by: 0.0137) {
            // 1 − p is exact only for p that are multiples of 2^-53, so compare through Φ.
            let z = StandardNormal.ppf(p)!
            #expect(isClose(StandardNormal.cdf(z), p, rel: 1e-14))
        }
    }

    // norm_cdf.json: relative 1e-14 for |z| ≤ 8, 1e-12 beyond. Values that underflow into the
    // subnormal range (Φ(−38) ≈ 2.9e-316) carry only a few significant bits, so there the test
    // accepts one unit of the subnormal spacing.
    @Test("cdf, sf, pdf match norm_cdf.json", arguments: Oracle.cases("norm_cdf.json"))
    func cdf(_ c: JSON) {
        let z = c["z"].double
        let rel = abs(z) <= 8 ? 1e-14 : 1e-12
        let tiny = Double.leastNonzeroMagnitude
        expectClose(StandardNormal.cdf(z), c["cdf"].double, rel: rel, abs: tiny, "cdf(\(z))")
        expectClose(StandardNormal.sf(z), c["sf"].double, rel: rel, abs: tiny, "sf(\(z))")
        expectClose(StandardNormal.pdf(z), c["pdf"].double, rel: rel, abs: tiny, "pdf(\(z))")
    }

    @Test func cdfLimits() {
        #expect(StandardNormal.cdf(-.infinity) == 0)
        #expect(StandardNormal.cdf(.infinity) == 1)
        #expect(StandardNormal.sf(.infinity) == 0)
        #expect(StandardNormal.pdf(.infinity) == 0)
        #expect(StandardNormal.pdf(-.infinity) == 0)
        #expect(StandardNormal.sf(0) == 0.5)
    }

    // norm_loss.json: G relative 1e-12 for z ≤ 4 and 1e-10 for 4 < z ≤ 10; the same tolerance is
    // applied to the complementary and second-order loss.
    @Test("loss functions match norm_loss.json", arguments: Oracle.cases("norm_loss.json"))
    func loss(_ c: JSON) {
        let z = c["z"].double
        let rel = z <= 4 ? 1e-12 : 1e-10
        expectClose(StandardNormal.loss(z), c["G"].double, rel: rel, "G(\(z))")
        expectClose(StandardNormal.complementaryLoss(z), c["G_bar"].double, rel: rel, "Gbar(\(z))")
        expectClose(StandardNormal.secondOrderLoss(z), c["G2"].double, rel: rel, "G2(\(z))")
    }

    // norm_loss.json inverse_cases: relative 1e-12 in z, absolute 1e-12 near z = 0.
    @Test("lossInverse matches norm_loss.json", arguments: Oracle.cases("norm_loss.json", "inverse_cases"))
    func lossInverse(_ c: JSON) {
        let g = c["G"].double, z = c["z"].double
        expectClose(StandardNormal.lossInverse(g), z, rel: 1e-12, abs: 1e-12, "lossInverse(\(g))")
    }

    @Test func lossInverseEdgesAndRoundTrips() {
        #expect(StandardNormal.lossInverse(0) == nil)
        #expect(StandardNormal.lossInverse(-1) == nil)
        #expect(StandardNormal.lossInverse(.infinity) == nil)
        #expect(StandardNormal.lossInverse(.nan) == nil)
        // Far beyond the oracle: G⁻¹ then G gives g back.
        var g = 1e-300
        while g < 1e6 {
            guard let z = StandardNormal.lossInverse(g) else {
                Issue.record("lossInverse(\(g)) = nil")
                return
            }
            let back = StandardNormal.loss(z)
            // dG/G = −(sf/G)·dz; sf/G ≈ z for large z, so a 1-ulp z moves G by about z²·1e-16.
            let tol = 1e-14 * max(1, z * z)
            #expect(isClose(back, g, rel: tol), "G(G⁻¹(\(g))) = \(back)")
            g *= 7.3
        }
        #expect(StandardNormal.lossInverse(1e300) == -1e300)
    }

    @Test func lossLimits() {
        #expect(StandardNormal.loss(.infinity) == 0)
        #expect(StandardNormal.loss(-.infinity) == .infinity)
        #expect(StandardNormal.loss(0) == 0.3989422804014327)
        #expect(StandardNormal.secondOrderLoss(.infinity) == 0)
        // Deep tail: still positive, still decreasing (the subtractive formula fails here).
        var previous = StandardNormal.loss(8)
        for z in stride(from: 8.5, through: 37.0, by: 0.5) {
            let g = StandardNormal.loss(z)
            #expect(g > 0 && g < previous)
            previous = g
        }
    }

    /// Prints the worst errors seen against the oracles (for the report), and bounds them.
    @Test func worstErrorReport() {
        var worstPPF: UInt64 = 0
        var worstPPFRel = 0.0
        for c in Oracle.cases("norm_ppf.json") {
            let got = StandardNormal.ppf(c["p"].double)!, z = c["z"].double
            worstPPF = max(worstPPF, ulpDistance(got, z))
            worstPPFRel = max(worstPPFRel, relativeError(got, z))
        }
        var worstLoss = (G: 0.0, Gbar: 0.0, G2: 0.0, inverse: 0.0)
        for c in Oracle.cases("norm_loss.json") {
            let z = c["z"].double
            worstLoss.G = max(worstLoss.G, relativeError(StandardNormal.loss(z), c["G"].double))
            worstLoss.Gbar = max(worstLoss.Gbar, relativeError(StandardNormal.complementaryLoss(z), c["G_bar"].double))
            worstLoss.G2 = max(worstLoss.G2, relativeError(StandardNormal.secondOrderLoss(z), c["G2"].double))
        }
        for c in Oracle.cases("norm_loss.json", "inverse_cases") {
            let z = c["z"].double
            let got = StandardNormal.lossInverse(c["G"].double)!
            worstLoss.inverse = max(worstLoss.inverse, abs(got - z) / max(1, abs(z)))
        }
        var worstCDF = 0.0
        for c in Oracle.cases("norm_cdf.json") where abs(c["z"].double) <= 37 {
            let z = c["z"].double
            worstCDF = max(worstCDF, relativeError(StandardNormal.cdf(z), c["cdf"].double),
                           relativeError(StandardNormal.sf(z), c["sf"].double),
                           relativeError(StandardNormal.pdf(z), c["pdf"].double))
        }
        print("""
            [stdlib report] ppf worst \(worstPPF) ulps (relative \(worstPPFRel)); \
            G worst rel \(worstLoss.G), Gbar \(worstLoss.Gbar), G2 \(worstLoss.G2), \
            G⁻¹ worst |dz|/max(1,|z|) \(worstLoss.inverse); cdf/sf/pdf worst rel (|z| ≤ 37) \(worstCDF)
            """)
        #expect(worstPPF <= 8)
        #expect(worstLoss.G <= 1e-13)
    }
}
