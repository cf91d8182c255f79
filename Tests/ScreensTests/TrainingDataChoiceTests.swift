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

    /// Waits (ticking the host) until `done` holds, at most 5 seconds.
    static func tick<P: TerminalProgram>(_ program: inout P, until done: (P) -> Bool) {
        for _ in 0..<100 where !done(program) {
            program.send(.tick)
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Esc while downloading cancels (an effect), the job removes its work folder, and the screen
    /// says "Download cancelled" with the two choices again.
    @Test func escCancelsADownloadAndNothingIsKept() throws {
        let destination = TemporaryFolder("download")
        let server = try SilentServer()
        defer { server.stop() }
        var home = Self.asking()
        let job = CIFAR10DownloadJob.start(CIFAR10Download(destination: destination.path, url: server.url))
        _ = home.run(home.receive(.downloadStarted(job)))
        let downloading = renderFrame(home, width: 80, height: 24, capabilities: .monochrome)
        #expect(downloading.text.contains("Downloading CIFAR-10") && downloading.text.contains("Esc cancels it"), "\(downloading.text)")
        #expect(downloading.text.contains("waiting for the server... (Esc cancels)") || downloading.text.contains("waiting for the server… (Esc cancels)"),
                "a silent server: no bytes yet\n\(downloading.text)")
        // Other keys are refused with what to do; s does not start training under a download.
        #expect(home.update(.key(.character("s"))).effects.isEmpty)
        #expect(renderFrame(home, width: 80, height: 24, capabilities: .monochrome).text.contains("Esc cancels it"))
        let command = home.update(.key(.escape))
        guard case .cancelDownload(let cancelled)? = command.effects.first else { Issue.record("\(command)"); return }
        #expect(cancelled === job && !job.isCancelling, "update only asks; the effect cancels")
        _ = home.run(command)
        #expect(job.isCancelling)
        Self.tick(&home) { renderFrame($0, width: 80, height: 24, capabilities: .monochrome).text.contains("Download cancelled") }
        let frame = renderFrame(home, width: 80, height: 24, capabilities: .monochrome)
        #expect(frame.text.contains("Download cancelled: the partial download was removed"), "\(frame.text)")
        #expect(frame.text.contains("d: download again") && frame.text.contains("s: train on the synthetic shapes"))
        #expect(frame.silentlyClipped.isEmpty)
        #expect(job.state == .cancelled)
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination.path) == [])
        guard case .downloadCIFAR10? = home.update(.key(.character("d"))).effects.first else {
            Issue.record("d downloads again"); return
        }
    }

    /// Ctrl-C (the host's stopBackgroundWork before exit) cancels a running download and waits
    /// until its work folder is gone.
    @Test func stoppingTheHostRemovesAPartialDownload() throws {
        let destination = TemporaryFolder("download")
        let server = try SilentServer()
        defer { server.stop() }
        var home = Self.asking()
        let download = CIFAR10Download(destination: destination.path, url: server.url)
        let job = CIFAR10DownloadJob.start(download)
        _ = home.run(home.receive(.downloadStarted(job)))
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: download.workFolder) { Thread.sleep(forTimeInterval: 0.02) }
        #expect(FileManager.default.fileExists(atPath: download.workFolder))
        #expect(home.stopBackgroundWork() == "Download cancelled: the partial download was removed; nothing was installed.")
        #expect(job.state == .cancelled)
        #expect(!FileManager.default.fileExists(atPath: download.workFolder))
    }
}

/// A lesson's train block (lessons 6 and 8) asks the same question as Home's Train when the
/// CIFAR-10 it names is missing: the same TrainingDataChoice, before anything starts.
@Suite struct LessonTrainingDataChoiceTests {
    static let missing = LessonDataChoice.choose(.cifar10(directory: nil),
                                                 catalog: .init(environment: ["CNNLAB_DATA": "/no/such"], homeDirectory: "/no/home"))

