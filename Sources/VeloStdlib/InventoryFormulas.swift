// Textbook inventory formulas: safety stock and reorder points, order-up-to levels, fill-rate
// targets, EOQ, the newsvendor, the MOQ-versus-surcharge decision, and cover / sell-through.
//
// Conventions (stated once here, repeated in each function's documentation):
// - Time: every rate and duration passed to one call uses the same time unit ("period"): mean and
//   standard deviation of demand per period, lead time and review period in periods. Mixing a weekly
//   standard deviation with a lead time in days silently gives a wrong answer (≈2.6× too much safety
//   stock for 14 days), so the engine converts units before calling.
// - Demand over a lead time L with daily demand N(d, sd) is N(d·L, sd·√L) (independent days); with a
//   random lead time (mean L, sd sd_L) its standard deviation is √(L·sd² + d²·sd_L²) (variance sum,
//   not the over-stated z·sd·√L + z·d·sd_L).
// - Service level is the cycle service level (type 1, probability of no stockout in a cycle) and maps
//   to z = Φ⁻¹(level); fill rate (type 2, share of demand served from stock) maps to k through the
//   inverse loss function. Results are not clamped: a fill-rate target with a large order quantity can
//   ask for negative safety stock, and clamping at zero is a policy for the caller.
// - Money: costs and prices per unit in one currency; EOQ uses yearly demand and yearly holding cost.
// - Undefined results (service level outside (0, 1), negative standard deviations, zero denominators,
//   non-finite inputs) return `nil`.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Inventory-policy formulas (safety stock, reorder point, EOQ, newsvendor, MOQ decision, cover).
public enum Inventory {
    // Fixed-arity finiteness checks (a variadic parameter would allocate an array per call).
    @inline(__always)
    static func allFinite(_ a: Double, _ b: Double) -> Bool { a.isFinite && b.isFinite }
    @inline(__always)
    static func allFinite(_ a: Double, _ b: Double, _ c: Double) -> Bool { a.isFinite && b.isFinite && c.isFinite }
    @inline(__always)
    static func allFinite(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Bool {
        a.isFinite && b.isFinite && c.isFinite && d.isFinite
    }
    @inline(__always)
    static func allFinite(_ a: Double, _ b: Double, _ c: Double, _ d: Double, _ e: Double, _ f: Double) -> Bool {
        a.isFinite && b.isFinite && c.isFinite && d.isFinite && e.isFinite && f.isFinite
    }

    // MARK: Normal demand: expected shortage and leftover

    /// Expected units short, E[(D − stock)⁺], when demand D ~ Normal(`demandMean`, `demandSD`) is served
    /// from `stock` units: σ·G((stock − μ)/σ) with G the standard normal loss function. With σ = 0 it is
    /// max(μ − stock, 0).
    /// - Returns: `nil` when `demandSD < 0` or an argument is not finite.
    public static func expectedShortage(stock: Double, demandMean: Double, demandSD: Double) -> Double? {
        guard demandSD >= 0, allFinite(stock, demandMean, demandSD) else { return nil }
        if demandSD == 0 { return Swift.max(demandMean - stock, 0) }
        return demandSD * StandardNormal.loss((stock - demandMean) / demandSD)
    }

    /// Expected units left over, E[(stock − D)⁺], when demand D ~ Normal(`demandMean`, `demandSD`) is
    /// served from `stock` units: σ·Ḡ(z) = σ·(G(z) + z), z = (stock − μ)/σ, computed as σ·G(−z) so
    /// it does not cancel. With σ = 0 it is max(stock − μ, 0).
    /// - Returns: `nil` when `demandSD < 0` or an argument is not finite.
    public static func expectedLeftover(stock: Double, demandMean: Double, demandSD: Double) -> Double? {
        guard demandSD >= 0, allFinite(stock, demandMean, demandSD) else { return nil }
        if demandSD == 0 { return Swift.max(stock - demandMean, 0) }
        return demandSD * StandardNormal.complementaryLoss((stock - demandMean) / demandSD)
    }

    // MARK: Safety stock, cycle service level (type 1)

    /// Standard deviation of demand over a fixed lead time: sd·√L (independent periods).
    /// - Parameters: `sdDemand` per period (≥ 0); `leadTime` in periods (≥ 0).
    /// - Returns: `nil` when an argument is negative or not finite.
    public static func leadTimeDemandSD(sdDemand: Double, leadTime: Double) -> Double? {
        guard sdDemand >= 0, leadTime >= 0, allFinite(sdDemand, leadTime) else { return nil }
        return sdDemand * leadTime.squareRoot()
    }

    /// Standard deviation of demand over a random lead time: √(L·sd² + d²·sd_L²), where d and sd are
    /// the mean and standard deviation of demand per period and L and sd_L the mean and standard
    /// deviation of the lead time in periods.
    /// - Returns: `nil` when a standard deviation or `meanLeadTime` is negative, or an argument is not finite.
    public static func leadTimeDemandSD(meanDemand: Double, sdDemand: Double, meanLeadTime: Double, sdLeadTime: Double) -> Double? {
        guard sdDemand >= 0, meanLeadTime >= 0, sdLeadTime >= 0,
              allFinite(meanDemand, sdDemand, meanLeadTime, sdLeadTime) else { return nil }
        return (meanLeadTime * sdDemand * sdDemand + meanDemand * meanDemand * sdLeadTime * sdLeadTime).squareRoot()
    }

    /// Service factor z = Φ⁻¹(serviceLevel) for a cycle service level (0.95 → 1.6449).
    /// - Returns: `nil` unless 0 < serviceLevel < 1.
    public static func serviceFactor(serviceLevel: Double) -> Double? {
        StandardNormal.ppf(serviceLevel)
    }

    /// Safety stock for demand variability only (fixed lead time): SS = z·sd·√L, z = Φ⁻¹(serviceLevel).
    /// - Parameters: `serviceLevel` in (0, 1); `sdDemand` per period (≥ 0); `leadTime` in the same
    ///   periods (≥ 0).
    /// - Returns: `nil` when the service level is not in (0, 1) or an argument is invalid.
    public static func safetyStock(serviceLevel: Double, sdDemand: Double, leadTime: Double) -> Double? {
        guard let z = StandardNormal.ppf(serviceLevel),
              let sigma = leadTimeDemandSD(sdDemand: sdDemand, leadTime: leadTime) else { return nil }
        return z * sigma
    }

    /// Safety stock for demand and lead-time variability: SS = z·√(L·sd² + d²·sd_L²).
    /// - Parameters: `serviceLevel` in (0, 1); `meanDemand`, `sdDemand` per period; `meanLeadTime`,
    ///   `sdLeadTime` in periods.
    /// - Returns: `nil` when the service level is not in (0, 1) or an argument is invalid.
    public static func safetyStock(
        serviceLevel: Double, meanDemand: Double, sdDemand: Double, meanLeadTime: Double, sdLeadTime: Double
    ) -> Double? {
        guard let z = StandardNormal.ppf(serviceLevel),
              let sigma = leadTimeDemandSD(meanDemand: meanDemand, sdDemand: sdDemand,
                                           meanLeadTime: meanLeadTime, sdLeadTime: sdLeadTime) else { return nil }
        return z * sigma
    }

    /// Reorder point (continuous review) for demand variability only: ROP = d·L + z·sd·√L.
    /// - Returns: `nil` when the service level is not in (0, 1) or an argument is invalid.
    public static func reorderPoint(serviceLevel: Double, meanDemand: Double, sdDemand: Double, leadTime: Double) -> Double? {
        guard meanDemand.isFinite,
              let ss = safetyStock(serviceLevel: serviceLevel, sdDemand: sdDemand, leadTime: leadTime) else { return nil }
        return meanDemand * leadTime + ss
    }

    /// Reorder point for demand and lead-time variability: ROP = d·L + z·√(L·sd² + d²·sd_L²).
    /// - Returns: `nil` when the service level is not in (0, 1) or an argument is invalid.
    public static func reorderPoint(
        serviceLevel: Double, meanDemand: Double, sdDemand: Double, meanLeadTime: Double, sdLeadTime: Double
    ) -> Double? {
        guard let ss = safetyStock(serviceLevel: serviceLevel, meanDemand: meanDemand, sdDemand: sdDemand,
                                   meanLeadTime: meanLeadTime, sdLeadTime: sdLeadTime) else { return nil }
        return meanDemand * meanLeadTime + ss
    }

    /// Safety stock for periodic review (order every R periods, lead time L): the protection period is
    /// R + L, so SS = z·sd·√(R + L).
    /// - Returns: `nil` when the service level is not in (0, 1) or an argument is invalid.
    public static func safetyStockPeriodic(serviceLevel: Double, sdDemand: Double, reviewPeriod: Double, leadTime: Double) -> Double? {
        guard reviewPeriod >= 0, leadTime >= 0, reviewPeriod.isFinite else { return nil }
        return safetyStock(serviceLevel: serviceLevel, sdDemand: sdDemand, leadTime: reviewPeriod + leadTime)
    }

    /// Safety stock for periodic review with a random lead time: SS = z·√((R + L)·sd² + d²·sd_L²).
    /// - Returns: `nil` when the service level is not in (0, 1) or an argument is invalid.
    public static func safetyStockPeriodic(
        serviceLevel: Double, meanDemand: Double, sdDemand: Double, reviewPeriod: Double,
        meanLeadTime: Double, sdLeadTime: Double
    ) -> Double? {
        guard reviewPeriod >= 0, meanLeadTime >= 0, reviewPeriod.isFinite else { return nil }
        return safetyStock(serviceLevel: serviceLevel, meanDemand: meanDemand, sdDemand: sdDemand,
                           meanLeadTime: reviewPeriod + meanLeadTime, sdLeadTime: sdLeadTime)
    }

    /// Order-up-to level S for periodic review: S = d·(R + L) + z·sd·√(R + L).
    /// - Returns: `nil` when the service level is not in (0, 1) or an argument is invalid.
    public static func orderUpToLevel(
        serviceLevel: Double, meanDemand: Double, sdDemand: Double, reviewPeriod: Double, leadTime: Double
    ) -> Double? {
        guard meanDemand.isFinite,
              let ss = safetyStockPeriodic(serviceLevel: serviceLevel, sdDemand: sdDemand,
                                           reviewPeriod: reviewPeriod, leadTime: leadTime) else { return nil }
        return meanDemand * (reviewPeriod + leadTime) + ss
    }

    /// Order-up-to level for periodic review with a random lead time:
    /// S = d·(R + L) + z·√((R + L)·sd² + d²·sd_L²).
    /// - Returns: `nil` when the service level is not in (0, 1) or an argument is invalid.
    public static func orderUpToLevel(
        serviceLevel: Double, meanDemand: Double, sdDemand: Double, reviewPeriod: Double,
        meanLeadTime: Double, sdLeadTime: Double
    ) -> Double? {
        guard let ss = safetyStockPeriodic(serviceLevel: serviceLevel, meanDemand: meanDemand, sdDemand: sdDemand,
                                           reviewPeriod: reviewPeriod, meanLeadTime: meanLeadTime,
                                           sdLeadTime: sdLeadTime) else { return nil }
        return meanDemand * (reviewPeriod + meanLeadTime) + ss
    }

    /// Quantity to order at a review: max(0, S − IP), where IP (inventory position) = on hand +
    /// on order − backorders. `nil` when an argument is not finite.
    public static func replenishmentQuantity(orderUpToLevel: Double, inventoryPosition: Double) -> Double? {
        guard allFinite(orderUpToLevel, inventoryPosition) else { return nil }
        return Swift.max(0, orderUpToLevel - inventoryPosition)
    }

    // MARK: Fill rate (type 2)

    /// Safety factor k for a fill-rate target: the k with G(k) = (1 − fillRate)·expectedDemandPerCycle/σ,
    /// where σ is the standard deviation of demand over the protection period; then SS = k·σ and the
    /// expected units short per cycle are σ·G(k) = (1 − fillRate)·expectedDemandPerCycle.
    /// For continuous review (s, Q) the demand per cycle is the order quantity Q; for periodic review it
    /// is the demand over one review period, d·R. k may be negative (a large Q already meets the target).
    /// - Returns: `nil` unless 0 < fillRate < 1, demandPerCycle > 0 and σ > 0 (with σ = 0 there is no
    ///   shortage to size k against).
    public static func fillRateSafetyFactor(fillRate: Double, demandPerCycle: Double, sdProtectionDemand: Double) -> Double? {
        guard fillRate > 0, fillRate < 1, demandPerCycle > 0, sdProtectionDemand > 0,
              allFinite(demandPerCycle, sdProtectionDemand) else { return nil }
        return StandardNormal.lossInverse((1 - fillRate) * demandPerCycle / sdProtectionDemand)
    }

    /// Safety stock for a fill-rate target under continuous review with order quantity Q and a fixed
    /// lead time L: σ = sd·√L, G(k) = (1 − fillRate)·Q/σ, SS = k·σ (may be negative; not clamped).
    /// With sd = 0 the safety stock is 0 (no variability to buffer).
    /// - Returns: `nil` unless 0 < fillRate < 1, Q > 0, sd ≥ 0, L ≥ 0, all finite.
    public static func safetyStockFillRate(fillRate: Double, orderQuantity: Double, sdDemand: Double, leadTime: Double) -> Double? {
        guard fillRate > 0, fillRate < 1, orderQuantity > 0, orderQuantity.isFinite,
              let sigma = leadTimeDemandSD(sdDemand: sdDemand, leadTime: leadTime) else { return nil }
        if sigma == 0 { return 0 }
        guard let k = fillRateSafetyFactor(fillRate: fillRate, demandPerCycle: orderQuantity, sdProtectionDemand: sigma)
        else { return nil }
        return k * sigma
    }

    /// Reorder point for a fill-rate target under continuous review: d·L + SS, SS from
    /// `safetyStockFillRate`.
    /// - Returns: `nil` under the same conditions as `safetyStockFillRate`.
    public static func reorderPointFillRate(
        fillRate: Double, orderQuantity: Double, meanDemand: Double, sdDemand: Double, leadTime: Double
    ) -> Double? {
        guard meanDemand.isFinite,
              let ss = safetyStockFillRate(fillRate: fillRate, orderQuantity: orderQuantity,
                                           sdDemand: sdDemand, leadTime: leadTime) else { return nil }
        return meanDemand * leadTime + ss
    }

    /// Safety stock for a fill-rate target under periodic review: σ = sd·√(R + L),
    /// G(k) = (1 − fillRate)·d·R/σ, SS = k·σ (may be negative; not clamped). With sd = 0 it is 0.
    /// - Returns: `nil` unless 0 < fillRate < 1, d·R > 0, sd ≥ 0, L ≥ 0, all finite.
    public static func safetyStockFillRatePeriodic(
        fillRate: Double, meanDemand: Double, sdDemand: Double, reviewPeriod: Double, leadTime: Double
    ) -> Double? {
        guard fillRate > 0, fillRate < 1, reviewPeriod >= 0, leadTime >= 0, allFinite(meanDemand, reviewPeriod),
              let sigma = leadTimeDemandSD(sdDemand: sdDemand, leadTime: reviewPeriod + leadTime) else { return nil }
        if sigma == 0 { return 0 }
        guard let k = fillRateSafetyFactor(fillRate: fillRate, demandPerCycle: meanDemand * reviewPeriod,
                                           sdProtectionDemand: sigma) else { return nil }
        return k * sigma
    }

    /// Order-up-to level for a fill-rate target under periodic review: d·(R + L) + SS, SS from
    /// `safetyStockFillRatePeriodic`.
    /// - Returns: `nil` under the same conditions as `safetyStockFillRatePeriodic`.
    public static func orderUpToLevelFillRate(
        fillRate: Double, meanDemand: Double, sdDemand: Double, reviewPeriod: Double, leadTime: Double
    ) -> Double? {
        guard let ss = safetyStockFillRatePeriodic(fillRate: fillRate, meanDemand: meanDemand, sdDemand: sdDemand,
                                                   reviewPeriod: reviewPeriod, leadTime: leadTime) else { return nil }
        return meanDemand * (reviewPeriod + leadTime) + ss
    }

    // MARK: EOQ

    /// Economic order quantity Q* = √(2·K·λ/h): the order size that balances ordering and holding cost.
    /// - Parameters:
    ///   - fixedCostPerOrder: K, cost per order placed (≥ 0).
    ///   - holdingCostPerUnitPerYear: h = carrying rate × unit cost (> 0).
    ///   - demandPerYear: λ, units per year (≥ 0).
    /// - Returns: 0 when K = 0 or λ = 0; `nil` when h ≤ 0, K < 0, λ < 0 or an argument is not finite.
    public static func eoq(fixedCostPerOrder: Double, holdingCostPerUnitPerYear: Double, demandPerYear: Double) -> Double? {
        guard fixedCostPerOrder >= 0, holdingCostPerUnitPerYear > 0, demandPerYear >= 0,
              allFinite(fixedCostPerOrder, holdingCostPerUnitPerYear, demandPerYear) else { return nil }
        return (2 * fixedCostPerOrder * demandPerYear / holdingCostPerUnitPerYear).squareRoot()
    }

    /// Annual ordering + holding cost at the EOQ: √(2·K·λ·h).
    /// - Returns: `nil` under the same conditions as `eoq`.
    public static func eoqOptimalCost(fixedCostPerOrder: Double, holdingCostPerUnitPerYear: Double, demandPerYear: Double) -> Double? {
        guard fixedCostPerOrder >= 0, holdingCostPerUnitPerYear > 0, demandPerYear >= 0,
              allFinite(fixedCostPerOrder, holdingCostPerUnitPerYear, demandPerYear) else { return nil }
        return (2 * fixedCostPerOrder * demandPerYear * holdingCostPerUnitPerYear).squareRoot()
    }

    /// Annual ordering + holding cost of ordering `orderQuantity` units each time:
    /// K·λ/Q + h·Q/2 (ordering cost plus holding of the average cycle stock Q/2).
    /// - Returns: `nil` when Q ≤ 0, h < 0, K < 0, λ < 0 or an argument is not finite.
    public static func eoqCost(
        fixedCostPerOrder: Double, holdingCostPerUnitPerYear: Double, demandPerYear: Double, orderQuantity: Double
    ) -> Double? {
        guard orderQuantity > 0, fixedCostPerOrder >= 0, holdingCostPerUnitPerYear >= 0, demandPerYear >= 0,
              allFinite(fixedCostPerOrder, holdingCostPerUnitPerYear, demandPerYear, orderQuantity) else { return nil }
        return fixedCostPerOrder * demandPerYear / orderQuantity + holdingCostPerUnitPerYear * orderQuantity / 2
    }

    /// Orders per year λ/Q.
    /// - Returns: `nil` when Q ≤ 0, λ < 0 or an argument is not finite.
    public static func ordersPerYear(demandPerYear: Double, orderQuantity: Double) -> Double? {
        guard orderQuantity > 0, demandPerYear >= 0, allFinite(demandPerYear, orderQuantity) else { return nil }
        return demandPerYear / orderQuantity
    }

    // MARK: Newsvendor

    /// Newsvendor critical ratio (cost form) cu/(cu + co): the optimal probability of not running out.
    /// - Parameters: `underageCost` cu, margin lost per unit short (≥ 0); `overageCost` co, cost per unit
    ///   left over (≥ 0).
    /// - Returns: `nil` when a cost is negative, both are 0, or one is not finite.
    public static func newsvendorCriticalRatio(underageCost: Double, overageCost: Double) -> Double? {
        guard underageCost >= 0, overageCost >= 0, underageCost + overageCost > 0,
              allFinite(underageCost, overageCost) else { return nil }
        return underageCost / (underageCost + overageCost)
    }

    /// Newsvendor critical ratio (profit form): cu = price − unitCost, co = unitCost − salvage + holding,
    /// CR = (price − unitCost)/(price − salvage + holding).
    /// - Returns: `nil` unless price ≥ unitCost, unitCost − salvage + holding ≥ 0, the denominator is
    ///   > 0, and all are finite.
    public static func newsvendorCriticalRatio(
        price: Double, unitCost: Double, salvageValue: Double, holdingCostPerLeftover: Double
    ) -> Double? {
        guard allFinite(price, unitCost, salvageValue, holdingCostPerLeftover) else { return nil }
        return newsvendorCriticalRatio(underageCost: price - unitCost,
                                       overageCost: unitCost - salvageValue + holdingCostPerLeftover)
    }

    /// Optimal newsvendor quantity for N(μ, σ) demand: μ + σ·Φ⁻¹(CR). With σ = 0 it is μ.
    @inline(__always)
    static func newsvendorQuantity(criticalRatio cr: Double, demandMean: Double, demandSD: Double) -> Double? {
        guard demandSD >= 0, allFinite(demandMean, demandSD) else { return nil }
        if demandSD == 0 { return demandMean }
        guard let z = StandardNormal.ppf(cr) else { return nil }
        return demandMean + demandSD * z
    }

    /// Optimal newsvendor order quantity (cost form) for demand ~ Normal(`demandMean`, `demandSD`):
    /// Q* = μ + σ·Φ⁻¹(cu/(cu + co)). Quantities are not clamped at 0. With σ = 0, Q* = μ.
    /// - Returns: `nil` when the critical ratio is undefined, or is 0 or 1 with σ > 0 (Q* = ∓∞), or σ < 0.
    public static func newsvendorQuantity(underageCost: Double, overageCost: Double, demandMean: Double, demandSD: Double) -> Double? {
        guard let cr = newsvendorCriticalRatio(underageCost: underageCost, overageCost: overageCost) else { return nil }
        return newsvendorQuantity(criticalRatio: cr, demandMean: demandMean, demandSD: demandSD)
    }

    /// Optimal newsvendor order quantity (profit form): μ + σ·Φ⁻¹((price − cost)/(price − salvage + holding)).
    /// - Returns: `nil` when the critical ratio is undefined, or is 0 or 1 with σ > 0, or σ < 0.
    public static func newsvendorQuantity(
        price: Double, unitCost: Double, salvageValue: Double, holdingCostPerLeftover: Double,
        demandMean: Double, demandSD: Double
    ) -> Double? {
        guard let cr = newsvendorCriticalRatio(price: price, unitCost: unitCost, salvageValue: salvageValue,
                                               holdingCostPerLeftover: holdingCostPerLeftover) else { return nil }
        return newsvendorQuantity(criticalRatio: cr, demandMean: demandMean, demandSD: demandSD)
    }

    /// Expected overage + underage cost of ordering `quantity` against N(μ, σ) demand:
    /// co·E[leftover] + cu·E[short].
    /// - Returns: `nil` when a cost or σ is negative or an argument is not finite.
    public static func newsvendorExpectedCost(
        quantity: Double, underageCost: Double, overageCost: Double, demandMean: Double, demandSD: Double
    ) -> Double? {
        guard underageCost >= 0, overageCost >= 0, allFinite(underageCost, overageCost),
              let short = expectedShortage(stock: quantity, demandMean: demandMean, demandSD: demandSD),
              let left = expectedLeftover(stock: quantity, demandMean: demandMean, demandSD: demandSD) else { return nil }
        return overageCost * left + underageCost * short
    }

    /// Expected cost at the optimal newsvendor quantity: (co + cu)·φ(Φ⁻¹(CR))·σ.
    /// - Returns: `nil` under the same conditions as `newsvendorQuantity(underageCost:...)`.
    public static func newsvendorOptimalCost(underageCost: Double, overageCost: Double, demandSD: Double) -> Double? {
        guard demandSD >= 0, demandSD.isFinite,
              let cr = newsvendorCriticalRatio(underageCost: underageCost, overageCost: overageCost) else { return nil }
        if demandSD == 0 { return 0 }
        guard let z = StandardNormal.ppf(cr) else { return nil }
        return (underageCost + overageCost) * StandardNormal.pdf(z) * demandSD
    }

    /// Expected profit of ordering `quantity` units at `unitCost` each against N(μ, σ) demand, selling at
    /// `price`, salvaging leftovers at `salvageValue` and paying `holdingCostPerLeftover` on them:
    /// π = (price − cost)·μ − (cost − salvage + holding)·E[leftover] − (price − cost)·E[short].
    /// - Returns: `nil` when σ < 0 or an argument is not finite.
    public static func newsvendorExpectedProfit(
        quantity: Double, price: Double, unitCost: Double, salvageValue: Double, holdingCostPerLeftover: Double,
        demandMean: Double, demandSD: Double
    ) -> Double? {
        guard allFinite(price, unitCost, salvageValue, holdingCostPerLeftover),
              let short = expectedShortage(stock: quantity, demandMean: demandMean, demandSD: demandSD),
              let left = expectedLeftover(stock: quantity, demandMean: demandMean, demandSD: demandSD) else { return nil }
        let margin = price - unitCost
        return margin * demandMean - (unitCost - salvageValue + holdingCostPerLeftover) * left - margin * short
    }

    /// Expected profit at the optimal newsvendor quantity (profit form):
    /// (price − cost)·μ − (price − salvage + holding)·φ(z)·σ, z = Φ⁻¹(CR).
    /// - Returns: `nil` under the same conditions as `newsvendorQuantity(price:...)`.
    public static func newsvendorOptimalProfit(
        price: Double, unitCost: Double, salvageValue: Double, holdingCostPerLeftover: Double,
        demandMean: Double, demandSD: Double
    ) -> Double? {
        guard demandSD >= 0, allFinite(demandMean, demandSD),
              let cr = newsvendorCriticalRatio(price: price, unitCost: unitCost, salvageValue: salvageValue,
                                               holdingCostPerLeftover: holdingCostPerLeftover) else { return nil }
        let margin = price - unitCost
        if demandSD == 0 { return margin * demandMean }
        guard let z = StandardNormal.ppf(cr) else { return nil }
        return margin * demandMean - (price - salvageValue + holdingCostPerLeftover) * StandardNormal.pdf(z) * demandSD
    }

    // MARK: MOQ versus buying below the MOQ with a surcharge

    /// Which way to buy when the supplier's MOQ exceeds the need.
    public enum MOQChoice: String, Sendable, Equatable {
        /// Order the full MOQ and carry (or salvage) the excess.
        case orderMOQ = "moq"
        /// Buy only what is needed and pay the per-unit surcharge for going below the MOQ.
        case belowMOQ = "below_moq"
        /// The need already reaches the MOQ: nothing to decide.
        case notBinding = "not_binding"
    }

    /// Result of the deterministic MOQ decision.
    public struct MOQDecision: Sendable, Equatable {
        /// Cost of one unit bought but not needed: unitCost + holding − salvage.
        public var overageCostPerUnit: Double
        /// Extra cost of ordering the MOQ: (MOQ − need)·overage cost (0 when not binding).
        public var extraCostOrderMOQ: Double
        /// Extra cost of buying only the need below the MOQ: need·surcharge (0 when not binding).
        public var extraCostBelowMOQ: Double
        /// Surcharge per unit at which both options cost the same: (MOQ − need)·overage/need;
        /// `nil` when not binding or need = 0.
        public var breakevenSurcharge: Double?
        /// The cheaper option; ties go to `belowMOQ`, the smaller commitment.
        public var choice: MOQChoice
    }

    /// Deterministic MOQ decision for a known need Q and MOQ M: order M (and carry M − Q extra units at
    /// overage cost o = unitCost + holding − salvage each) or buy Q below the MOQ at `surchargePerUnit`
    /// extra per unit. Chooses `orderMOQ` iff (M − Q)·o < Q·surcharge; `notBinding` when Q ≥ M.
    /// - Returns: `nil` when need, MOQ or surcharge is negative, or an argument is not finite.
    public static func moqDecision(
        needUnits: Double, moq: Double, unitCost: Double, surchargePerUnit: Double,
        holdingCostPerLeftoverUnit: Double, salvageValuePerLeftoverUnit: Double
    ) -> MOQDecision? {
        guard needUnits >= 0, moq >= 0, surchargePerUnit >= 0,
              allFinite(needUnits, moq, unitCost, surchargePerUnit, holdingCostPerLeftoverUnit,
                        salvageValuePerLeftoverUnit) else { return nil }
        let overage = unitCost + holdingCostPerLeftoverUnit - salvageValuePerLeftoverUnit
        guard needUnits < moq else {
            return MOQDecision(overageCostPerUnit: overage, extraCostOrderMOQ: 0, extraCostBelowMOQ: 0,
                               breakevenSurcharge: nil, choice: .notBinding)
        }
        let extraMOQ = (moq - needUnits) * overage
        let extraBelow = needUnits * surchargePerUnit
        return MOQDecision(overageCostPerUnit: overage, extraCostOrderMOQ: extraMOQ, extraCostBelowMOQ: extraBelow,
                           breakevenSurcharge: needUnits > 0 ? extraMOQ / needUnits : nil,
                           choice: extraMOQ < extraBelow ? .orderMOQ : .belowMOQ)
    }

    /// Surcharge per unit at which buying the need below the MOQ costs the same as ordering the MOQ:
    /// (MOQ − need)·(unitCost + holding − salvage)/need. Below it, buying below the MOQ is cheaper.
    /// - Returns: `nil` when need ≥ MOQ (not binding), need ≤ 0, or an argument is not finite.
    public static func moqBreakevenSurcharge(
        needUnits: Double, moq: Double, unitCost: Double,
        holdingCostPerLeftoverUnit: Double, salvageValuePerLeftoverUnit: Double
    ) -> Double? {
        guard needUnits > 0, needUnits < moq, moq.isFinite,
              allFinite(needUnits, unitCost, holdingCostPerLeftoverUnit, salvageValuePerLeftoverUnit) else { return nil }
        return (moq - needUnits) * (unitCost + holdingCostPerLeftoverUnit - salvageValuePerLeftoverUnit) / needUnits
    }

    /// One option of the stochastic MOQ decision, evaluated against N(μ, σ) demand.
    public struct MOQOption: Sendable, Equatable {
        /// Units ordered.
        public var quantity: Double
        /// Cost per unit paid (unit cost, plus the surcharge below the MOQ).
        public var unitCost: Double
        /// Expected units left over, σ·Ḡ(z).
        public var expectedLeftover: Double
        /// Expected units short, σ·G(z).
        public var expectedShort: Double
        /// Expected profit (see `newsvendorExpectedProfit`).
        public var expectedProfit: Double
        /// Whether the option respects its constraint (below-MOQ quantity < MOQ; always true for the MOQ option).
        public var feasible: Bool
    }

    /// Result of the stochastic MOQ decision.
    public struct StochasticMOQDecision: Sendable, Equatable {
        /// Newsvendor optimum at the normal unit cost, ignoring the MOQ.
        public var unconstrainedOptimum: Double
        /// Order max(MOQ, unconstrained optimum) at the normal unit cost.
        public var orderMOQ: MOQOption
        /// Order the newsvendor optimum at the surcharged cost; `nil` when that optimum is undefined
        /// (surcharged cost ≥ price: buying below the MOQ cannot make money).
        public var belowMOQ: MOQOption?
        /// `belowMOQ` iff it is feasible and its expected profit is strictly larger; else `orderMOQ`.
        public var choice: MOQChoice
    }

    /// Stochastic MOQ decision for demand ~ Normal(`demandMean`, `demandSD`) over the selling horizon.
    /// Option "order MOQ": q = max(MOQ, newsvendor optimum at `unitCost`), profit at `unitCost`.
    /// Option "below MOQ": q = μ + σ·Φ⁻¹((price − c − s)/(price − salvage + holding)) bought at
    /// c + s, feasible only if q < MOQ. Profit π(q, u) = (price − u)·μ − (u − salvage + holding)·E[leftover]
    /// − (price − u)·E[short]. The option of not ordering at all is not considered.
    /// - Returns: `nil` when the newsvendor optimum at `unitCost` is undefined (see `newsvendorQuantity`),
    ///   the surcharge or MOQ is negative, σ < 0, or an argument is not finite.
    public static func moqDecisionStochastic(
        price: Double, unitCost: Double, surchargePerUnit: Double, salvageValue: Double,
        holdingCostPerLeftover: Double, demandMean: Double, demandSD: Double, moq: Double
    ) -> StochasticMOQDecision? {
        guard surchargePerUnit >= 0, moq >= 0, allFinite(surchargePerUnit, moq),
              let optimum = newsvendorQuantity(price: price, unitCost: unitCost, salvageValue: salvageValue,
                                               holdingCostPerLeftover: holdingCostPerLeftover,
                                               demandMean: demandMean, demandSD: demandSD) else { return nil }
        func option(_ q: Double, _ cost: Double, feasible: Bool) -> MOQOption? {
            guard let left = expectedLeftover(stock: q, demandMean: demandMean, demandSD: demandSD),
                  let short = expectedShortage(stock: q, demandMean: demandMean, demandSD: demandSD) else { return nil }
            let margin = price - cost
            let profit = margin * demandMean - (cost - salvageValue + holdingCostPerLeftover) * left - margin * short
            return MOQOption(quantity: q, unitCost: cost, expectedLeftover: left, expectedShort: short,
                             expectedProfit: profit, feasible: feasible)
        }
        guard let atMOQ = option(Swift.max(moq, optimum), unitCost, feasible: true) else { return nil }
        let surcharged = unitCost + surchargePerUnit
        var below: MOQOption?
        if let qBelow = newsvendorQuantity(price: price, unitCost: surcharged, salvageValue: salvageValue,
                                           holdingCostPerLeftover: holdingCostPerLeftover,
                                           demandMean: demandMean, demandSD: demandSD) {
            below = option(qBelow, surcharged, feasible: qBelow < moq)
        }
        let choice: MOQChoice
        if let b = below, b.feasible, b.expectedProfit > atMOQ.expectedProfit {
            choice = .belowMOQ
        } else {
            choice = .orderMOQ
        }
        return StochasticMOQDecision(unconstrainedOptimum: optimum, orderMOQ: atMOQ, belowMOQ: below, choice: choice)
    }

    // MARK: Cover and sell-through

    /// Days of cover: on hand / mean daily demand (how many days the stock lasts at the average rate).
    /// 0 on hand gives 0; negative on hand (backorders) gives a negative cover.
    /// - Returns: `nil` when mean daily demand ≤ 0 (stock never runs out at that rate) or an argument is
    ///   not finite.
    public static func daysOfCover(onHand: Double, meanDailyDemand: Double) -> Double? {
        guard meanDailyDemand > 0, allFinite(onHand, meanDailyDemand) else { return nil }
        return onHand / meanDailyDemand
    }

    /// Weeks of cover: on hand / (7 · mean daily demand).
    /// - Returns: `nil` when mean daily demand ≤ 0 or an argument is not finite.
    public static func weeksOfCover(onHand: Double, meanDailyDemand: Double) -> Double? {
        guard meanDailyDemand > 0, allFinite(onHand, meanDailyDemand) else { return nil }
        return onHand / (7 * meanDailyDemand)
    }

    /// Sell-through over a period: units sold / (units sold + ending on hand), a share in [0, 1] for
    /// non-negative inputs (0 when nothing sold, 1 when sold out).
    /// - Returns: `nil` when units sold + ending on hand is 0, or an argument is not finite.
    public static func sellThrough(unitsSold: Double, endingOnHand: Double) -> Double? {
        guard allFinite(unitsSold, endingOnHand) else { return nil }
        let total = unitsSold + endingOnHand
        guard total != 0 else { return nil }
        return unitsSold / total
    }

    /// Forward days of cover: the time, in days from now, at which cumulative forecast demand reaches
    /// `onHand`, with each day's forecast consumed evenly across that day (linear within a day), the
    /// first day being day 0…1. E.g. 25 on hand against 10 per day lasts 2.5 days. Negative forecast
    /// values count as 0. Returns 0 when on hand ≤ 0.
    /// - Returns: `nil` when on hand ≥ the total forecast (the stock outlasts the horizon), or an
    ///   argument is not finite.
    public static func forwardDaysOfCover(onHand: Double, forecastPerDay: UnsafeBufferPointer<Double>) -> Double? {
        guard onHand.isFinite else { return nil }
        var total = 0.0
        for f in forecastPerDay {
            guard f.isFinite else { return nil }
            if f > 0 { total += f }
        }
        if onHand <= 0 { return 0 }
        if onHand >= total { return nil }
        var cumulative = 0.0
        for i in 0..<forecastPerDay.count {
            let f = forecastPerDay[i]
            guard f > 0 else { continue }
            let next = cumulative + f
            if next >= onHand {
                return Double(i) + (onHand - cumulative) / f
            }
            cumulative = next
        }
        return nil // unreachable in exact arithmetic; guards against rounding in the running sum
    }

    /// Forward days of cover over an array forecast; see `forwardDaysOfCover(onHand:forecastPerDay:)`.
    public static func forwardDaysOfCover(onHand: Double, forecastPerDay: [Double]) -> Double? {
        forecastPerDay.withUnsafeBufferPointer { forwardDaysOfCover(onHand: onHand, forecastPerDay: $0) }
    }
}
