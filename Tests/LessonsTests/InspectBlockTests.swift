import Testing
@testable import Lessons

/// The ```inspect block: what a teacher writes to open the inspector over a lesson, read into
/// the train block it opens and the place it starts; each mistake one problem on its line.
@Suite("Inspect blocks")
struct InspectBlockTests {
    static let train = "```train\nmodel: cnn\ndata: synthetic\nid: base\n```\n\n"

    func blocks(_ source: String) -> [InspectBlock] {
        LessonParser.parse(source).steps.flatMap(\.items).compactMap { if case .inspect(let block) = $0 { return block } else { return nil } }
    }

    func expectOne(_ body: String, line: Int, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let found = LessonParser.parse(lessonWithBlock(body)).problems
        #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
        #expect(found.first?.line == line, "\(found)", sourceLocation: sourceLocation)
        #expect(found.first?.message.contains(text) == true, "\(found)", sourceLocation: sourceLocation)
    }

    @Test("a full block opens the named train block's network where it says, in the pane")
    func readsEveryKey() throws {
        let source = lessonWithBlock(Self.train + "```train\nmodel: autoencoder\ndata: synthetic\n```\n\n"
            + "```inspect\ntrain: base\nimage: 4\nlayer: 3\nchannel: 2\ncell: [5, 6]\nview: step\n```")
        let lesson = LessonParser.parse(source)
        #expect(lesson.problems.isEmpty, "\(lesson.problems)")
        let block = try #require(blocks(source).first)
        #expect(block.train.checkpointName == "base" && block.train.model == .cnn, "the named block, not the nearest")
        #expect(block.image == 4 && block.layer == 3 && block.channel == 2)
        #expect(block.cell?.row == 5 && block.cell?.column == 6)
        #expect(block.view == .step)
        #expect(lesson.steps[0].paneBlocks.contains(.inspect(block)))
    }

    @Test("without 'train' the nearest train block above is opened; defaults are image 0, the network view")
    func defaultsToTheNearestTrainBlockAbove() throws {
        let source = lessonWithBlock(Self.train + "```train\nmodel: autoencoder\ndata: synthetic\n```\n\n```inspect\nview: interpolation\npartner: 9\n```")
        let block = try #require(blocks(source).first)
        #expect(block.train.model == .autoencoder && block.train.checkpointName == "train-2")
        #expect(block.image == 0 && block.layer == nil && block.partner == 9)
        let plain = try #require(blocks(lessonWithBlock(Self.train + "```inspect\nimage: 1\n```")).first)
        #expect(plain.view == .network)
    }

    @Test("each mistake is one problem at its line, naming what would be valid")
    func mistakes() {
        // Lines: 1 title, 3 step, 5-9 the train block, 11 the inspect fence.
        expectOne("```inspect\nimage: 2\n```", line: 5, containing: "put a ```train block above it")
        expectOne(Self.train + "```inspect\ntrain: nope\n```", line: 12, containing: "no train block 'nope' above this inspect block (above: base)")
        expectOne(Self.train + "```inspect\nlayer: 10\n```", line: 12, containing: "layer must be a module index from 0 to 9 of the course cnn (got 10)")
        expectOne(Self.train + "```inspect\nlayer: 3\nchannel: 16\n```", line: 13, containing: "has 16 channels: channel must be 0 to 15")
        expectOne(Self.train + "```inspect\nlayer: 3\ncell: [10, 2]\n```", line: 13, containing: "row 0 to 9 and column 0 to 9 (got [10, 2])")
        expectOne(Self.train + "```inspect\nlayer: 7\ncell: [0, 0]\n```", line: 13, containing: "outputs a flat 256: it has no cells")
        expectOne(Self.train + "```inspect\nview: interpolation\n```", line: 12, containing: "needs an autoencoder")
        expectOne(Self.train + "```inspect\nview: explain\n```", line: 12, containing: "'view: explain' needs a 'layer'")
        expectOne(Self.train + "```inspect\nview: zoom\n```", line: 12, containing: "unknown view 'zoom' (expected network, layer, explain, step")
        expectOne(Self.train + "```inspect\nimage: -1\n```", line: 12, containing: "0 or more (got -1)")
        expectOne(Self.train + "```inspect\npartner: 3\n```", line: 12, containing: "'partner' is the second image of 'view: interpolation'")
        expectOne(Self.train + "```inspect\nimgae: 3\n```", line: 12, containing: "'imgae'")
        // An autoencoder has no classes: no gallery or saliency.
        expectOne("```train\nmodel: autoencoder\ndata: synthetic\n```\n\n```inspect\nview: gallery\n```", line: 11, containing: "needs a classifier")
    }

    @Test("a train block below the inspect block does not count: the lesson trains before it inspects")
    func trainBlockBelowIsNotFound() {
        let found = LessonParser.parse(lessonWithBlock("```inspect\nimage: 0\n```\n\n" + Self.train)).problems
        #expect(found.contains { $0.line == 5 && $0.message.contains("put a ```train block above it") }, "\(found)")
    }

    @Test("own networks: layers and channels are checked on the data's image shape")
    func ownNetworkShapes() {
        let own = "```train\nlayers:\n  - Conv2d(3, 4, 3, padding=1)\n  - ReLU()\n  - Flatten()\n  - Linear(4096, 10)\ndata: synthetic\n```\n\n"
        #expect(LessonParser.parse(lessonWithBlock(own + "```inspect\nlayer: 1\nchannel: 3\ncell: [31, 31]\nview: explain\n```")).problems.isEmpty)
        // Lines: train fence 5, its body 6-11, closing 12; inspect fence 14, layer 15, channel 16.
        expectOne(own + "```inspect\nlayer: 1\nchannel: 4\n```", line: 16, containing: "layer 1 (ReLU()) has 4 channels")
    }
}
