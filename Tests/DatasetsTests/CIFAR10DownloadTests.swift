import Foundation
import TestSupport
import Testing
@testable import Datasets

@Suite struct MD5Tests {
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func rfc1321TestSuite(message: String, digest: String) {
        #expect(MD5.hex(Array(message.utf8)) == digest)
    }

    @Test func feedingInUnevenChunksGivesTheSameDigest() {
        let data = (0 ..< 10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 5) }
        var md5 = MD5()
        var start = 0
        for size in [1, 63, 64, 65, 127, 1000, 3] + Array(repeating: 500, count: 40) where start < data.count {
            md5.update(Array(data[start ..< min(start + size, data.count)]))
            start += size
        }
        md5.update(Array(data[min(start, data.count)...]))
        #expect(md5.finalize() == MD5.hex(data))
        #expect(MD5.hex(data) != MD5.hex(data.dropLast()))
    }

    @Test(.enabled(if: SharedFiles.cifarSample != nil, "needs ../shared/data/cifar10-sample"))
    func theCourseSampleFilesHaveTheirPublishedDigests() throws {
        let sample = try #require(SharedFiles.cifarSample)
        let bytes = try FileBytes.read(sample + "/data_batch_1.bin")
        #expect(MD5.hex(bytes) == "62f96788be656b9613f40150fe2dda66")
    }
}

@Suite struct DownloadProgressTests {
    @Test func drawsABarWithPercentSizeAndSpeed() {
        #expect(DownloadProgress.line(received: 81_300_000, total: 162_600_000, seconds: 10, width: 10)
                == "[#####.....]  50%  81.3/162.6 MB 8.1 MB/s")
        #expect(DownloadProgress.line(received: 2_000_000, total: nil, seconds: 0) == "2.0 MB")
    }
}

@Suite(.serialized) struct CIFAR10DownloadTests {
    /// A cifar-10-binary.tar.gz look-alike holding tiny batch files, made with the system's tar.
    private func fakeArchive(in scratch: TemporaryFolder) throws -> (path: String, md5: String) {
        try Fixtures.writeCIFAR(in: scratch, subfolder: "src/" + CIFAR10.archiveFolder, meta: CIFAR10.standardClassNames.joined(separator: "\n"))
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-czf", scratch.path + "/fake.tar.gz", "-C", scratch.path + "/src", CIFAR10.archiveFolder]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        let bytes = try FileBytes.read(scratch.path + "/fake.tar.gz")
        return (scratch.path + "/fake.tar.gz", MD5.hex(bytes))
    }

