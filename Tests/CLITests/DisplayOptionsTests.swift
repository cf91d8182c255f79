import ArgumentParser
import Testing
import Training
@testable import cnnlab

/// `--ascii` and `--no-color` reach every command that draws, wherever they stand on the line.
@Suite("Display options")
struct DisplayOptionsTests {
    static let drawing: [[String]] = [
        ["train"], ["explore", "conv"], ["lesson", "1"], ["inspect"],
    ]

    @Test(arguments: drawing)
    func everyDrawingCommandTakesBothFlags(command: [String]) throws {
        for flags in [["--no-color", "--ascii"], ["--ascii", "--no-color"]] {
            let parsed = try CNNLab.parseAsRoot(command + flags)
            let display: DisplayOptions
            switch parsed {
            case let train as Train: display = train.display
            case let explore as Explore: display = explore.display
            case let lesson as LessonOpen: display = lesson.display
            case let inspect as Inspect: display = inspect.display
            default:
                Issue.record("\(command) parsed as \(type(of: parsed))")
                continue
            }
            #expect(display.noColor && display.ascii, "\(command + flags)")
            #expect(display.capabilities.colorMode == .none)
            #expect(!display.capabilities.unicode)
        }
    }

    @Test func theHomeScreenTakesThemToo() throws {
        let root = try #require(try CNNLab.parseAsRoot(["--no-color", "--ascii"]) as? CNNLab)
        #expect(root.display.noColor && root.display.ascii)
    }

    @Test func modelIsATypedChoice() throws {
        let train = try #require(try CNNLab.parseAsRoot(["train", "--model", "ae"]) as? Train)
        #expect(train.model == .autoencoder)
        #expect(throws: (any Error).self) { try CNNLab.parseAsRoot(["train", "--model", "resnet"]) }
        let evaluate = try #require(try CNNLab.parseAsRoot(["evaluate", "--model", "autoencoder", "--load", "x"]) as? Evaluate)
        #expect(evaluate.model == .autoencoder)
    }
}
