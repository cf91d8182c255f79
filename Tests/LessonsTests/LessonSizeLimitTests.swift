import Testing
@testable import Lessons

/// Absurd sizes in a lesson's explore block are refused by `--check` with the key and the
/// limit (they trapped on overflow, or made the player grow at 400 MB/s), and values that are
/// not finite float32 are named.
@Suite("Lesson size limits")
struct LessonSizeLimitTests {
    func messages(_ block: String) -> [String] {
        LessonParser.parse("# T\n\n## S\n\n" + block).problems.map(\.message)
    }

    @Test("settings past the explorer's limits name the key and the limit",
          arguments: [
            ("op: conv\npadding: 100000", "'padding' must be at most 64 (the explorer's largest setting), got 100000"),
            ("op: conv\npadding: 9223372036854775807",
             "'padding' must be at most 64 (the explorer's largest setting), got 9223372036854775807"),
            ("op: conv\ndilation: [1, 4000]", "'dilation' must be at most 64 (the explorer's largest setting), got 4000"),
            ("op: convT\ninput: \"1 2\"\nkernel: \"1 1\"\nstride: 3037000500",
             "'stride' must be at most 64 (the explorer's largest setting), got 3037000500"),
            ("op: pool\nkernel_size: 4294967296", "kernel_size must be at most 64 (the explorer's largest matrix side), got 4294967296"),
          ])
    func limits(block: String, expected: String) {
        #expect(messages("```explore\n\(block)\n```\n") == [expected])
    }

    @Test("a grid past the explorer's cells is refused before anything is computed")
    func grid() {
        let input = (0..<64).map { _ in (0..<64).map { _ in "1" }.joined(separator: " ") }.joined(separator: "; ")
        let found = messages("```explore\nop: convT\ninput: \"\(input)\"\nkernel: \"1 1; 1 1\"\nstride: 64\ndilation: 64\n```\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("these settings are too large to show: the output is too large: 4097 x 4097 exceeds 1048576") == true)
    }

    @Test("a trace past the explorer's most products says what its numbers are")
    func trace() {
        let row = (0..<64).map { _ in "1" }.joined(separator: " ")
        let input = Array(repeating: row, count: 64).joined(separator: "; ")
        let kernel = Array(repeating: (0..<12).map { _ in "1" }.joined(separator: " "), count: 12).joined(separator: "; ")
        let found = messages("```explore\nop: conv\ninput: \"\(input)\"\nkernel: \"\(kernel)\"\npadding: 32\n```\n")
        #expect(found == ["trace too large: 3942432 products, more than 2000000 (the explorer's most multiplications): "
            + "13689 output cells (117x117) x 1 filter x 144 kernel taps (12x12) x 1 input channel, once forward and once "
            + "more for the backward pass. Use a smaller input, kernel, stride or dilation, less padding, or fewer channels or filters"])
    }

    @Test("values that are not finite float32 are named")
    func nonFinite() {
        #expect(messages("```explore\nop: conv\nbias: 1e39\n```\n")
            == ["'bias' is '1e39', not a finite float32 number (magnitudes up to about 3.4e38)"])
        #expect(messages("```explore\nop: conv\ninput: [[1, 1e39], [2, 3]]\n```\n")
            == ["'input' row 1 holds 1e+39, not a finite float32 number (magnitudes up to about 3.4e38)"])
    }
}
