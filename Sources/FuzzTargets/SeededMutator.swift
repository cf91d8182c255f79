import Foundation
import Kernels

/// A small, seeded mutation fuzzer in Swift: the same seed gives the same inputs, so a run in
/// `make test` is repeatable. It mutates corpus inputs the way libFuzzer's default mutators do
/// (bit flips, byte and number substitutions, chunk insertion, deletion, duplication and
/// splicing between inputs), plus tokens that broke cnnlab before: huge and negative numbers,
/// `nan`, `1e39`, separators. Not coverage-guided: `scripts/fuzz.sh` runs libFuzzer for that.
///
///     var mutator = SeededMutator(seed: 1)
///     let executions = mutator.run(.matrix, corpus: seeds, seconds: 5)
public struct SeededMutator {
    private var random: SplitMix64
    /// Inputs grow to at most this many bytes.
    public var maximumLength = 4096

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// Values that overflow, underflow or confuse parsers, written as text.
    static let tokens: [String] = [
        "9223372036854775807", "-9223372036854775808", "4294967296", "3037000500", "2147483648", "65536",
        "100000", "-1", "0", "1e39", "-1e39", "nan", "inf", "-inf", "1e-46", "NaN", "Infinity", "-0", "0x10",
        ";", "|", "||", ",", "x", "[", "]", "[[", "]]", "{", "}", "\"", ":", "\n", " ", "−", "@", "```", "```explore\n",
        "```model\n", "```quiz\n", "```train\n", "## ", "padding: ", "stride: ", "dilation: ", "kernel: ", "input: ",
        "op: convT\n", "op: pool\n", "kernel_size: ", "output_padding: ", "Conv2d(", "ConvTranspose2d(", "Linear(",
        "MaxPool2d(", "Flatten()", "\"shape\":[", "\"data_offsets\":[", "\"dtype\":\"F32\"", "\"params\":{",
        "\"padding\":", "\"stride\":", "\"dilation\":", "\"op\":\"conv2d\"", "\"op\":\"conv_transpose2d\"",
        "\"op\":\"max_pool2d\"",
    ]

    /// Little-endian and big-endian sizes that overflow products (for binary headers).
    static let binaryValues: [[UInt8]] = [
        [0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0x00, 0x00, 0x00, 0x80], [0x00, 0x00, 0x00, 0x00],
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [0x00, 0x00, 0x01, 0x00], [0x1F, 0x8B, 0x08, 0x00],
        [0x00, 0x00, 0x08, 0x03], [0x00, 0x00, 0x08, 0x01],
    ]

    private mutating func below(_ bound: Int) -> Int {
        bound <= 1 ? 0 : Int(random.next() % UInt64(bound))
    }

    /// One mutated copy of `input`; `corpus` supplies material for splicing.
    public mutating func mutate(_ input: [UInt8], corpus: [[UInt8]]) -> [UInt8] {
        var bytes = input
        for _ in 0 ... below(4) {
            switch below(9) {
            case 0 where !bytes.isEmpty:   // flip a bit
                let index = below(bytes.count)
                bytes[index] ^= UInt8(1 << below(8))
            case 1 where !bytes.isEmpty:   // replace a byte
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            case 2:                        // insert a token
                let token = Array(Self.tokens[below(Self.tokens.count)].utf8)
                bytes.insert(contentsOf: token, at: below(bytes.count + 1))
            case 3 where !bytes.isEmpty:   // replace a run of digits (or any run) with a token
                let start = below(bytes.count)
                var end = start
                while end < bytes.count, end - start < 24, (48 ... 57).contains(bytes[end]) || bytes[end] == 45 { end += 1 }
                bytes.replaceSubrange(start ..< max(end, start + 1), with: Array(Self.tokens[below(Self.tokens.count)].utf8))
            case 4 where bytes.count > 1:  // delete a chunk
                let start = below(bytes.count)
                bytes.removeSubrange(start ..< min(bytes.count, start + 1 + below(16)))
            case 5 where !bytes.isEmpty:   // duplicate a chunk
                let start = below(bytes.count)
                let chunk = Array(bytes[start ..< min(bytes.count, start + 1 + below(64))])
                bytes.insert(contentsOf: chunk, at: below(bytes.count + 1))
            case 6 where !corpus.isEmpty:  // splice with another input
                let other = corpus[below(corpus.count)]
                guard !other.isEmpty else { continue }
                let from = below(other.count)
                let chunk = other[from ..< min(other.count, from + 1 + below(128))]
                bytes.insert(contentsOf: chunk, at: below(bytes.count + 1))
            case 7 where bytes.count >= 4: // overwrite with a binary size
                let value = Self.binaryValues[below(Self.binaryValues.count)]
                let start = below(bytes.count - 3)
                for (offset, byte) in value.enumerated() where start + offset < bytes.count { bytes[start + offset] = byte }
            default:                       // truncate
                if !bytes.isEmpty { bytes.removeLast(below(min(bytes.count, 32)) + 1) }
            }
        }
        if bytes.count > maximumLength { bytes.removeLast(bytes.count - maximumLength) }
        return bytes
    }

    /// Runs `target` on every corpus input, then on mutations of them until `seconds` have
    /// passed or `maximumExecutions` inputs have run. `before` sees each input first (the
    /// command-line runner keeps it on disk, so a crash leaves the input behind).
    /// Returns the number of executions.
    public mutating func run(_ target: FuzzTarget, corpus: [[UInt8]], seconds: Double,
                             maximumExecutions: Int = .max, before: ([UInt8]) -> Void = { _ in },
                             after: (FuzzTarget.Outcome) -> Void = { _ in }) -> Int {
        let start = Date()
        var executions = 0
        for input in corpus {
            before(input)
            after(target.run(input))
            executions += 1
        }
        let seeds = corpus.isEmpty ? [[UInt8]()] : corpus
        var pool = seeds
        while executions < maximumExecutions, Date().timeIntervalSince(start) < seconds {
            let input = mutate(pool[below(pool.count)], corpus: seeds)
            before(input)
            after(target.run(input))
            executions += 1
            // Keep some mutants as parents, so mutations stack up (bounded pool).
            if below(8) == 0 { if pool.count < 256 { pool.append(input) } else { pool[below(pool.count)] = input } }
        }
        return executions
    }
}
