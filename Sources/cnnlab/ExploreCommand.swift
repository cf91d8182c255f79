import ArgumentParser
import Foundation
import Screens
import Stepper
import Terminal

/// `cnnlab explore conv|pool|convT`: step through one operation, every number visible.
struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Explore an operation step by step.",
        discussion: """
            With no values it opens the course's worked example: the 4x4 input [[2,3,5,0],[1,5,7,-9],[-5,2,1,1],[2,0,-2,4]] with the kernel [[1,0],[0,-1]] (pool: a 2x2 window), stride 1. The stride defaults to 1 for pooling too, as in the course's example (PyTorch's max_pool2d defaults it to the window size).

            Matrices: "2 3 5 0; 1 5 7 -9" (rows split by ';', channels by '|', filters by '||'), a JSON list like [[2,3],[1,5]], or @file.json.

            In the explorer, ? lists the keys: → next, ← back, p play, Tab view, e edit, q quit.

            Examples:
              cnnlab explore conv --stride 2 --padding 1
              cnnlab explore pool --backward
              cnnlab explore convT --input "1 2; 3 4" --kernel 3x3 --stride 2
              cnnlab explore conv --random 6x6 --kernel 3x3 --channels 3 --json
              cnnlab explore pool --print --width 80 --height 24
            """)

    @Argument(help: "conv, pool or convT.")
    var operation: String = "conv"

    @Option(parsing: .unconditional, help: "The input matrix (or channels), or @file.json.")
    var input: String?
    @Option(parsing: .unconditional, help: "Kernel size (3 means 3x3, or 3x2) for random values, or the kernel values as a matrix; pool: the window size.")
    var kernel: String?
    @Option(parsing: .unconditional, help: "Stride: 2, or height x width like 2x1.")
    var stride: String?
    @Option(parsing: .unconditional, help: "Zero padding on each side: 1, or 1x0.")
    var padding: String?
    @Option(parsing: .unconditional, help: "Dilation: spacing between kernel taps.")
    var dilation: String?
    @Option(name: .customLong("output-padding"), parsing: .unconditional, help: "convT only: extra rows/columns at the bottom/right.")
    var outputPadding: String?
    @Option(parsing: .unconditional, help: "Bias: one value per filter, or one for all.")
    var bias: String?
    @Option(parsing: .unconditional, help: "The upstream gradient for --backward (default: ones).")
    var upstream: String?
    @Option(parsing: .unconditional, help: "Input channels (random values unless --input gives them).")
    var channels: Int?
    @Option(parsing: .unconditional, help: "Filters (output channels).")
    var filters: Int?
    @Option(parsing: .unconditional, help: "Random whole numbers for an input of this size, like 5x5.")
    var random: String?
    @Option(parsing: .unconditional, help: "Seed for random values.")
    var seed: UInt64 = 1
    @Flag(help: "Open the backward view (conv: input and weight gradients; pool: gradient routing).")
    var backward = false
    @Flag(name: .customLong("ceil-mode"), help: "pool: round the output size up, as ceil_mode=True.")
    var ceilMode = false
    @Flag(name: .customLong("print"), help: "Write every step's frame as plain text to standard output.")
    var printFrames = false
    @Flag(help: "Write the trace as JSON to standard output (every product with its indices: up to 60000 of them, about a second).")
    var json = false
    @Flag(help: "Measure drawing every step's frame at --width x --height (no terminal) and print the time per frame.")
    var bench = false
    @Option(parsing: .unconditional, help: "Frame width for --print and --bench (20 to 1000).")
    var width: Int = 100
    @Option(parsing: .unconditional, help: "Frame height for --print and --bench (5 to 1000).")
    var height: Int = 30
    @OptionGroup var display: DisplayOptions

    mutating func run() throws {
        let ascii = display.ascii
        let exploration: Exploration
        do {
            exploration = try request().resolve()
        } catch {
            FileHandle.standardError.write(Data("cnnlab explore: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        if json {
            print(TraceExport.json(exploration))
            return
        }
        var model = ExplorerModel(exploration)
        if bench {
            print(ExploreBenchmark.run(model, width: width, height: height))
            return
        }
        if printFrames {
            model.asciiNotation = ascii
            let capabilities = TerminalCapabilities(colorMode: .none, unicode: !ascii)
            for index in 0..<model.stepCount {
                model.go(to: index)
                var buffer = Buffer(width: width, height: height)
                model.view(into: &buffer, rect: buffer.area, context: RenderContext(capabilities: capabilities))
                print(buffer.text + "\n")
            }
            return
        }
        let capabilities = display.capabilities
        model.asciiNotation = !capabilities.unicode
        var program = ExplorerProgram(model: model)
        do {
            if case .interrupted(let signal) = try runProgram(&program, capabilities: capabilities) { throw ExitCode(128 + signal) }
        } catch let error as ExitCode {
            throw error
        } catch let error as TerminalError {
            FileHandle.standardError.write(Data("cnnlab explore: \(error.suggesting("use --print for plain text frames, or --json").description)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("cnnlab explore: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    func request() throws(ExploreError) -> ExploreRequest {
        let op: ExploreOperation
        switch operation.lowercased() {
        case "conv", "conv2d": op = .conv
        case "pool", "maxpool", "max_pool2d": op = .pool
        case "convt", "conv_transpose2d", "deconv": op = .convT
        default: throw ExploreError("unknown operation '\(operation)': use conv, pool or convT")
        }
        if json && printFrames { throw ExploreError("choose one of --json and --print") }
        // A frame of 2^63 columns overflowed (and 100000x100000 asked for 240 GB).
        if (printFrames || bench) && !((20...1000).contains(width) && (5...1000).contains(height)) {
            throw ExploreError("--width must be from 20 to 1000 and --height from 5 to 1000 (got \(width) and \(height))")
        }
        var request = ExploreRequest(operation: op, input: input, kernel: kernel, stride: stride, padding: padding,
                                     dilation: dilation, outputPadding: outputPadding, bias: bias, upstream: upstream,
                                     channels: channels, filters: filters, random: random, seed: seed, backward: backward,
                                     ceilMode: ceilMode)
        request.forJSON = json
        return request
    }
}
