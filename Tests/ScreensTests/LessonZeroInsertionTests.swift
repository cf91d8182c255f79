import Lessons
import Terminal
import Testing
@testable import Screens

/// Lesson 7 step 3 is the zero-insertion view: its pane draws the expanded input and the
/// flipped kernel with the direct convolution's steps, never the scatter view.
@Suite struct LessonZeroInsertionTests {
    @Test(arguments: [(80, 24), (120, 40)])
    func theZeroInsertionStepShowsTheExpandedInput(size: (Int, Int)) throws {
        let entry = try #require(LessonFiles.library.entry(named: "7"))
        let lesson = Lesson.load(path: entry.path)
        var player = LessonPlayer(lesson: lesson, name: entry.name, store: nil, screenSize: size)
        player.send(.resize(width: size.0, height: size.1))
        player.press(.right, .right)
        #expect(player.stepIndex == 2)
        let text = player.frame(size.0, size.1).text
        #expect(!text.contains("added into the output"), "the scatter view's words\n\(text)")
        if size.0 < LessonPlayerLayout.sideBySideWidth {
            // The compact pane: 2x2 input, stride 2 → 3x3, border 4 − 1 − 1 = 2 → 7x7; 16 direct steps.
            #expect(text.contains("zeros inserted 7x7"), "\(text)")
            #expect(text.contains("kernel flipped"))
            #expect(text.contains("output (0,0) = 1×1 + 15 products with a zero = 1"))
            #expect(text.contains("step 1 of 16"))
        } else {
            #expect(text.contains("as a direct convolution") || text.contains("conv_transpose2d · direct"), "\(text)")
        }
        // The explorer itself, opened with Tab, is on the direct view too; its header keeps every
        // setting whole (the view's short title "direct" makes room for "padding 1").
        player.press(.tab)
        let explorer = player.frame(size.0, size.1)
        let header = explorer.lines.first { $0.contains("conv_transpose2d") } ?? ""
        #expect(header.contains("as a direct convolution") || header.contains("conv_transpose2d · direct"), "\(explorer.text)")
        #expect(header.contains("kernel 4  stride 2  padding 1") && !header.contains("…"), "\(header)")
        #expect(explorer.silentlyClipped.isEmpty)
        #expect(explorer.text.contains("step 1/16"))
    }
}
