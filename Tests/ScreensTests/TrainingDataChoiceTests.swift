import Datasets
import Foundation
import Lessons
import Terminal
import TestSupport
import Testing
@testable import Screens

/// Home's Train without CIFAR-10: a plain choice before anything starts (download now, with
/// its progress on screen, or the built-in shapes); a failed download says why and asks again.
@Suite struct TrainingDataChoiceTests {
    static func asking() -> HomeScreen {
        var home = HomeScreen(library: .success(LessonFiles.library), store: nil)
        _ = home.run(home.receive(.trainingData(TrainBlock.recipe(for: .cnn), savePath: nil, cifar10: nil)))
        return home
    }

    @Test func missingCIFAR10AsksBeforeTraining() {
        var home = Self.asking()
        #expect(home.isChoosingTrainingData && !home.isTraining)
        let frame = renderFrame(home, width: 80, height: 24, capabilities: .monochrome)
        #expect(frame.text.contains("CIFAR-10 is not on this machine."), "\(frame.text)")
        #expect(frame.text.contains("d: download CIFAR-10 now (cnnlab data get cifar10)"))
        #expect(frame.text.contains("s: train on the built-in synthetic shapes"))
        #expect(frame.silentlyClipped.isEmpty)
        // Keys it does not know change nothing; d asks for the download as an effect.
        #expect(home.update(.key(.character("x"))).effects.isEmpty)
        guard case .downloadCIFAR10? = home.update(.key(.character("d"))).effects.first else {
            Issue.record("d should ask for the download"); return
        }
        var shapes = Self.asking()
        guard case .startTraining(let block, nil)? = shapes.update(.key(.character("s"))).effects.first else {
            Issue.record("s should start training"); return
        }
        #expect(block.dataSpec == .synthetic())
        #expect(!shapes.isChoosingTrainingData)
        var back = Self.asking()
        _ = back.update(.key(.escape))
        #expect(!back.isChoosingTrainingData && !back.isTraining)
    }

    @Test func cifar10FoundStartsAtOnce() {
        var home = HomeScreen(library: .success(LessonFiles.library), store: nil)
        let command = home.receive(.trainingData(TrainBlock.recipe(for: .cnn), savePath: nil, cifar10: "/data/cifar-10-batches-bin"))
        guard case .startTraining(let block, nil)? = command.effects.first else { Issue.record("\(command)"); return }
        #expect(block.dataSpec == .cifar10(directory: "/data/cifar-10-batches-bin"))
        #expect(!home.isChoosingTrainingData)
    }

    @Test func aFailedDownloadSaysWhyAndAsksAgain() throws {
        let folder = TemporaryFolder("download")
        defer { folder.remove() }
        var home = Self.asking()
        // Offline: the archive is not there (as the official URL fails with no internet).
        let job = CIFAR10DownloadJob.start(CIFAR10Download(destination: folder.path,
                                                           url: URL(fileURLWithPath: folder.path + "/missing.tar.gz")))
        _ = home.run(home.receive(.downloadStarted(job)))
        #expect(home.tickInterval != nil)
        let downloading = renderFrame(home, width: 80, height: 24, capabilities: .monochrome).text
        #expect(downloading.contains("Downloading CIFAR-10") || downloading.contains("The download failed"), "\(downloading)")
        // Keys wait while it runs; ticks poll it.
        for _ in 0..<100 {
            home.send(.tick)
            if renderFrame(home, width: 80, height: 24, capabilities: .monochrome).text.contains("s: train on the synthetic shapes") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let failed = renderFrame(home, width: 80, height: 24, capabilities: .monochrome)
        #expect(failed.text.contains("Cannot read"), "the download's own reason\n\(failed.text)")
        #expect(failed.text.contains("s: train on the synthetic shapes"))
        #expect(failed.silentlyClipped.isEmpty)
        #expect(home.isChoosingTrainingData && !home.isTraining)
        guard case .startTraining(let block, nil)? = home.update(.key(.character("s"))).effects.first else {
            Issue.record("s should train on the shapes after a failed download"); return
        }
        #expect(block.dataSpec == .synthetic())
    }
}
