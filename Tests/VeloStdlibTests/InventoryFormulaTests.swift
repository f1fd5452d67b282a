// Inventory formulas against eoq_newsvendor.json, safety_stock.json and moq_decision.json: every
// case of every list, at each file's tolerance.
import Testing
import VeloStdlib

@Suite("Inventory formulas")
struct InventoryFormulaTests {
    // MARK: eoq_newsvendor.json (relative 1e-12)

    @Test("EOQ", arguments: Oracle.cases("eoq_newsvendor.json"))
    func eoq(_ c: JSON) {
        let k = c["fixed_cost_per_order"].double, h = c["holding_cost_per_unit_per_year"].double
        let lambda = c["demand_per_year"].double
        let q = Inventory.eoq(fixedCostPerOrder: k, holdingCostPerUnitPerYear: h, demandPerYear: lambda)
        expectClose(q, c["eoq"].double, rel: 1e-12, "eoq")
        expectClose(Inventory.eoqOptimalCost(fixedCostPerOrder: k, holdingCostPerUnitPerYear: h, demandPerYear: lambda),
                    c["annual_cost_at_eoq"].double, rel: 1e-12, "cost at eoq")
        expectClose(Inventory.ordersPerYear(demandPerYear: lambda, orderQuantity: q ?? .nan),
                    c["orders_per_year"].optionalDouble, rel: 1e-12, "orders per year")
        if let q, q > 0 {
            // The cost of an arbitrary Q evaluated at Q* equals the optimal cost.
            expectClose(Inventory.eoqCost(fixedCostPerOrder: k, holdingCostPerUnitPerYear: h, demandPerYear: lambda, orderQuantity: q),
                        c["annual_cost_at_eoq"].double, rel: 1e-12, "eoqCost at Q*")
        }
    }

    @Test("EOQ cost of a given Q", arguments: Oracle.cases("eoq_newsvendor.json", "eoq_cost_cases"))
    func eoqCost(_ c: JSON) {
        let got = Inventory.eoqCost(fixedCostPerOrder: c["fixed_cost_per_order"].double,
                                    holdingCostPerUnitPerYear: c["holding_cost_per_unit_per_year"].double,
                                    demandPerYear: c["demand_per_year"].double, orderQuantity: c["order_quantity"].double)
        expectClose(got, c["annual_cost"].double, rel: 1e-12, "eoqCost")
    }

    @Test("newsvendor, cost form", arguments: Oracle.cases("eoq_newsvendor.json", "newsvendor_cost_cases"))
    func newsvendorCost(_ c: JSON) {
        let co = c["overage_cost"].double, cu = c["underage_cost"].double
        let mu = c["demand_mean"].double, sd = c["demand_sd"].double
        let cr = Inventory.newsvendorCriticalRatio(underageCost: cu, overageCost: co)
        expectClose(cr, c["critical_ratio"].double, rel: 1e-12, "critical ratio")
        expectClose(StandardNormal.ppf(cr!), c["z"].double, rel: 1e-12, abs: 1e-15, "z")
        let q = Inventory.newsvendorQuantity(underageCost: cu, overageCost: co, demandMean: mu, demandSD: sd)
        expectClose(q, c["order_quantity"].double, rel: 1e-12, "Q*")
        expectClose(Inventory.newsvendorOptimalCost(underageCost: cu, overageCost: co, demandSD: sd),
                    c["expected_cost"].double, rel: 1e-12, "optimal cost")
        expectClose(Inventory.newsvendorExpectedCost(quantity: q!, underageCost: cu, overageCost: co, demandMean: mu, demandSD: sd),
                    c["expected_cost"].double, rel: 1e-12, "expected cost at Q*")
    }

