import Foundation
import Testing
@testable import Stepper

/// Bad input gets one line that says what is wrong and what would be valid.
@Suite("Request errors")
struct RequestErrorTests {
    func message(_ request: ExploreRequest) -> String? {
        do { _ = try request.resolve(); return nil } catch { return error.message }
    }

    @Test("malformed matrix names the token and row")
    func malformed() {
        let text = message(ExploreRequest(operation: .conv, input: "2 3; 1 x"))
        #expect(text == "malformed matrix in --input: 'x' in row 2 is not a number (write rows like \"2 3 5 0; 1 5 7 -9\")")
    }

    @Test("ragged rows say how many values each row needs")
    func ragged() {
        #expect(message(ExploreRequest(operation: .conv, input: "2 3 5; 1 5"))
            == "rows of different lengths in --input: row 1 has 3 values but row 2 has 2; every row needs 3")
    }

    @Test("a kernel larger than the padded input")
    func kernelTooLarge() {
        #expect(message(ExploreRequest(operation: .conv, input: "1 2; 3 4", kernel: "1 1 1; 1 1 1; 1 1 1"))
            == "the kernel spans 3 rows but the padded input has only 2 (2 + 2x0): use a kernel of at most 2, or padding of at least 1")
    }

    @Test("stride 0 and negative padding")
    func settings() {
        #expect(message(ExploreRequest(operation: .conv, stride: "0")) == "stride must be at least 1 (got 0)")
        #expect(message(ExploreRequest(operation: .pool, padding: "-1")) == "padding must be 0 or more (got -1)")
        #expect(message(ExploreRequest(operation: .conv, stride: "two"))
            == "--stride must be a whole number like 2, or height x width like 2x1 (got 'two')")
    }

    @Test("an empty transposed output says what to change")
    func emptyTransposed() {
        let text = message(ExploreRequest(operation: .convT, input: "1", kernel: "1", padding: "1"))
        #expect(text?.hasPrefix("these settings leave an empty output (H_out = -1)") == true)
    }

    @Test("pool padding above half the window")
    func poolPadding() {
        #expect(message(ExploreRequest(operation: .pool, padding: "2"))
            == "pooling padding 2 is more than half the window 2: use padding of at most 1")
    }

    @Test("channels and filters must agree with the values")
    func channels() {
        #expect(message(ExploreRequest(operation: .conv, input: "1 2; 3 4", channels: 2))
            == "--channels is 2 but --input has 1 channel(s): separate channels with '|'")
        #expect(message(ExploreRequest(operation: .conv, input: "1 2; 3 4 | 5 6; 7 8", kernel: "[[1]]"))
            == "the kernel has 1 channel(s) but the input has 2: give one kernel slice per input channel, separated by '|'")
    }

    @Test("a case too large to show is refused before any trace is built")
    func tooLarge() {
        let text = message(ExploreRequest(operation: .conv, kernel: "7x7", channels: 16, filters: 16, random: "64x64"))
        // The factors in words: what each number is, so a student knows which one to shrink.
        #expect(text == "trace too large: 84396032 products, more than 2000000 (the explorer's most multiplications): "
            + "3364 output cells (58x58) x 16 filters x 49 kernel taps (7x7) x 16 input channels, once forward and once more "
            + "for the backward pass. Use a smaller input, kernel, stride or dilation, less padding, or fewer channels or filters")
        let pool = message(ExploreRequest(operation: .pool, kernel: "32", stride: "1", channels: 16, random: "64x64"))
        #expect(pool == "trace too large: 17842176 window reads, more than 2000000 (the explorer's most multiplications): "
            + "1089 output cells (33x33) x 16 channels x 1024 window cells (32x32) read. Use a smaller input, kernel, stride "
            + "or dilation, less padding, or fewer channels or filters")
        let convT = message(ExploreRequest(operation: .convT, kernel: "16x16", stride: "4", channels: 4, filters: 4, random: "32x32"))
        #expect(convT?.hasPrefix("trace too large: ") == true && convT?.contains("1024 input cells (32x32) x 4 input channels "
            + "scattered through 256 kernel taps (16x16) into 4 filters, and again as the direct view computes") == true, "\(convT ?? "")")
    }

    @Test("--json has its own, lower bound, with a message that says why and what to do")
    func jsonBound() throws {
        var request = ExploreRequest(operation: .conv, kernel: "3x3", random: "64x64")
        #expect(message(request) == nil, "the screen shows it")
        request.forJSON = true
        #expect(message(request) == "trace too large for --json: 69192 products, more than 60000 (the most products --json "
            + "writes, about a second of output): 3844 output cells (62x62) x 1 filter x 9 kernel taps (3x3) x 1 input channel, "
            + "once forward and once more for the backward pass. --json writes each one with its indices, about 180 bytes. "
            + "Leave out --json to step through it on screen (up to 2000000), or make it smaller: a smaller input, kernel, "
            + "stride or dilation, less padding, or fewer channels or filters")
        request.random = "32x32"
        #expect(message(request) == nil, "16200 products are written")
        #expect(try request.resolve().setup.traceSize().total == 16200)
    }

    @Test("sizes that overflowed (SIGILL) are refused naming the field and the limit",
          arguments: [
            (ExploreRequest(operation: .conv, padding: "9223372036854775807"),
             "padding must be at most 64 (the explorer's largest setting), got 9223372036854775807"),
            (ExploreRequest(operation: .conv, dilation: "9223372036854775807"),
             "dilation must be at most 64 (the explorer's largest setting), got 9223372036854775807"),
            (ExploreRequest(operation: .pool, kernel: "4294967296"),
             "kernel (rows or columns) must be at most 64 (the explorer's largest matrix side), got 4294967296"),
            (ExploreRequest(operation: .convT, input: "1", kernel: "2x2", stride: "3037000500"),
             "stride must be at most 64 (the explorer's largest setting), got 3037000500"),
            (ExploreRequest(operation: .pool, padding: "-9223372036854775808"),
             "padding must be 0 or more (got -9223372036854775808)"),
          ])
    func overflowingSizes(request: ExploreRequest, expected: String) {
        #expect(message(request) == expected)
    }

    @Test("convT with a large dilation is refused before its 7.7 GB trace is built")
    func convTDilation() {
        // Dilation 4000 was accepted and built 7.7 GB over 22 s; 64 is allowed and its grid fits.
        #expect(message(ExploreRequest(operation: .convT, input: "1 2", kernel: "2x2", dilation: "4000"))
            == "dilation must be at most 64 (the explorer's largest setting), got 4000")
        #expect(message(ExploreRequest(operation: .convT, kernel: "64x64", stride: "64", dilation: "64", random: "64x64"))?
            .hasPrefix("output too large: 1 x 1 x 8065 x 8065 exceeds 1048576 (the explorer's largest grid)") == true)
        #expect(message(ExploreRequest(operation: .convT, input: "1 2", kernel: "2x2", dilation: "64")) == nil)
    }

    @Test("values that are not finite float32 are refused, naming them")
    func nonFinite() {
        #expect(message(ExploreRequest(operation: .conv, input: "[[1e39, 1], [2, 3]]"))
            == "malformed matrix: --input[0][0] 1e+39 does not fit a 32-bit float")
        #expect(message(ExploreRequest(operation: .conv, input: "1 nan; 2 3"))
            == "--input: 'nan' in row 1 is not a finite float32 number (float32 holds magnitudes up to about 3.4e38)")
        #expect(message(ExploreRequest(operation: .conv, bias: "nan"))
            == "--bias nan is not a finite float32 number (float32 holds magnitudes up to about 3.4e38)")
    }

    @Test("an output that overflows float32 is written as Infinity in JSON, never as {}")
    func overflowingOutputJSON() throws {
        let exploration = try ExploreRequest(operation: .conv, input: "3e38 3e38; 3e38 3e38", kernel: "2 2; 2 2").resolve()
        let text = TraceExport.json(exploration)
        #expect(text != "{}")
        #expect(text.contains("\"sum\" : Infinity"))
        #expect(!text.contains("@@"))
    }

    @Test("@file.json and inline JSON lists")
    func jsonInput() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stepper-input-\(getpid()).json").path
        try "[[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try ExploreRequest(operation: .conv, input: "@" + path).resolve()
        #expect(fromFile.output.values == [-3, -4, 14, -1, 4, 6, -5, 4, -3])
        let inline = try ExploreRequest(operation: .conv, input: "[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]", kernel: "1 | 1").resolve()
        let channelSums: [Float] = [6, 8, 10, 12]  // a 1x1 kernel of ones adds the two channels
        #expect(inline.output.values == channelSums)
        #expect(message(ExploreRequest(operation: .conv, input: "@/nonexistent.json"))
            == "cannot read /nonexistent.json for --input: check that the file exists")
    }

    @Test("JSON matrices go through the eval parser: booleans are refused, errors say where")
    func jsonRefusals() {
        #expect(message(ExploreRequest(operation: .conv, input: "[[1, true], [3, 4]]"))
            == "malformed matrix: --input[0][1] must be a number, got a boolean")
        #expect(message(ExploreRequest(operation: .conv, input: "[[1, 2], [3]]"))
            == "malformed matrix: --input[1] has 1 entries where 2 were expected: the lists are not rectangular "
               + "(shape [2, 2] from the first entries)")
        #expect(message(ExploreRequest(operation: .conv, input: "[[1, 2],\n [3, 4]"))
            == "--input is not valid JSON (malformed at line 2, column 8: the text ended inside a list): "
               + "give a list of rows like [[2, 3], [1, 5]]")
        #expect(message(ExploreRequest(operation: .conv, input: "[1, 2]"))
            == "--input must be a list of rows (2 levels), channels (3) or filters (4) of numbers")
    }

    @Test("random values are reproducible with a seed")
    func random() throws {
        let a = try ExploreRequest(operation: .conv, random: "5x6", seed: 7).resolve()
        let b = try ExploreRequest(operation: .conv, random: "5x6", seed: 7).resolve()
        let c = try ExploreRequest(operation: .conv, random: "5x6", seed: 8).resolve()
        #expect(a.input == b.input && a.conv?.weight == b.conv?.weight)
        #expect(a.input != c.input)
        #expect(a.input.shape == [1, 1, 5, 6])
        let multi = try ExploreRequest(operation: .conv, kernel: "3x3", channels: 3, filters: 2).resolve()
        #expect(multi.conv?.weight.shape == [2, 3, 3, 3])
        #expect(multi.output.shape == [1, 2, 2, 2])
    }

    @Test("--kernel 3 means a 3x3 kernel for conv and convT, as it does for pool")
    func bareKernelSize() throws {
        let conv = try ExploreRequest(operation: .conv, kernel: "3", random: "5x5").resolve()
        #expect(conv.conv?.weight.height == 3 && conv.conv?.weight.width == 3)
        let convT = try ExploreRequest(operation: .convT, input: "1 2; 3 4", kernel: "3").resolve()
        #expect(convT.convT?.weight.height == 3 && convT.convT?.weight.width == 3)
        // Values are a matrix: a 1x1 kernel holding 3.
        let one = try ExploreRequest(operation: .conv, input: "1 2; 3 4", kernel: "[[3]]").resolve()
        #expect(one.conv?.weight.height == 1 && one.conv?.output.height == 2)
    }
}
