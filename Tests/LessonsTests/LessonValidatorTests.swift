import TestSupport
import Testing
@testable import Lessons

/// Broken lesson files: each problem's message and line. In `lessonWithBlock`, the fence is
/// on line 5 and the block's first key on line 6.
@Suite("Lesson validator")
struct LessonValidatorTests {
    func problems(_ source: String) -> [LessonProblem] { LessonParser.parse(source).problems }

    func expectOne(_ source: String, line: Int, containing text: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
        let found = problems(source)
        #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
        #expect(found.first?.line == line, "\(found)", sourceLocation: sourceLocation)
        #expect(found.first?.message.contains(text) == true, "\(found)", sourceLocation: sourceLocation)
    }

    @Test func unknownBlock() {
        expectOne(lessonWithBlock("```quizz\nquestion: q\n```"), line: 5, containing: "unknown block 'quizz'")
    }

    @Test func unknownKey() {
        expectOne(lessonWithBlock("```quiz\nquestion: q\nanswer: 3\nhint: x\n```"), line: 8,
                  containing: "unknown key 'hint' in the quiz block")
    }

    @Test func badAnswerType() {
        expectOne(lessonWithBlock("```quiz\nquestion: q\nanswer: twelve\n```"), line: 7,
                  containing: "bad answer type: 'twelve' is not a number")
        expectOne(lessonWithBlock("```quiz\nquestion: q\nanswer: [1, 2]\n```"), line: 7,
                  containing: "bad answer type: a list is not a number")
    }

    @Test func choiceAnswerNotAmongChoices() {
        expectOne(lessonWithBlock("```quiz\nquestion: q\nchoices: [x, y]\nanswer: z\n```"), line: 8,
                  containing: "the answer 'z' is not among the choices")
    }

    @Test func quizWithoutAnswerOrQuestion() {
        expectOne(lessonWithBlock("```quiz\nquestion: q\n```"), line: 5, containing: "the quiz has no 'answer'")
        expectOne(lessonWithBlock("```quiz\nanswer: 1\n```"), line: 5, containing: "the quiz has no 'question'")
    }

    @Test func yamlErrorsPointAtTheirLine() {
        // "b: c" inside a plain value: libyaml stops on the value's line (7).
        expectOne(lessonWithBlock("```quiz\nquestion: q\nanswer: 1\nexplanation: a: b\n```"), line: 8,
                  containing: "in the quiz block: a value holds ': ', which YAML reads as a new key; put the whole value in quotes")
        // An unclosed flow list: the error is found where the list should have ended.
        let unclosed = problems(lessonWithBlock("```explore\nop: conv\ninput: [[1, 2], [3, 4]\nstride: 1\n```"))
        #expect(unclosed.count == 1)
        #expect(unclosed.first?.message.contains("a [ list ] is not closed") == true, "\(unclosed)")
        #expect((7...9).contains(unclosed.first?.line ?? 0), "\(unclosed)")
        expectOne(lessonWithBlock("```quiz\n- just\n- a list\n```"), line: 6,
                  containing: "the quiz block must be 'key: value' lines")
    }

    @Test func duplicateKey() {
        expectOne(lessonWithBlock("```quiz\nquestion: q\nanswer: 1\nanswer: 2\n```"), line: 8,
                  containing: "duplicate key 'answer'")
    }