    @Test("newsvendor, profit form", arguments: Oracle.cases("eoq_newsvendor.json", "newsvendor_profit_cases"))
    func newsvendorProfit(_ c: JSON) {
        let r = c["price"].double, cost = c["unit_cost"].double, v = c["salvage_value"].double
        let h = c["holding_cost_per_leftover"].double, mu = c["demand_mean"].double, sd = c["demand_sd"].double
        expectClose(Inventory.newsvendorCriticalRatio(price: r, unitCost: cost, salvageValue: v, holdingCostPerLeftover: h),
                    c["critical_ratio"].double, rel: 1e-12, "critical ratio")
        let q = Inventory.newsvendorQuantity(price: r, unitCost: cost, salvageValue: v, holdingCostPerLeftover: h,
                                             demandMean: mu, demandSD: sd)
        expectClose(q, c["order_quantity"].double, rel: 1e-12, "Q*")
        expectClose(Inventory.newsvendorOptimalProfit(price: r, unitCost: cost, salvageValue: v, holdingCostPerLeftover: h,
                                                      demandMean: mu, demandSD: sd),
                    c["expected_profit"].double, rel: 1e-12, "optimal profit")
        expectClose(Inventory.newsvendorExpectedProfit(quantity: q!, price: r, unitCost: cost, salvageValue: v,
                                                       holdingCostPerLeftover: h, demandMean: mu, demandSD: sd),
                    c["expected_profit"].double, rel: 1e-12, "expected profit at Q*")
    }

    @Test func eoqAndNewsvendorEdges() {
        #expect(Inventory.eoq(fixedCostPerOrder: 10, holdingCostPerUnitPerYear: 0, demandPerYear: 100) == nil)
        #expect(Inventory.eoq(fixedCostPerOrder: -1, holdingCostPerUnitPerYear: 1, demandPerYear: 100) == nil)
        #expect(Inventory.eoqCost(fixedCostPerOrder: 1, holdingCostPerUnitPerYear: 1, demandPerYear: 1, orderQuantity: 0) == nil)
        #expect(Inventory.ordersPerYear(demandPerYear: 100, orderQuantity: 0) == nil)
        #expect(Inventory.newsvendorCriticalRatio(underageCost: 0, overageCost: 0) == nil)
        #expect(Inventory.newsvendorQuantity(underageCost: 1, overageCost: 0, demandMean: 10, demandSD: 2) == nil)
        #expect(Inventory.newsvendorQuantity(underageCost: 1, overageCost: 0, demandMean: 10, demandSD: 0) == 10)
        #expect(Inventory.newsvendorQuantity(underageCost: 1, overageCost: 1, demandMean: 10, demandSD: -1) == nil)
        #expect(Inventory.newsvendorCriticalRatio(price: 5, unitCost: 6, salvageValue: 0, holdingCostPerLeftover: 0) == nil)
    }

    // MARK: safety_stock.json (relative 1e-12, absolute 1e-9 where the expected value is 0)

    static func close(_ got: Double?, _ want: Double?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectClose(got, want, rel: 1e-12, abs: 1e-9, what, sourceLocation: sourceLocation)
    }

