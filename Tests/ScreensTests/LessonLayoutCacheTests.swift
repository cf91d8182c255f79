import Foundation
import Lessons
import Terminal
import TestSupport
import Testing
@testable import Screens

/// The player wraps a step's text once per width, not on every frame or key (#15: a 1 MB step
/// took 0.7 s a frame when it did). Counts layouts; no timing.
@Suite("Lesson text layout is cached")
struct LessonLayoutCacheTests {
    static let source = "# T\n\nSummary.\n\n## One\n\n" + String(repeating: "Some words to wrap. ", count: 400)
        + "\n\n```\nplain\n```\n\n```quiz\nquestion: How many?\nanswer: 7\nhints:\n  - seven\n```\n\nMore text.\n\n"
        + "## Two\n\nSecond step.\n"

    @Test("frames and keys on a step lay its text out once; quizzes still change")
    func framesAndKeysReuseTheLayout() {
        var player = LessonPlayer(lesson: LessonParser.parse(Self.source), name: "t", store: nil, screenSize: (80, 24))
        _ = player.frame(80, 24)
        // The first screen needs the heading part and the long text only.
        #expect(player.textCache.layoutCount == 2)
        // End lays out the last screenful (the parts above it are counted); paging down through
        // the step lays out each part once.
        player.press(.end)
        _ = player.frame(80, 24)
        #expect(player.textCache.layoutCount <= 4)
        player.press(.home)
        for _ in 0..<8 {
            player.press(.pageDown)
            _ = player.frame(80, 24)
        }
        player.press(.home)
        _ = player.frame(80, 24)
        let first = player.textCache.layoutCount
        // The heading part, the text, the plain block and the text after the quiz.
        #expect(first == 4)
        for _ in 0..<5 { _ = player.frame(80, 24) }
        player.press(.down, .down, .pageDown, .end, .pageUp, .home)
        player.type("3")
        player.press(.enter)                       // wrong: the quiz's lines change
        player.press(.character("h"))              // a hint
        var text = player.frame(80, 24).text
        player.press(.end)
        text = player.frame(80, 24).text
        #expect(text.contains("Hint 1: seven"), "\(text)")
        player.type("7")
        player.press(.enter)
        text = player.frame(80, 24).text
        #expect(text.contains("Right: 7"), "\(text)")
        #expect(player.textCache.layoutCount == first, "a frame or a key laid the step's text out again")

        // Another step, another width: laid out once each, then reused.
        player.press(.right)
        _ = player.frame(80, 24)
        let second = player.textCache.layoutCount
        #expect(second > first)
        player.press(.left)
        _ = player.frame(80, 24)
        #expect(player.textCache.layoutCount == second, "going back re-laid a step already shown")
        player.send(.resize(width: 120, height: 40))
        _ = player.frame(120, 40)
        let wide = player.textCache.layoutCount
        #expect(wide > second)
        player.press(.down, .down)
        _ = player.frame(120, 40)
        #expect(player.textCache.layoutCount == wide)
    }

    @Test("a long step lays out one screenful to show, and the rest as it is scrolled to")
    func longStepLaysOutWhatIsShown() {
        let paragraphs = (1...2000).map { "Paragraph \($0) has a few words in it." }.joined(separator: "\n\n")
        var player = LessonPlayer(lesson: LessonParser.parse("# T\n\n## S\n\n" + paragraphs + "\n\n```quiz\nquestion: q?\nanswer: 1\n```\n"),
                                  name: "t", store: nil, screenSize: (80, 24))
        var text = player.frame(80, 24).text
        #expect(text.contains("Paragraph 1 ") && text.contains("more"), "\(text)")
        let chunks = LessonTextCache.chunks(player.step.map { step -> [String] in
            guard case .text(let lines, _) = step.items[0] else { return [] }
            return lines
        } ?? [], target: player.textCache.chunkLines).count
        #expect(chunks > 40)
        #expect(player.textCache.layoutCount <= 3, "the first frame laid out \(player.textCache.layoutCount) parts")
        player.press(.pageDown, .pageDown)
        text = player.frame(80, 24).text
        #expect(text.contains("Paragraph 20 "), "\(text)")
        #expect(player.textCache.layoutCount <= 4)
        player.press(.end)
        text = player.frame(80, 24).text
        #expect(text.contains("Paragraph 2000 ") && text.contains("Your answer"), "\(text)")
        // End counts the parts above the last screenful; it lays out only that screenful's.
        #expect(player.textCache.layoutCount <= 6, "End laid out \(player.textCache.layoutCount) parts of \(chunks + 1)")
        player.press(.home)
        #expect(player.frame(80, 24).text.contains("Paragraph 1 "))
    }

