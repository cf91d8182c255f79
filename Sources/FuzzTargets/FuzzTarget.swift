import Foundation
@_spi(Fuzzing) import Datasets
import Kernels
import Lessons
import OpCases
import Stepper
import Training

/// The readers of outside input that fuzzing drives: each takes any bytes and must answer with
/// a value or an error message, never a trap, a hang or an allocation of gigabytes.
///
/// Used by the libFuzzer build (`scripts/fuzz.sh`, the `cnnlab-fuzz` product built with
/// `-sanitize=fuzzer`) and by `SeededMutator`, the short seeded run in `make test`.
///
///     try FuzzTarget.lesson.run(Array("# Title\n".utf8))
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A lesson file: Markdown with explore, quiz, model and train blocks (parser and validator,
    /// then the calculations the player makes for each valid explore block).
    case lesson
    /// Explorer matrix text as `--input`, `--kernel` and `--upstream` take it (rows, channels, JSON lists).
    case matrix
    /// Every explorer setting at once, one per line: operation, input, kernel, stride, padding,
    /// dilation, output padding, bias, upstream, channels, filters, random, flags.
    case settings
    /// `cnnlab eval`'s JSON documents (golden-case schema).
    case evalJSON = "eval-json"
    /// A safetensors checkpoint.
    case safetensors
    /// A CIFAR-10 binary batch file.
    case cifar10
    /// A Fashion-MNIST IDX file, plain or gzipped (images with 3 dimensions, labels with 1).
    case idx

    /// What a reader answered: the input was accepted, or refused with a message.
    public enum Outcome: Equatable, Sendable {
        case accepted
        case refused(String)
    }

    /// Runs one input. Errors thrown by the readers are the expected answer to bad input and
    /// come back as `.refused(message)`; only a crash (or a sanitizer report) is a finding.
    @discardableResult
    public func run(_ bytes: [UInt8]) -> Outcome {
        switch self {
        case .lesson: return Self.lesson(bytes)
        case .matrix: return Self.matrix(bytes)
        case .settings: return Self.settings(bytes)
        case .evalJSON: return Self.evalJSON(bytes)
        case .safetensors:
            return Self.outcome { try Safetensors.decode(bytes, path: "fuzz.safetensors") }
        case .cifar10:
            var pixels: [UInt8] = [], labels: [UInt8] = []
            return Self.outcome { try CIFAR10.readBatch(bytes, path: "fuzz.bin", pixels: &pixels, labels: &labels) }
        case .idx:
            let labels = Self.outcome { try FashionMNIST.decodeIDX(bytes, path: "fuzz-idx1-ubyte", dimensionCount: 1) }
            let images = Self.outcome { try FashionMNIST.decodeIDX(bytes, path: "fuzz-idx3-ubyte", dimensionCount: 3) }
            return labels == .accepted ? labels : images
        }
    }

    private static func outcome(_ body: () throws -> Any) -> Outcome {
        do { _ = try body(); return .accepted } catch { return .refused("\(error)") }
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private static func lesson(_ bytes: [UInt8]) -> Outcome {
        let lesson = LessonParser.parse(text(bytes))
        for step in lesson.steps {
            guard let block = step.explore else { continue }
            // What the player and the quiz checker compute from a block that passed validation.
            _ = block.forwardOutput()
            _ = block.stepCount
            if block.operation == .pool { _ = block.poolGradient() }
            _ = block.predictedValue(atStep: 1)
            _ = block.command
        }
        return lesson.problems.first.map { .refused("line \($0.line): \($0.message)") } ?? .accepted
    }

    private static func matrix(_ bytes: [UInt8]) -> Outcome {
        let text = text(bytes)
        // @file would read the disk: not what is being fuzzed.
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("@") else { return .refused("@file") }
        // Accepted when any of the three readers takes it ("2x1" is a pair, not a matrix).
        let pair = try? MatrixParser.parsePair(text, name: "--stride")
        let size = try? MatrixParser.parseSize(text, name: "--random")
        do { _ = try MatrixParser.parse(text, name: "--input"); return .accepted } catch {
            return pair != nil || size != nil ? .accepted : .refused(error.message)
        }
    }

    private static func settings(_ bytes: [UInt8]) -> Outcome {
        var lines = text(bytes).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.count < 13 { lines.append("") }
        func field(_ index: Int) -> String? {
            let value = lines[index]
            return value.isEmpty || value.hasPrefix("@") ? nil : value
        }
        let operation: ExploreOperation
        switch lines[0].first {
        case "p": operation = .pool
        case "t": operation = .convT
        default: operation = .conv
        }
        let flags = lines[12]
        var request = ExploreRequest(
            operation: operation, input: field(1), kernel: field(2), stride: field(3), padding: field(4),
            dilation: field(5), outputPadding: field(6), bias: field(7), upstream: field(8),
            channels: field(9).flatMap { Int($0) }, filters: field(10).flatMap { Int($0) }, random: field(11),
            seed: UInt64(flags.count), backward: flags.contains("b"), ceilMode: flags.contains("c"))
        request.forJSON = true      // written as JSON below, as `explore --json` does
        do {
            let exploration = try request.resolve()
            let json = TraceExport.json(exploration)
            return json.hasPrefix("{\"error\"") ? .refused(json) : .accepted
        } catch {
            return .refused(error.message)
        }
    }

    private static func evalJSON(_ bytes: [UInt8]) -> Outcome {
        let cases: [Result<OpCase, OpCaseError>]
        do throws(ShapeError) { cases = try OpCase.parseDocument(try JSONValue.parse(Data(bytes))) } catch {
            return .refused(error.description)
        }
        // Evaluated only when small: a valid case may ask for up to 2^30 values (SizeLimits),
        // which is correct but not what a fuzzer should spend its time on.
        let small = SizeLimits.Limit(1 << 16, "a fuzz case's work")
        var outcome = Outcome.accepted
        for item in cases {
            let opCase: OpCase
            switch item {
            case .success(let parsed): opCase = parsed
            case .failure(let error): outcome = .refused(error.description); continue
            }
            let factors: [Int]
            switch opCase.geometry {
            case .conv2d(let g): factors = g.outputShape + [g.inChannels, g.kernel.area]
            case .convTranspose2d(let g): factors = g.inputShape + [g.outChannels, g.kernel.area]
            case .maxPool2d(let g): factors = g.outputShape + [g.kernel.area]
            case .avgPool2d(let g): factors = g.outputShape + [g.kernel.area]
            case .batchNorm2d(let settings): factors = settings.inputShape
            case .leakyReLU(let shape, _): factors = shape
            case .tanh(let shape): factors = shape
            }
            guard (try? SizeLimits.product(factors, field: "work", in: small)) != nil else { continue }
            _ = opCase.evaluate(.reference)
            _ = opCase.evaluate(.fast)
        }
        return outcome
    }
}
