import ArgumentParser
import Datasets
import Foundation

/// `cnnlab data`: find and fetch datasets.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Find and download datasets.",
        discussion: """
            Datasets are looked for in --data DIR, then $CNNLAB_DATA, then ~/.cache/cnnlab
            (Fashion-MNIST also in /usr/share/datasets/fashion-mnist).
            Examples:
              cnnlab data list
              cnnlab data get cifar10
              cnnlab data get cifar10 --archive ~/Downloads/cifar-10-binary.tar.gz
            """,
        subcommands: [List.self, Get.self, Export.self],
        defaultSubcommand: List.self
    )

    /// `cnnlab data list`: which datasets were found, and where.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show which datasets were found, where, and each one's image shape (C x H x W).")

        mutating func run() throws {
            let entries = DatasetCatalog.discover()
            let width = entries.map(\.name.count).max() ?? 0
            for entry in entries {
                let shape = entry.imageShape.map(String.init).joined(separator: "x")
                print(entry.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + shape.padding(toLength: 7, withPad: " ", startingAt: 0) + "  " + entry.summary)
            }
        }
    }

    /// `cnnlab data export synthetic DIR`: write the generated shapes as CIFAR-10 binary files.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a dataset (synthetic[:N], or any 3x32x32 --data spec) as CIFAR-10 binary files, e.g. to train it in PyTorch.")

        @Argument(help: "The dataset spec, e.g. synthetic or synthetic:2000.")
        var spec: String

        @Argument(help: "The folder to write data_batch_1..5.bin, test_batch.bin and batches.meta.txt into.")
        var directory: String

        mutating func run() throws {
            do {
                let split = try DatasetCatalog.load(try DatasetSpec.parse(spec))
                try CIFAR10.write(split, to: directory)
                print("Wrote \(split.train.count) training and \(split.test.count) test images to \(directory) (CIFAR-10 binary layout).")
            } catch let error as DatasetError {
                fail("\(error)")
            }
        }
    }

    /// `cnnlab data get cifar10`: download, check and unpack the official archive.
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download CIFAR-10 (binary version, 163 MB), check its MD5 and unpack it.",
            discussion: "Fashion-MNIST comes from Debian's dataset-fashion-mnist package: sudo apt-get install dataset-fashion-mnist")

        @Argument(help: "The dataset to fetch: cifar10.")
        var dataset: String

        @Option(name: .long, help: "Folder to put cifar-10-batches-bin in (default: ~/.cache/cnnlab).")
        var dest: String?

        @Option(name: .long, help: "Install from a cifar-10-binary.tar.gz you already have instead of downloading.")
        var archive: String?

        @Option(name: .long, help: .hidden)
        var url: String?

        @Option(name: .customLong("expected-md5"), help: .hidden)
        var expectedMD5: String?

        @Flag(name: .long, help: "Download again even if CIFAR-10 is already there.")
        var force = false

        mutating func run() throws {
            guard ["cifar10", "cifar-10", "cifar"].contains(dataset.lowercased()) else {
                if dataset.lowercased().contains("fashion") {
                    fail("Fashion-MNIST is not downloaded by cnnlab: install Debian's package with `sudo apt-get install dataset-fashion-mnist` (or pass --data DIR).")
                }
                fail("cnnlab data get fetches cifar10 only (not '\(dataset)').")
            }
            let catalog = DatasetCatalog()
            var download = CIFAR10Download(destination: dest.map(expandTilde) ?? catalog.cacheDirectory)
            if let source = try sourceURL() { download.url = source }
            if let expectedMD5 { download.expectedMD5 = expectedMD5.lowercased() }

            if !force, CIFAR10.dataDirectory(in: download.destination) != nil {
                print("CIFAR-10 is already in \(download.dataFolder) (use --force to fetch it again).")
                return
            }
            InterruptCleanup.install(removing: download.workFolder)
            defer { InterruptCleanup.uninstall() }
            FileHandle.standardError.write(Data("Fetching \(download.url.absoluteString)\n".utf8))
            let bar = ProgressLine()
            do {
                let folder = try download.run(progress: bar.update)
                bar.finish()
                let split = try CIFAR10.load(from: folder)
                print("CIFAR-10 ready in \(folder): \(split.train.count) training and \(split.test.count) test images (MD5 checked).")
            } catch {
                bar.finish()
                fail("\(error)")
            }
        }

        /// --archive, then --url, then $CNNLAB_CIFAR10_URL; nil means the official URL.
        private func sourceURL() throws -> URL? {
            if let archive {
                let path = expandTilde(archive)
                guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("--archive \(archive): no such file") }
                return URL(fileURLWithPath: path).standardizedFileURL
            }
            guard let text = url ?? ProcessInfo.processInfo.environment[CIFAR10Download.urlVariable], !text.isEmpty else { return nil }
            guard let parsed = URL(string: text), ["http", "https", "file"].contains(parsed.scheme ?? "") else {
                throw ValidationError("download URL '\(text)' is not an http, https or file URL")
            }
            return parsed
        }

        private func expandTilde(_ path: String) -> String { NSString(string: path).expandingTildeInPath }
    }
}

/// Prints `cnnlab data: MESSAGE` on standard error and exits with status 1.
private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("cnnlab data: \(message)\n".utf8))
    exit(1)
}

/// The progress bar on standard error: redrawn in place on a terminal (at most 10 times a
/// second), otherwise one line per 10%.
private final class ProgressLine: @unchecked Sendable {
    // @unchecked: state is guarded by `lock`; updates come from the download's delegate queue.
    private let lock = NSLock()
    private let start = Date()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast
    private var lastDecile = -1
    private var drewInPlace = false

    func update(received: Int64, total: Int64?) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let line = DownloadProgress.line(received: received, total: total, seconds: now.timeIntervalSince(start))
        if isTerminal {
            guard now.timeIntervalSince(lastDraw) >= 0.1 || received == total else { return }
            lastDraw = now
            drewInPlace = true
            FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        } else if let total, total > 0 {
            let decile = Int(received * 10 / total)
            guard decile > lastDecile else { return }
            lastDecile = decile
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drewInPlace { FileHandle.standardError.write(Data("\n".utf8)) }
        drewInPlace = false
    }
}

/// On Ctrl-C during a download: remove the work folder, say so, and exit with status 130.
private enum InterruptCleanup {
    // A signal source must outlive the call that installs it; only `cnnlab data get` uses it, once.
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    static func install(removing folder: String) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            try? FileManager.default.removeItem(atPath: folder)
            FileHandle.standardError.write(Data("\nInterrupted: the partial download was deleted; nothing was installed.\n".utf8))
            exit(130)
        }
        source.resume()
        self.source = source
    }

    static func uninstall() {
        source?.cancel()
        source = nil
        signal(SIGINT, SIG_DFL)
    }
}