    @Test("safety stock variants", arguments: Oracle.cases("safety_stock.json"))
    func safetyStock(_ c: JSON) {
        let i = c["inputs"], e = c["expected"], id = c.testDescription
        switch c["variant"].string {
        case "demand_only":
            let sl = i["service_level"].double, d = i["mean_demand_per_day"].double
            let sd = i["sd_demand_per_day"].double, l = i["lead_time_days"].double
            Self.close(Inventory.serviceFactor(serviceLevel: sl), e["z"].double, "\(id) z")
            Self.close(Inventory.leadTimeDemandSD(sdDemand: sd, leadTime: l), e["sd_lead_time_demand"].double, "\(id) sd LT")
            Self.close(Inventory.safetyStock(serviceLevel: sl, sdDemand: sd, leadTime: l), e["safety_stock"].double, "\(id) SS")
            Self.close(Inventory.reorderPoint(serviceLevel: sl, meanDemand: d, sdDemand: sd, leadTime: l),
                       e["reorder_point"].double, "\(id) ROP")
        case "demand_and_lead_time":
            let sl = i["service_level"].double, d = i["mean_demand_per_day"].double
            let sd = i["sd_demand_per_day"].double, l = i["mean_lead_time_days"].double, sdl = i["sd_lead_time_days"].double
            Self.close(Inventory.leadTimeDemandSD(meanDemand: d, sdDemand: sd, meanLeadTime: l, sdLeadTime: sdl),
                       e["sd_lead_time_demand"].double, "\(id) sd LT")
            let ss = Inventory.safetyStock(serviceLevel: sl, meanDemand: d, sdDemand: sd, meanLeadTime: l, sdLeadTime: sdl)
            Self.close(ss, e["safety_stock"].double, "\(id) SS")
            Self.close(Inventory.reorderPoint(serviceLevel: sl, meanDemand: d, sdDemand: sd, meanLeadTime: l, sdLeadTime: sdl),
                       e["reorder_point"].double, "\(id) ROP")
            // The additive shortcut z·sd·√L + z·d·sd_L must not be what we compute (unless sd or sd_L is 0).
            let wrong = c["not_this"]["additive_variant_safety_stock"].double
            if sd > 0 && sdl > 0 { #expect(!isClose(ss, wrong, rel: 1e-6)) }
        case "periodic_review":
            let sl = i["service_level"].double, d = i["mean_demand_per_day"].double, sd = i["sd_demand_per_day"].double
            let r = i["review_period_days"].double, l = i["lead_time_days"].double
            Self.close(Inventory.leadTimeDemandSD(sdDemand: sd, leadTime: r + l), e["sd_protection_period_demand"].double, "\(id) sd R+L")
            Self.close(Inventory.safetyStockPeriodic(serviceLevel: sl, sdDemand: sd, reviewPeriod: r, leadTime: l),
                       e["safety_stock"].double, "\(id) SS")
            let s = Inventory.orderUpToLevel(serviceLevel: sl, meanDemand: d, sdDemand: sd, reviewPeriod: r, leadTime: l)
            Self.close(s, e["order_up_to_level"].double, "\(id) S")
            Self.close(Inventory.replenishmentQuantity(orderUpToLevel: s!, inventoryPosition: i["inventory_position"].double),
                       e["order_quantity"].double, "\(id) order")
        case "periodic_review_lead_time_var":
            let sl = i["service_level"].double, d = i["mean_demand_per_day"].double, sd = i["sd_demand_per_day"].double
            let r = i["review_period_days"].double, l = i["mean_lead_time_days"].double, sdl = i["sd_lead_time_days"].double
            Self.close(Inventory.leadTimeDemandSD(meanDemand: d, sdDemand: sd, meanLeadTime: r + l, sdLeadTime: sdl),
                       e["sd_protection_period_demand"].double, "\(id) sd R+L")
            Self.close(Inventory.safetyStockPeriodic(serviceLevel: sl, meanDemand: d, sdDemand: sd, reviewPeriod: r,
                                                     meanLeadTime: l, sdLeadTime: sdl), e["safety_stock"].double, "\(id) SS")
            Self.close(Inventory.orderUpToLevel(serviceLevel: sl, meanDemand: d, sdDemand: sd, reviewPeriod: r,
                                                meanLeadTime: l, sdLeadTime: sdl), e["order_up_to_level"].double, "\(id) S")
        case "unit_conversion":
            let sl = i["service_level"].double
            Self.close(Inventory.safetyStock(serviceLevel: sl, sdDemand: i["sd_demand_per_day"].double,
                                             leadTime: i["lead_time_days"].double), e["safety_stock"].double, "\(id) days")
            Self.close(Inventory.safetyStock(serviceLevel: sl, sdDemand: i["sd_demand_per_week"].double,
                                             leadTime: i["lead_time_weeks"].double), e["safety_stock_from_weekly"].double, "\(id) weeks")
            // Mixing units gives the documented wrong answer.
            Self.close(Inventory.safetyStock(serviceLevel: sl, sdDemand: i["sd_demand_per_week"].double,
                                             leadTime: i["lead_time_days"].double),
                       e["wrong_if_weekly_sd_with_lead_time_in_days"].double, "\(id) mixed units")
        case "fill_rate_continuous":
            let beta = i["fill_rate"].double, q = i["order_quantity"].double, d = i["mean_demand_per_day"].double
            let sd = i["sd_demand_per_day"].double, l = i["lead_time_days"].double
            let sigma = Inventory.leadTimeDemandSD(sdDemand: sd, leadTime: l)!
            Self.close(sigma, e["sd_lead_time_demand"].double, "\(id) sd LT")
            Self.close((1 - beta) * q / sigma, e["G_target"].double, "\(id) G target")
            let k = Inventory.fillRateSafetyFactor(fillRate: beta, demandPerCycle: q, sdProtectionDemand: sigma)
            Self.close(k, e["k"].double, "\(id) k")
            Self.close(Inventory.safetyStockFillRate(fillRate: beta, orderQuantity: q, sdDemand: sd, leadTime: l),
                       e["safety_stock"].double, "\(id) SS")
            Self.close(Inventory.reorderPointFillRate(fillRate: beta, orderQuantity: q, meanDemand: d, sdDemand: sd, leadTime: l),
                       e["reorder_point"].double, "\(id) ROP")
            Self.close(Inventory.expectedShortage(stock: d * l + k! * sigma, demandMean: d * l, demandSD: sigma),
                       e["expected_units_short_per_cycle"].double, "\(id) units short")
        case "fill_rate_periodic":
            let beta = i["fill_rate"].double, d = i["mean_demand_per_day"].double, sd = i["sd_demand_per_day"].double
            let r = i["review_period_days"].double, l = i["lead_time_days"].double
            let sigma = Inventory.leadTimeDemandSD(sdDemand: sd, leadTime: r + l)!
            Self.close(sigma, e["sd_protection_period_demand"].double, "\(id) sd R+L")
            Self.close((1 - beta) * d * r / sigma, e["G_target"].double, "\(id) G target")
            Self.close(Inventory.fillRateSafetyFactor(fillRate: beta, demandPerCycle: d * r, sdProtectionDemand: sigma),
                       e["k"].double, "\(id) k")
            Self.close(Inventory.safetyStockFillRatePeriodic(fillRate: beta, meanDemand: d, sdDemand: sd, reviewPeriod: r, leadTime: l),
                       e["safety_stock"].double, "\(id) SS")
            Self.close(Inventory.orderUpToLevelFillRate(fillRate: beta, meanDemand: d, sdDemand: sd, reviewPeriod: r, leadTime: l),
                       e["order_up_to_level"].double, "\(id) S")
        case let other:
            Issue.record("unknown safety stock variant \(other)")
        }
    }

    @Test func safetyStockEdges() {
        #expect(Inventory.safetyStock(serviceLevel: 1, sdDemand: 2, leadTime: 3) == nil)
        #expect(Inventory.safetyStock(serviceLevel: 0, sdDemand: 2, leadTime: 3) == nil)
        #expect(Inventory.safetyStock(serviceLevel: 0.9, sdDemand: -2, leadTime: 3) == nil)
        #expect(Inventory.safetyStock(serviceLevel: 0.9, sdDemand: 2, leadTime: -3) == nil)
        #expect(Inventory.safetyStock(serviceLevel: 0.9, sdDemand: 0, leadTime: 3) == 0)
        #expect(Inventory.safetyStockFillRate(fillRate: 1, orderQuantity: 10, sdDemand: 2, leadTime: 3) == nil)
        #expect(Inventory.safetyStockFillRate(fillRate: 0.9, orderQuantity: 0, sdDemand: 2, leadTime: 3) == nil)
        #expect(Inventory.safetyStockFillRate(fillRate: 0.9, orderQuantity: 10, sdDemand: 0, leadTime: 3) == 0)
        #expect(Inventory.fillRateSafetyFactor(fillRate: 0.9, demandPerCycle: 10, sdProtectionDemand: 0) == nil)
        #expect(Inventory.safetyStockPeriodic(serviceLevel: 0.9, sdDemand: 2, reviewPeriod: 7, leadTime: -2) == nil)
        #expect(Inventory.safetyStockFillRatePeriodic(fillRate: 0.9, meanDemand: 5, sdDemand: 2, reviewPeriod: 7, leadTime: -2) == nil)
        #expect(Inventory.replenishmentQuantity(orderUpToLevel: 10, inventoryPosition: 25) == 0)
        #expect(Inventory.expectedShortage(stock: 5, demandMean: 8, demandSD: 0) == 3)
        #expect(Inventory.expectedLeftover(stock: 5, demandMean: 8, demandSD: 0) == 0)
        #expect(Inventory.expectedShortage(stock: 5, demandMean: 8, demandSD: -1) == nil)
    }

    // MARK: moq_decision.json (relative 1e-9 on profits and expectations)

    @Test("deterministic MOQ decision", arguments: Oracle.cases("moq_decision.json"))
    func moqDeterministic(_ c: JSON) {
        let need = c["need_units"].double, moq = c["moq"].double, cost = c["unit_cost"].double
        let s = c["surcharge_per_unit"].double, h = c["holding_cost_per_leftover_unit"].double
        let v = c["salvage_value_per_leftover_unit"].double
        guard let d = Inventory.moqDecision(needUnits: need, moq: moq, unitCost: cost, surchargePerUnit: s,
                                            holdingCostPerLeftoverUnit: h, salvageValuePerLeftoverUnit: v) else {
            Issue.record("moqDecision returned nil")
            return
        }
        expectClose(d.overageCostPerUnit, c["overage_cost_per_unit"].double, rel: 1e-12, "overage")
        expectClose(d.extraCostOrderMOQ, c["extra_cost_order_moq"].double, rel: 1e-12, "extra cost MOQ")
        expectClose(d.extraCostBelowMOQ, c["extra_cost_below_moq"].double, rel: 1e-12, "extra cost below")
        expectClose(d.breakevenSurcharge, c["breakeven_surcharge"].optionalDouble, rel: 1e-12, "breakeven")
        expectClose(Inventory.moqBreakevenSurcharge(needUnits: need, moq: moq, unitCost: cost, holdingCostPerLeftoverUnit: h,
                                                    salvageValuePerLeftoverUnit: v),
                    c["breakeven_surcharge"].optionalDouble, rel: 1e-12, "breakeven (scalar)")
        #expect(d.choice.rawValue == c["decision"].string)
    }

    @Test("stochastic MOQ decision", arguments: Oracle.cases("moq_decision.json", "stochastic_cases"))
    func moqStochastic(_ c: JSON) {
        guard let d = Inventory.moqDecisionStochastic(
            price: c["price"].double, unitCost: c["unit_cost"].double, surchargePerUnit: c["surcharge_per_unit"].double,
            salvageValue: c["salvage_value"].double, holdingCostPerLeftover: c["holding_cost_per_leftover"].double,
            demandMean: c["demand_mean"].double, demandSD: c["demand_sd"].double, moq: c["moq"].double) else {
            Issue.record("moqDecisionStochastic returned nil")
            return
        }
        expectClose(d.unconstrainedOptimum, c["unconstrained_optimum_at_unit_cost"].double, rel: 1e-9, "optimum")
        for (option, key) in [(d.orderMOQ, "order_moq"), (d.belowMOQ, "below_moq")] {
            let e = c[key]
            guard let option else {
                Issue.record("\(key) missing")
                continue
            }
            expectClose(option.quantity, e["quantity"].double, rel: 1e-9, "\(key) quantity")
            expectClose(option.expectedLeftover, e["expected_leftover"].double, rel: 1e-9, "\(key) leftover")
            expectClose(option.expectedShort, e["expected_short"].double, rel: 1e-9, "\(key) short")
            expectClose(option.expectedProfit, e["expected_profit"].double, rel: 1e-9, "\(key) profit")
            if case .bool(let feasible)? = e.optional("feasible") { #expect(option.feasible == feasible) }
        }
        #expect(d.choice.rawValue == c["decision"].string)
    }

    @Test func moqEdges() {
        #expect(Inventory.moqDecision(needUnits: -1, moq: 10, unitCost: 1, surchargePerUnit: 1,
                                      holdingCostPerLeftoverUnit: 0, salvageValuePerLeftoverUnit: 0) == nil)
        let zeroNeed = Inventory.moqDecision(needUnits: 0, moq: 10, unitCost: 1, surchargePerUnit: 1,
                                             holdingCostPerLeftoverUnit: 0, salvageValuePerLeftoverUnit: 0)!
        #expect(zeroNeed.breakevenSurcharge == nil && zeroNeed.choice == .belowMOQ)
        // A tie goes to buying below the MOQ (the smaller commitment): (10 − 5)·1 == 5·1.
        let tie = Inventory.moqDecision(needUnits: 5, moq: 10, unitCost: 1, surchargePerUnit: 1,
                                        holdingCostPerLeftoverUnit: 0, salvageValuePerLeftoverUnit: 0)!
        #expect(tie.choice == .belowMOQ)
        // Surcharged cost above the price: the below-MOQ option does not exist.
        let d = Inventory.moqDecisionStochastic(price: 10, unitCost: 6, surchargePerUnit: 5, salvageValue: 0,
                                                holdingCostPerLeftover: 0, demandMean: 50, demandSD: 10, moq: 100)!
        #expect(d.belowMOQ == nil && d.choice == .orderMOQ)
    }
}