    /// The lesson's first train block focused, with CIFAR-10 missing.
    static func lesson(_ number: String, size: (Int, Int) = (80, 24)) throws -> LessonPlayer {
        let entry = try #require(LessonFiles.library.entry(named: number))
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: nil, screenSize: size)
        while player.paneBlocks.allSatisfy({ if case .train = $0 { false } else { true } }) { player.press(.right) }
        let pane = try #require(player.paneBlocks.firstIndex { if case .train = $0 { true } else { false } })
        _ = player.receive(.dataFound(step: player.stepIndex, pane: pane, missing))
        for _ in 0...pane { _ = player.update(.key(.tab)) }
        return player
    }

    @Test(arguments: [("6", "The course CNN"), ("8", "The autoencoder")])
    func enterAsksBeforeTraining(lesson number: String, network: String) throws {
        var player = try Self.lesson(number)
        let paneFrame = player.frame(80, 24)
        let pane = paneFrame.text
        #expect(pane.contains("CIFAR-10 is NOT on this machine. Enter asks first"), "\(pane)")
        // The key line fits whole at 80 columns (lesson 8's names i too: "Tab/q: text" then).
        let keys = paneFrame.lines.last ?? ""
        #expect(keys.contains("Enter: open the dashboard") && !keys.contains("…"), "\(keys)")
        #expect(keys.contains("i: interpolate") == (number == "8"))
        #expect(paneFrame.silentlyClipped.isEmpty)
        let enter = player.update(.key(.enter))
        #expect(enter.effects.allSatisfy { if case .startTraining = $0 { false } else { true } }, "nothing starts yet")
        #expect(player.isChoosingTrainingData && !player.isTraining)
        for (width, height) in [(80, 24), (120, 40)] {
            for capabilities in [TerminalCapabilities.full, .monochrome] {
                let frame = player.frame(width, height, capabilities)
                #expect(frame.text.contains("\(network) learns from CIFAR-10's photos"), "\(frame.text)")
                #expect(frame.text.contains("d: download CIFAR-10 now (cnnlab data get cifar10)"))
                #expect(frame.silentlyClipped.isEmpty)
            }
        }
        // d asks for the download; Esc goes back to the lesson; s trains on the shapes.
        var downloading = player
        guard case .downloadCIFAR10? = downloading.update(.key(.character("d"))).effects.first else {
            Issue.record("d should ask for the download"); return
        }
        var back = player
        _ = back.update(.key(.escape))
        #expect(!back.isChoosingTrainingData && !back.isTraining)
        #expect(back.frame(80, 24).text.contains("Enter asks first"))
        let shapes = player.update(.key(.character("s")))
        guard case .startTraining(let block, let data, _)? = shapes.effects.first else { Issue.record("\(shapes)"); return }
        #expect(data.used == .synthetic() && data.requested == .cifar10(directory: nil))
        #expect(block.model == (number == "6" ? .cnn : .autoencoder))
        #expect(!player.isChoosingTrainingData)
    }

    /// d, then the download finishes: training starts on the fetched folder, and the pane (and
    /// lesson 8's interpolation) use it from then on.
    @Test func aFinishedDownloadTrainsOnIt() throws {
        let scratch = TemporaryFolder("download"), destination = TemporaryFolder("download")
        let archive = try TinyCIFARArchive.make(in: scratch)
        var player = try Self.lesson("6")
        _ = player.update(.key(.enter))
        let job = CIFAR10DownloadJob.start(CIFAR10Download(destination: destination.path, url: URL(fileURLWithPath: archive.path),
                                                           expectedMD5: archive.md5))
        _ = player.receive(.downloadStarted(job))
        #expect(player.tickInterval != nil, "ticks poll the download")
        var started: ProgramCommand<LessonPlayer.Effect> = .none
        for _ in 0..<100 {
            started = player.update(.tick)
            if !started.effects.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let folder = destination.path + "/" + CIFAR10.archiveFolder
        guard case .startTraining(let block, let data, _)? = started.effects.first else { Issue.record("\(started)"); return }
        #expect(block.dataSpec == .cifar10(directory: folder))
        #expect(data.used == .cifar10(directory: folder) && !data.isSubstitute)
        #expect(!player.isChoosingTrainingData)
        #expect(player.frame(120, 40).text.contains("data: CIFAR-10 (found in"))
    }

    /// Lesson 6's block with CIFAR-10 present starts at once, as before.
    @Test func cifar10FoundStartsAtOnce() throws {
        var player = try Self.lesson("6")
        let found = LessonDataChoice(requested: .cifar10(directory: nil), used: .cifar10(directory: nil),
                                     lines: ["data: CIFAR-10 (found in /data/cifar-10-batches-bin)"])
        _ = player.receive(.dataFound(step: player.stepIndex, pane: player.paneIndex, found))
        let command = player.update(.key(.enter))
        guard case .startTraining(_, let data, _)? = command.effects.first else { Issue.record("\(command)"); return }
        #expect(data == found && !player.isChoosingTrainingData)
    }
}

/// A cifar-10-binary.tar.gz look-alike: the six batch files, one record each, made with tar.
enum TinyCIFARArchive {
    static func make(in scratch: TemporaryFolder) throws -> (path: String, md5: String) {
        for name in CIFAR10.trainFiles + [CIFAR10.testFile] {
            try scratch.write("src/\(CIFAR10.archiveFolder)/\(name)", [UInt8](repeating: 1, count: CIFAR10.recordSize))
        }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-czf", scratch.path + "/fake.tar.gz", "-C", scratch.path + "/src", CIFAR10.archiveFolder]
        try tar.run()
        tar.waitUntilExit()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/fake.tar.gz"))
        return (scratch.path + "/fake.tar.gz", MD5.hex([UInt8](bytes)))
    }
}