    @Test func impossibleExploreSettings() {
        expectOne(lessonWithBlock("```explore\nop: conv\nkernel: \"1 2 3; 4 5 6; 7 8 9\"\ninput: \"1 2; 3 4\"\n```"),
                  line: 5, containing: "impossible settings: the kernel spans 3 rows but the padded input has only 2")
        expectOne(lessonWithBlock("```explore\nop: conv\nstride: 0\n```"), line: 7,
                  containing: "stride must be at least 1 (got 0)")
        expectOne(lessonWithBlock("```explore\nop: conv\ndilation: 4\n```"), line: 5,
                  containing: "the kernel spans 5 rows but the padded input has only 4")
        expectOne(lessonWithBlock("```explore\nop: pool\nkernel_size: 5\n```"), line: 5,
                  containing: "output would be empty")
        expectOne(lessonWithBlock("```explore\nop: convT\ninput: \"1\"\nkernel: \"1 1; 1 1\"\npadding: 1\n```"), line: 5,
                  containing: "impossible settings: the output would have 0 rows")
        expectOne(lessonWithBlock("```explore\nop: pool\nkernel_size: 2\npadding: 2\n```"), line: 5,
                  containing: "more than half the window")
        expectOne(lessonWithBlock("```explore\nop: fft\n```"), line: 6, containing: "unknown op 'fft'")
        expectOne(lessonWithBlock("```explore\nop: conv\ninput: \"1 2; 3\"\n```"), line: 7,
                  containing: "rows of different lengths in 'input': row 1 has 2 values but row 2 has 1")
        expectOne(lessonWithBlock("```explore\nop: pool\npass: backward\nupstream: \"1 1 1; 1 1 1\"\n```"), line: 8,
                  containing: "'upstream' is 2x3 but the output is 2x2")
    }

    @Test func predictQuizIsCheckedAgainstTheExplorer() {
        let explore = "```explore\nop: conv\n```\n\n"
        #expect(problems(lessonWithBlock(explore + "```quiz\npredict: 3\nquestion: q\nanswer: 14\n```")) == [])
        expectOne(lessonWithBlock(explore + "```quiz\npredict: 3\nquestion: q\nanswer: 5\n```"), line: 12,
                  containing: "the answer 5 is not the explorer's output at step 3 (14)")
        expectOne(lessonWithBlock(explore + "```quiz\npredict: 10\nquestion: q\nanswer: 5\n```"), line: 10,
                  containing: "predict: 10 is outside the explorer's steps 1...9")
        expectOne(lessonWithBlock("```quiz\npredict: 1\nquestion: q\nanswer: -3\n```"), line: 6,
                  containing: "'predict' needs an explore block earlier in the same step")
    }

    @Test func modelLayersThatDoNotFit() {
        expectOne(lessonWithBlock("```model\ninput: [3, 32, 32]\nlayers:\n  - Conv2d(3, 8, 5)\n  - Linear(400, 10)\n```"),
                  line: 9, containing: "Linear(400, 10) expects 400 features, gets 8x28x28 (6272 values): add Flatten()")
        expectOne(lessonWithBlock("```model\ninput: [3, 32, 32]\nlayers:\n  - Conv2d(1, 8, 5)\n```"),
                  line: 8, containing: "expects 1 input channels, gets 3 (3x32x32)")
        expectOne(lessonWithBlock("```model\ncourse: resnet\n```"), line: 6, containing: "unknown course model 'resnet'")
        expectOne(lessonWithBlock("```model\ninput: [3, 8, 8]\nlayers:\n  - Conv3d(3, 8, 5)\n```"),
                  line: 8, containing: "unknown layer 'Conv3d'")
    }

