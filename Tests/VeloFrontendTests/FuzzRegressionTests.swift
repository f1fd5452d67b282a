// Every input a fuzzer found a crash with (Tests/Fixtures/fuzz/<target>/crash-*, saved by
// scripts/fuzz.sh) and the hand-written seeds beside them (seed-*), run through the same
// entry points as the fuzzers (FuzzEntryPoints.swift): each must return normally.

import Foundation
import Testing

@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/fuzz")

    struct Input: CustomTestStringConvertible, Sendable {
        var target: String
        var file: String
        var testDescription: String { "\(target)/\(file)" }
    }

    static let inputs: [Input] = FuzzEntryPoints.targets.flatMap { target in
        let dir = fixtures.appendingPathComponent(target).path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return files.filter { $0.hasPrefix("crash-") || $0.hasPrefix("seed-") }.sorted().map { Input(target: target, file: $0) }
    }

    @Test func everyTargetHasFixtures() {
        for target in FuzzEntryPoints.targets {
            #expect(Self.inputs.contains { $0.target == target }, "no fixtures for the \(target) fuzz target")
        }
    }

    @Test(arguments: inputs)
    func runsWithoutCrashing(_ input: Input) throws {
        let url = Self.fixtures.appendingPathComponent(input.target).appendingPathComponent(input.file)
        let data = try [UInt8](Data(contentsOf: url))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("velo-fuzz-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        FuzzEntryPoints.run(input.target, data, scratch: scratch)
    }
}