    private func leftovers(_ destination: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: destination).sorted()
    }

    @Test func installsFromAFileURLAndTheLoaderFindsIt() throws {
        let scratch = TemporaryFolder("datasets"), destination = TemporaryFolder("datasets")
        let archive = try fakeArchive(in: scratch)
        let download = CIFAR10Download(destination: destination.path, url: URL(fileURLWithPath: archive.path), expectedMD5: archive.md5)
        let folder = try download.run { _, _ in }
        #expect(folder == destination.path + "/cifar-10-batches-bin")
        #expect(try leftovers(destination.path) == ["cifar-10-batches-bin"])
        let split = try DatasetCatalog(environment: ["CNNLAB_DATA": destination.path], homeDirectory: scratch.path).load(.cifar10(directory: nil))
        #expect(split.train.count == 10 && split.test.count == 3)
    }

    @Test func downloadsOverLoopbackHTTPWithProgress() throws {
        let scratch = TemporaryFolder("datasets"), destination = TemporaryFolder("datasets")
        let archive = try fakeArchive(in: scratch)
        let server = try LoopbackHTTPServer(body: try FileBytes.read(archive.path))
        defer { server.stop() }
        let seen = ProgressRecorder()
        let download = CIFAR10Download(destination: destination.path, url: server.url, expectedMD5: archive.md5)
        _ = try download.run { received, total in seen.record(received, total) }
        #expect(try leftovers(destination.path) == ["cifar-10-batches-bin"])
        let last = try #require(seen.last)
        #expect(last.received == last.total)
        #expect(CIFAR10.dataDirectory(in: destination.path) != nil)
    }

    @Test func anMD5MismatchKeepsNothingAndSaysWhy() throws {
        let scratch = TemporaryFolder("datasets"), destination = TemporaryFolder("datasets")
        let archive = try fakeArchive(in: scratch)
        let server = try LoopbackHTTPServer(body: try FileBytes.read(archive.path))
        defer { server.stop() }
        let download = CIFAR10Download(destination: destination.path, url: server.url, expectedMD5: CIFAR10Download.officialMD5)
        let error = #expect(throws: DatasetError.self) { try download.run { _, _ in } }
        let message = try #require(error).description
        #expect(message.hasPrefix("The archive's MD5 is \(archive.md5), expected c32a1d4ab5d03f1284b67883e8d87530"))
        #expect(message.contains("Nothing was kept. To install by hand"))
        #expect(try leftovers(destination.path) == [])
    }

    @Test func aDroppedConnectionAndAnHTTPErrorKeepNothing() throws {
        let scratch = TemporaryFolder("datasets"), destination = TemporaryFolder("datasets")
        let archive = try fakeArchive(in: scratch)
        let bytes = try FileBytes.read(archive.path)
        let dropping = try LoopbackHTTPServer(body: bytes, truncateAt: bytes.count / 2)
        defer { dropping.stop() }
        let dropped = #expect(throws: DatasetError.self) {
            try CIFAR10Download(destination: destination.path, url: dropping.url, expectedMD5: archive.md5).run { _, _ in }
        }
        #expect(dropped != nil)
        #expect(try leftovers(destination.path) == [])

        let missing = try LoopbackHTTPServer(body: [], status: 404)
        defer { missing.stop() }
        let notFound = #expect(throws: DatasetError.self) {
            try CIFAR10Download(destination: destination.path, url: missing.url, expectedMD5: archive.md5).run { _, _ in }
        }
        #expect(try #require(notFound).description.hasPrefix("The server answered HTTP 404"))
        #expect(try leftovers(destination.path) == [])
    }

    /// Cancelled while the server says nothing (a stalled network): the download stops within a
    /// moment, says "cancelled", and leaves no work folder.
    @Test func cancellingAStalledDownloadStopsAndKeepsNothing() throws {
        let destination = TemporaryFolder("datasets")
        let server = try SilentServer()
        defer { server.stop() }
        let cancellation = DownloadCancellation()
        let download = CIFAR10Download(destination: destination.path, url: server.url)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
            #expect(FileManager.default.fileExists(atPath: download.workFolder), "the work folder exists while it waits")
            cancellation.cancel()
        }
        let started = Date()
        #expect(throws: DatasetError.downloadCancelled) { try download.run(cancellation: cancellation) { _, _ in } }
        #expect(Date().timeIntervalSince(started) < 5, "stopped soon after the cancel, not at the 30 s timeout")
        #expect(try leftovers(destination.path) == [])
        #expect(DatasetError.downloadCancelled.description.hasPrefix("Download cancelled"))
    }

    /// Cancelled between two chunks of a file:// source (CNNLAB_CIFAR10_URL can name one): the
    /// partial copy goes, and CIFAR-10 already in place stays as it was.
    @Test func cancellingBetweenChunksKeepsTheDataAlreadyThere() throws {
        let scratch = TemporaryFolder("datasets"), destination = TemporaryFolder("datasets")
        let big = try scratch.write("big.tar.gz", [UInt8](repeating: 7, count: 3 << 20))   // three 1 MiB chunks
        let marker = try destination.write(CIFAR10.archiveFolder + "/old.txt", Array("old".utf8))
        let cancellation = DownloadCancellation()
        let seen = ProgressRecorder()
        let download = CIFAR10Download(destination: destination.path, url: URL(fileURLWithPath: big))
        #expect(throws: DatasetError.downloadCancelled) {
            try download.run(cancellation: cancellation) { received, total in
                seen.record(received, total)
                cancellation.cancel()
            }
        }
        #expect(seen.last?.received == 1 << 20, "stopped after the first chunk")
        #expect(try leftovers(destination.path) == [CIFAR10.archiveFolder])
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test func anArchiveWithoutTheBatchFilesIsNotInstalled() throws {
        let scratch = TemporaryFolder("datasets"), destination = TemporaryFolder("datasets")
        try scratch.write("src/other/readme.txt", Array("hi".utf8))
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-czf", scratch.path + "/wrong.tar.gz", "-C", scratch.path + "/src", "other"]
        try tar.run()
        tar.waitUntilExit()
        let md5 = MD5.hex(try FileBytes.read(scratch.path + "/wrong.tar.gz"))
        let error = #expect(throws: DatasetError.self) {
            try CIFAR10Download(destination: destination.path, url: scratch.url("wrong.tar.gz"), expectedMD5: md5).run { _, _ in }
        }
        #expect(try #require(error).description.hasPrefix("The archive has no cifar-10-batches-bin/data_batch_1.bin."))
        #expect(try leftovers(destination.path) == [])
    }
}

/// Collects progress callbacks from the download's queue.
final class ProgressRecorder: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var calls: [(received: Int64, total: Int64?)] = []

    func record(_ received: Int64, _ total: Int64?) {
        lock.lock()
        calls.append((received, total))
        lock.unlock()
    }

    var last: (received: Int64, total: Int64?)? {
        lock.lock()
        defer { lock.unlock() }
        return calls.last
    }
}
