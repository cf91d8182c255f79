import Foundation
import Testing
import FuzzTargets

/// The fuzz targets in `make test`: every input that once crashed cnnlab (Regressions/) is
/// answered with a value or a message, and a short seeded mutation run from the seed corpus
/// (Corpus/, written by scripts/make_fuzz_seeds.py) finds no crash. Longer, coverage-guided
/// runs: scripts/fuzz.sh. CNNLAB_FUZZ_SECONDS sets the seeded run's time per target (default 4).
@Suite("Fuzz targets")
struct FuzzTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
    static let secondsPerTarget = ProcessInfo.processInfo.environment["CNNLAB_FUZZ_SECONDS"].flatMap(Double.init) ?? 4

    static func corpus(_ target: FuzzTarget) -> [[UInt8]] { FuzzCorpus.inputs(in: "\(folder)/Corpus/\(target.rawValue)") }
    static func regressions(_ target: FuzzTarget) -> [[UInt8]] {
        FuzzCorpus.inputs(in: "\(folder)/Regressions/\(target.rawValue)")
    }

    @Test("every target has seeds, and its seeds are accepted", arguments: FuzzTarget.allCases)
    func seedsAreValid(target: FuzzTarget) {
        let seeds = Self.corpus(target)
        #expect(!seeds.isEmpty, "scripts/make_fuzz_seeds.py writes Tests/FuzzTests/Corpus/\(target.rawValue)")
        for (index, seed) in seeds.enumerated() {
            #expect(target.run(seed) == .accepted, "seed \(index) of \(target.rawValue)")
        }
    }

    @Test("inputs that crashed cnnlab are refused with a message", arguments: FuzzTarget.allCases)
    func regressionsAreRefused(target: FuzzTarget) {
        for (index, input) in Self.regressions(target).enumerated() {
            let outcome = target.run(input)
            if case .refused(let message) = outcome {
                #expect(!message.isEmpty, "regression \(index) of \(target.rawValue)")
            } else {
                Issue.record("regression \(index) of \(target.rawValue) was accepted: \(outcome)")
            }
        }
    }

    @Test("a seeded mutation run finds no crash, and every refusal says why", arguments: FuzzTarget.allCases)
    func seededRun(target: FuzzTarget) {
        var mutator = SeededMutator(seed: 20261129)
        var refusedSilently = 0, answered = 0
        let executions = mutator.run(target, corpus: Self.corpus(target) + Self.regressions(target),
                                     seconds: Self.secondsPerTarget, after: { outcome in
            answered += 1
            if case .refused(let message) = outcome, message.trimmingCharacters(in: .whitespaces).isEmpty { refusedSilently += 1 }
        })
        #expect(answered == executions)
        #expect(executions > Self.corpus(target).count, "the run mutated nothing")
        #expect(refusedSilently == 0)
    }

    @Test("the mutator is repeatable: the same seed gives the same inputs")
    func repeatable() {
        var first = SeededMutator(seed: 7), second = SeededMutator(seed: 7)
        let input = Array("1 2; 3 4".utf8)
        for _ in 0 ..< 100 { #expect(first.mutate(input, corpus: [input]) == second.mutate(input, corpus: [input])) }
    }
}
