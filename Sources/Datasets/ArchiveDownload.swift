import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Streams a URL (http, https or file) into a file, computing its MD5 and reporting progress.
///
/// Used by `CIFAR10Download`; kept apart so the transfer can be tested against a local server.
public enum ArchiveDownload {
    /// Progress callback: bytes received so far and the total when the server announced it.
    public typealias Progress = @Sendable (_ received: Int64, _ total: Int64?) -> Void

    /// Copies `url` into a new file at `path`; returns the MD5 hex digest of the bytes written.
    /// Throws `DatasetError.downloadFailed` with what happened, or `downloadCancelled` soon after
    /// `cancellation` is set (checked between chunks and while waiting for the network); the
    /// caller removes `path`.
    public static func fetch(_ url: URL, to path: String, cancellation: DownloadCancellation = DownloadCancellation(),
                             progress: @escaping Progress) throws -> String {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let output = FileHandle(forWritingAtPath: path) else {
            throw DatasetError.downloadFailed(reason: "Cannot create \(path).", hint: "")
        }
        defer { try? output.close() }
        if url.isFileURL { return try copyLocalFile(url.path, into: output, cancellation: cancellation, progress: progress) }
        return try streamOverNetwork(url, into: output, cancellation: cancellation, progress: progress)
    }

    private static func copyLocalFile(_ source: String, into output: FileHandle, cancellation: DownloadCancellation,
                                      progress: Progress) throws -> String {
        guard let input = FileHandle(forReadingAtPath: source) else {
            throw DatasetError.downloadFailed(reason: "Cannot read \(source).", hint: "")
        }
        defer { try? input.close() }
        let total = (try? FileManager.default.attributesOfItem(atPath: source)[.size] as? NSNumber)?.int64Value
        var md5 = MD5()
        var received: Int64 = 0
        while true {
            try cancellation.check()
            let chunk = input.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { md5.update($0) }
            output.write(chunk)
            received += Int64(chunk.count)
            progress(received, total)
        }
        return md5.finalize()
    }

    private static func streamOverNetwork(_ url: URL, into output: FileHandle, cancellation: DownloadCancellation,
                                          progress: @escaping Progress) throws -> String {
        let receiver = StreamingReceiver(output: output, progress: progress)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1   // the receiver's state is touched only from this queue
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        let session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: queue)
        let task = session.dataTask(with: url)
        task.resume()
        // Wait in short slices so a cancel is seen even while no bytes arrive (connecting, a stall).
        var cancelled = false
        while receiver.finished.wait(timeout: .now() + 0.1) == .timedOut {
            if !cancelled && cancellation.isCancelled {
                cancelled = true
                task.cancel()
            }
        }
        session.finishTasksAndInvalidate()
        if cancelled || cancellation.isCancelled { throw DatasetError.downloadCancelled }
        if let failure = receiver.failure { throw DatasetError.downloadFailed(reason: failure, hint: "") }
        return receiver.digest
    }
}

/// Receives a download chunk by chunk on the session's serial delegate queue.
private final class StreamingReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked: every mutable property is written on the session's serial delegate queue
    // before `finished` is signalled, and read by the waiting thread only after that.
    let finished = DispatchSemaphore(value: 0)
    private let output: FileHandle
    private let progress: ArchiveDownload.Progress
    private var md5 = MD5()
    private var received: Int64 = 0
    private var total: Int64?
    private(set) var failure: String?
    private(set) var digest = ""

    init(output: FileHandle, progress: @escaping ArchiveDownload.Progress) {
        self.output = output
        self.progress = progress
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, !(200 ..< 300).contains(http.statusCode) {
            failure = "The server answered HTTP \(http.statusCode) (\(HTTPURLResponse.localizedString(forStatusCode: http.statusCode)))."
            completionHandler(.cancel)
            return
        }
        total = response.expectedContentLength > 0 ? response.expectedContentLength : nil
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        data.withUnsafeBytes { md5.update($0) }
        do {
            try output.write(contentsOf: data)
        } catch {
            failure = "Writing the download failed (\(error.localizedDescription))."
            dataTask.cancel()
            return
        }
        received += Int64(data.count)
        progress(received, total)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if failure == nil, let error {
            failure = "The download failed: \(error.localizedDescription)."
        } else if failure == nil, let total, received != total {
            failure = "The connection closed after \(received) of \(total) bytes."
        }
        if failure == nil { digest = md5.finalize() }
        finished.signal()
    }
}
