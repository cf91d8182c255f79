import Foundation

/// `cnnlab data get cifar10`: download the official archive, check its MD5, unpack it, and
/// only then move `cifar-10-batches-bin` into place. Everything in between lives in a hidden
/// work folder inside the destination, removed on failure; so a failed or interrupted
/// download leaves nothing half-written where the loader looks.
public struct CIFAR10Download: Sendable {
    public static let officialURL = URL(string: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")!
    public static let officialMD5 = "c32a1d4ab5d03f1284b67883e8d87530"
    /// Overrides the URL (tests serve a small archive from file:// or 127.0.0.1).
    public static let urlVariable = "CNNLAB_CIFAR10_URL"
    static let workFolderPrefix = ".cnnlab-download-"

    public var url: URL
    public var expectedMD5: String
    /// The folder that will hold `cifar-10-batches-bin` (e.g. ~/.cache/cnnlab).
    public var destination: String

    public init(destination: String, url: URL = CIFAR10Download.officialURL, expectedMD5: String = CIFAR10Download.officialMD5) {
        self.destination = destination
        self.url = url
        self.expectedMD5 = expectedMD5.lowercased()
    }

    /// Where the data will be once unpacked.
    public var dataFolder: String { FileBytes.join(destination, CIFAR10.archiveFolder) }
    /// The temporary folder of this process; remove it if the process is interrupted.
    public var workFolder: String { FileBytes.join(destination, Self.workFolderPrefix + String(getpid())) }

    /// What to tell someone whose download failed.
    public var manualInstructions: String {
        "Nothing was kept. To install by hand: download \(Self.officialURL.absoluteString) (MD5 \(Self.officialMD5)) on a machine with internet, then run `cnnlab data get cifar10 --archive cifar-10-binary.tar.gz`, or `mkdir -p \(destination) && tar -xzf cifar-10-binary.tar.gz -C \(destination)`."
    }

    /// Downloads, checks and unpacks; returns the folder holding the data files. Once
    /// `cancellation` is set it stops (between chunks, while waiting for the network, or by
    /// ending tar), removes the work folder and throws `DatasetError.downloadCancelled`.
    public func run(cancellation: DownloadCancellation = DownloadCancellation(),
                    progress: @escaping ArchiveDownload.Progress) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.downloadFailed(reason: "Cannot create \(destination) (\(error.localizedDescription)).", hint: "Choose another folder with --dest.")
        }
        removeAbandonedWorkFolders()
        try? FileManager.default.removeItem(atPath: workFolder)
        defer { try? FileManager.default.removeItem(atPath: workFolder) }
        do {
            try FileManager.default.createDirectory(atPath: workFolder, withIntermediateDirectories: false)
            let archive = FileBytes.join(workFolder, "cifar-10-binary.tar.gz")
            let digest = try ArchiveDownload.fetch(url, to: archive, cancellation: cancellation, progress: progress)
            guard digest == expectedMD5 else {
                throw DatasetError.downloadFailed(
                    reason: "The archive's MD5 is \(digest), expected \(expectedMD5): the file is damaged or not the CIFAR-10 binary archive.", hint: "")
            }
            let unpacked = FileBytes.join(workFolder, "unpacked")
            try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: false)
            try untar(archive, into: unpacked, cancellation: cancellation)
            let newData = FileBytes.join(unpacked, CIFAR10.archiveFolder)
            try checkUnpacked(newData)
            try cancellation.check()        // the last moment a cancel keeps the old data as it was
            try moveIntoPlace(newData)
            return dataFolder
        } catch let error as DatasetError {
            if case .downloadCancelled = error { throw error }
            if case let .downloadFailed(reason, _) = error {
                throw DatasetError.downloadFailed(reason: reason, hint: manualInstructions)
            }
            throw DatasetError.downloadFailed(reason: error.description, hint: manualInstructions)
        } catch {
            throw DatasetError.downloadFailed(reason: error.localizedDescription, hint: manualInstructions)
        }
    }

    private func untar(_ archive: String, into folder: String, cancellation: DownloadCancellation) throws {
        try cancellation.check()
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: FileManager.default.fileExists(atPath: "/bin/tar") ? "/bin/tar" : "/usr/bin/tar")
        tar.arguments = ["-xzf", archive, "-C", folder]
        // tar's complaints go to a file in the work folder: the wait below polls for a cancel, so
        // nothing reads a pipe meanwhile.
        let errorsPath = FileBytes.join(workFolder, "tar-errors.txt")
        _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
        let errors = FileHandle(forWritingAtPath: errorsPath)
        defer { try? errors?.close() }
        tar.standardError = errors ?? FileHandle.nullDevice
        do {
            try tar.run()
        } catch {
            throw DatasetError.downloadFailed(reason: "Cannot run tar to unpack the archive (\(error.localizedDescription)).", hint: "")
        }
        while tar.isRunning {
            if cancellation.isCancelled { tar.terminate() }
            Thread.sleep(forTimeInterval: 0.02)
        }
        tar.waitUntilExit()
        try cancellation.check()
        let message = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
        guard tar.terminationStatus == 0 else {
            let detail = message.split(separator: "\n").first.map(String.init) ?? "exit status \(tar.terminationStatus)"
            throw DatasetError.downloadFailed(reason: "Unpacking the archive failed: \(detail).", hint: "")
        }
    }

    /// The unpacked folder must hold all six batch files, each a whole number of records.
    private func checkUnpacked(_ folder: String) throws {
        for name in CIFAR10.trainFiles + [CIFAR10.testFile] {
            let path = FileBytes.join(folder, name)
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue else {
                throw DatasetError.downloadFailed(reason: "The archive has no \(CIFAR10.archiveFolder)/\(name).", hint: "")
            }
            guard size > 0, size % CIFAR10.recordSize == 0 else {
                throw DatasetError.downloadFailed(reason: "\(CIFAR10.archiveFolder)/\(name) in the archive has \(size) bytes, not whole 3073-byte records.", hint: "")
            }
        }
    }

    /// Renames the new folder into place; an older copy is moved into the work folder first (then deleted with it).
    private func moveIntoPlace(_ newData: String) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: dataFolder) {
            try manager.moveItem(atPath: dataFolder, toPath: FileBytes.join(workFolder, "previous"))
        }
        try manager.moveItem(atPath: newData, toPath: dataFolder)
    }

    /// Work folders of earlier runs that were killed (their process is gone) are deleted.
    private func removeAbandonedWorkFolders() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: destination) else { return }
        for name in names where name.hasPrefix(Self.workFolderPrefix) {
            guard let pid = Int32(name.dropFirst(Self.workFolderPrefix.count)) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: FileBytes.join(destination, name))
            }
        }
    }
}