    @Test("laid out in chunks, every shipped and example lesson gives the same lines as laid out whole")
    func chunksLayOutAsTheWhole() throws {
        var files = LessonFiles.library.entries.map(\.path)
        let examples = LessonFiles.root + "/examples/lessons"
        files += try FileManager.default.contentsOfDirectory(atPath: examples).filter { $0.hasSuffix(".md") }.map { examples + "/" + $0 }
        let tricky = TemporaryFolder("chunks")
        let mixed = (1...30).map { "Line \($0) of a paragraph\nthat goes on [a link](https://x.org) and **bold**.\n\n- item\n- item two\n\n"
            + "| a | b |\n|---|---|\n| \($0) | 2 |\n\n### Heading \($0)\n\n\n1. first\n2. second\n   \n#not a heading\n\n" }.joined()
        files.append(tricky.write("mixed.md", "# T\n\n  \n## S\n\n\n" + mixed + "```quiz\nquestion: q\nanswer: 1\n```\n\n" + mixed))
        #expect(files.count >= 12)
        for file in files {
            var player = LessonPlayer(lesson: Lesson.load(path: file), name: "t", store: nil, screenSize: (80, 24))
            for step in 0..<player.stepCount {
                if step > 0 { player.press(.right) }
                for width in [30, 76, 116] {
                    for glyphs in [Glyphs.utf8, Glyphs.ascii] {
                        player.textCache = LessonTextCache(chunkLines: .max)
                        let whole = LessonTextLayout(player: player, width: width, glyphs: glyphs).lines
                        player.textCache = LessonTextCache(chunkLines: 1)
                        let chunked = LessonTextLayout(player: player, width: width, glyphs: glyphs).lines
                        #expect(chunked == whole, "\(file) step \(step + 1) at width \(width)")
                    }
                }
            }
        }
    }

    @Test("a layout from any line, the parts above it only counted, holds the whole layout's lines from there")
    func windowsAgreeWithTheWhole() throws {
        var files = LessonFiles.library.entries.map(\.path)
        let examples = LessonFiles.root + "/examples/lessons"
        files += try FileManager.default.contentsOfDirectory(atPath: examples).filter { $0.hasSuffix(".md") }.map { examples + "/" + $0 }
        let folder = TemporaryFolder("windows")
        // Parts that end in blank lines, a quiz last, a table and a plain block at the end.
        files.append(folder.write("ends.md", "# T\n\n## S\n\n" + Self.source.components(separatedBy: "## One\n\n")[1]
            + "\n\n## Quiz last\n\nText.\n\n```quiz\nquestion: q\nanswer: 1\n```\n\n\n\n"
            + "## Table last\n\n" + String(repeating: "Words and more words. ", count: 60) + "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            + "## Block last\n\nText.\n\n```\nplain\n\n```\n"))
        for file in files {
            var player = LessonPlayer(lesson: Lesson.load(path: file), name: "t", store: nil, screenSize: (80, 24))
            for step in 0..<player.stepCount {
                if step > 0 { player.press(.right) }
                for width in [30, 76] {
                    for glyphs in [Glyphs.utf8, Glyphs.ascii] {
                        player.textCache = LessonTextCache(chunkLines: 3)
                        let whole = LessonTextLayout(player: player, width: width, glyphs: glyphs).lines
                        for from in Set([0, 1, 5, whole.count / 2, whole.count - 24, whole.count - 1, whole.count, whole.count + 40, Int.max / 2])
                        where from >= 0 {
                            player.textCache = LessonTextCache(chunkLines: 3)
                            let window = LessonTextLayout(player: player, width: width, glyphs: glyphs, from: from)
                            let place = "\(file) step \(step + 1) width \(width) from \(from)"
                            #expect(window.complete && window.totalLines == whole.count, "\(place): \(window.totalLines) lines of \(whole.count)")
                            #expect(window.firstLine <= max(0, min(from, whole.count - 1)), "\(place): starts at \(window.firstLine)")
                            #expect(Array(whole.dropFirst(window.firstLine)) == window.lines, "\(place)")
                        }
                    }
                }
            }
        }
    }

    @Test("a quiz whose question is a megabyte is laid out once, not on every key")
    func longQuizTextIsKept() {
        let question = (1...20_000).map { "Sentence \($0) of the question." }.joined(separator: " ")
        var player = LessonPlayer(lesson: LessonParser.parse("# T\n\n## S\n\n```quiz\nquestion: \(question)\nanswer: 7\n```\n"),
                                  name: "t", store: nil, screenSize: (80, 24))
        var text = player.frame(80, 24).text
        #expect(text.contains("Sentence 1 of"), "\(text)")
        let made = player.textCache.quizTextLayoutCount
        #expect(made >= 1)
        // Typing, erasing and a wrong answer redraw the quiz's state lines; the question's lines
        // come from the cache.
        player.type("4")
        _ = player.frame(80, 24)
        player.press(.backspace)
        _ = player.frame(80, 24)
        player.type("5")
        player.press(.enter)
        text = player.frame(80, 24).text
        #expect(player.textCache.quizTextLayoutCount == made, "the question was laid out again")
        player.press(.end)
        text = player.frame(80, 24).text
        #expect(text.contains("Sentence 20000 of") && text.contains("Your answer"), "\(text)")
    }

    @Test("a reload lays the new text out (the cache does not show the old one)")
    func reloadShowsTheNewText() throws {
        let folder = TemporaryFolder("layout-cache")
        let file = folder.path + "/l.md"
        try "# T\n\n## S\n\nOld words.\n".write(toFile: file, atomically: true, encoding: .utf8)
        var player = LessonPlayer(lesson: Lesson.load(path: file), name: "l", store: nil, path: file)
        #expect(player.frame(80, 24).text.contains("Old words."))
        try "# T\n\n## S\n\nNew words.\n".write(toFile: file, atomically: true, encoding: .utf8)
        player.press(.character("r"))
        let text = player.frame(80, 24).text
        #expect(text.contains("New words.") && !text.contains("Old words."), "\(text)")
    }
}