    /// The pane's shell command trains what the block trains: a written optimiser (and SGD's
    /// momentum) reach the command line for the course models too.
    @Test func trainBlockCommandCarriesItsOptimizer() throws {
        func command(_ body: String) throws -> String {
            let block = try #require(LessonParser.parse(lessonWithBlock("```train\n" + body + "```")).steps.first?.items
                .compactMap { if case .train(let train) = $0 { train } else { nil } }.first)
            return block.command
        }
        let adam = try command("model: cnn\noptimizer: adam\nlr: 0.001\n")
        #expect(adam.contains(" --optimizer adam --lr 0.001"), "\(adam)")
        let sgd = try command("model: cnn\noptimizer: sgd\nmomentum: 0.5\n")
        #expect(sgd.contains(" --optimizer sgd") && sgd.contains(" --momentum 0.5"), "\(sgd)")
        #expect(try !command("model: cnn\n").contains("--optimizer"))
    }

    /// A train block's own layers: read by NeuralNet's reader, shapes checked on the dataset's images.
    @Test func trainBlockWithLayers() throws {
        let good = "```train\nlayers:\n  - Conv2d(3, 8, 3, padding=1)\n  - BatchNorm2d(8)\n  - ReLU()\n  - AvgPool2d(2)\n  - Flatten()\n  - Linear(2048, 10)\nepochs: 2\n```"
        #expect(problems(lessonWithBlock(good)) == [])
        let block = try #require(LessonParser.parse(lessonWithBlock(good)).steps.first?.items.compactMap {
            if case .train(let train) = $0 { train } else { nil } }.first)
        #expect(block.model == .own && block.layers.count == 6)
        #expect(block.command.hasPrefix("cnnlab train --layers \"Conv2d(3, 8, 3, padding=1), BatchNorm2d(8)"))
        expectOne(lessonWithBlock("```train\nlayers:\n  - Conv2d(3, 8, 3)\n  - Flatten()\n  - Linear(2048, 10)\n```"),
                  line: 9, containing: "Linear(2048, 10) expects 2048 features, gets 7200 (8x30x30)")
        expectOne(lessonWithBlock("```train\nlayers:\n  - Conv2d(3, 8, 3)\n```"),
                  line: 7, containing: "the network's output is 8x30x30 per image")
        expectOne(lessonWithBlock("```train\nmodel: cnn\nlayers:\n  - ReLU()\n```"),
                  line: 7, containing: "write either 'model' or 'layers'")
        expectOne(lessonWithBlock("```train\ndata: fashion-mnist\nlayers:\n  - Conv2d(3, 8, 3)\n```"),
                  line: 8, containing: "expects 3 input channels, gets 1 (1x28x28)")
        // Sizes for the block's whole batch: one image of 100000x32x32 fits a tensor, 128 do not.
        let wide = "layers:\n  - Conv2d(3, 100000, 3, padding=1)\n  - AvgPool2d(32)\n  - Flatten()\n  - Linear(100000, 10)\n"
        expectOne(lessonWithBlock("```train\n" + wide + "```"),
                  line: 7, containing: "Conv2d(3, 100000, 3, padding=1) cannot take 3x32x32: too large: 128 x 100000")
        #expect(problems(lessonWithBlock("```train\n" + wide + "batch_size: 1\n```")) == [])
    }

    @Test func trainBlock() {
        #expect(problems(lessonWithBlock("```train\nmodel: cnn\n```")) == [])
        expectOne(lessonWithBlock("```train\nmodel: cnn\nlr: -1\n```"), line: 7, containing: "lr must be greater than 0")
        expectOne(lessonWithBlock("```train\nmodel: gpt\n```"), line: 6, containing: "unknown model 'gpt'")
    }

    @Test func fileStructureProblems() {
        expectOne("## Step\n\ntext\n", line: 1, containing: "missing title")
        expectOne("# T\n\ntext only\n", line: 1, containing: "no steps")
        expectOne("# T\n\n```quiz\nquestion: q\nanswer: 1\n```\n\n## S\n", line: 3, containing: "comes before the first step")
        expectOne("# T\n\n## S\n\n```quiz\nquestion: q\nanswer: 1\n", line: 5, containing: "never closed")
        expectOne("# T\n\n## S\n\n# Again\n", line: 5, containing: "a second '# ' title")
    }

    @Test func checkReportsFileLineMessage() {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let good = folder.write("good.md", lessonWithBlock("```quiz\nquestion: q\nanswer: 1\n```"))
        let bad = folder.write("bad.md", lessonWithBlock("```quizz\n```\n\n```quiz\nquestion: q\nanswer: x\n```"))
        #expect(LessonValidator.check(paths: [good]) == [])
        #expect(LessonValidator.check(paths: [good, bad]) == [
            "\(bad):5: unknown block 'quizz': did you mean 'quiz'? (expected explore, quiz, model, train, inspect, pytorch, text)",
            "\(bad):10: bad answer type: 'x' is not a number; a quiz without 'choices' needs a numeric answer",
        ])
        #expect(LessonValidator.check(paths: [folder.path + "/missing.md"]) == ["\(folder.path)/missing.md: no such file or folder"])
    }
}
