import Datasets
import Foundation
import Lessons
import Terminal

/// Asked before Home's Train or a lesson's train block starts when CIFAR-10 is not on this
/// machine: download it now (`cnnlab data get cifar10`, its progress on this screen; Esc
/// cancels it) or train on the built-in shapes. Pure: keys and ticks come back as an
/// `Outcome` for the host (HomeScreen, LessonPlayer) to turn into effects.
public struct TrainingDataChoice: Sendable {
    public enum Phase: Sendable {
        case asking
        case downloading(CIFAR10DownloadJob)
        /// The download failed: why, and the same two choices again.
        case failed(String)
        /// The student cancelled the download (its files are gone): the two choices again.
        case cancelled
    }

    public enum Outcome: Equatable, Sendable {
        case stay
        case download
        /// Stop the running download (the host cancels the phase's job, an effect).
        case cancelDownload
        /// Train `block` (its data set to what was chosen or fetched).
        case train(TrainBlock)
        case back
    }

    public var block: TrainBlock
    public var savePath: String?
    public var phase: Phase = .asking
    /// A refusal for the key line ("the download is running ...").
    var note: String?

    public init(block: TrainBlock, savePath: String?) {
        self.block = block
        self.savePath = savePath
    }

    /// The block set to train on the built-in synthetic shapes.
    var onShapes: TrainBlock {
        var shapes = block
        shapes.data = "synthetic"
        shapes.dataSpec = .synthetic()
        return shapes
    }

    public var isDownloading: Bool { if case .downloading = phase { return true } else { return false } }

    /// The network in words, for "… learns from CIFAR-10's photos".
    var networkName: String {
        switch block.model {
        case .cnn: "The course CNN"
        case .autoencoder: "The autoencoder"
        case .own: "This network"
        }
    }

    /// Cancels a running download and waits for its files to be removed (for a host about to
    /// exit on Ctrl-C); returns what to tell the shell, nil when no download ran.
    @discardableResult
    public func stopDownload() -> String? {
        guard case .downloading(let job) = phase else { return nil }
        job.cancelAndWait()
        return DatasetError.downloadCancelled.description
    }

    public mutating func update(_ event: Event) -> Outcome {
        switch event {
        case .tick:
            // The download reports through its job: finished trains on it, failed asks again.
            guard case .downloading(let job) = phase else { return .stay }
            switch job.state {
            case .running: return .stay
            case .finished(let folder):
                var fetched = block
                fetched.data = folder
                fetched.dataSpec = .cifar10(directory: folder)
                return .train(fetched)
            case .failed(let why):
                phase = .failed(why)
                return .stay
            case .cancelled:
                phase = .cancelled
                return .stay
            }
        case .resize:
            return .stay
        case .key(let key):
            note = nil
            if case .downloading(let job) = phase {
                switch key {
                case .escape, .character("q"), .character("c"):
                    return job.isCancelling ? .stay : .cancelDownload
                default:
                    note = "the download is running: wait for it, or Esc cancels it"
                    return .stay
                }
            }
            switch key {
            case .character("d"), .character("D"), .character("1"): return .download
            case .character("s"), .character("S"), .character("2"): return .train(onShapes)
            case .escape, .character("q"): return .back
            default: return .stay
            }
        }
    }

    public func render(into buffer: inout Buffer, context: RenderContext) {
        buffer.fill(buffer.area)
        let g = context.glyphs
        var lines: [(text: String, role: Role)] = []
        func paragraph(_ text: String, _ role: Role = .normal) {
            lines += WrappedText(text, markup: false).plainLines(width: min(buffer.width, 70) - 4).map { (text: $0, role: role) }
        }
        switch phase {
        case .asking:
            paragraph("CIFAR-10 is not on this machine.", .accent)
            paragraph("\(networkName) learns from CIFAR-10's photos (170 MB). Choose:")
            lines.append(("", .normal))
            paragraph("d: download CIFAR-10 now (cnnlab data get cifar10), then train on it")
            paragraph("s: train on the built-in synthetic shapes instead (nothing to download; the figures differ from the lessons')")
            paragraph("Esc: back")
        case .downloading(let job) where job.isCancelling:
            paragraph("Cancelling the download: removing what was fetched so far\(g.ellipsis)", .accent)
        case .downloading(let job):
            paragraph("Downloading CIFAR-10 from \(job.url.absoluteString)", .accent)
            lines.append(("", .normal))
            if case .running(0, _) = job.state {
                // Nothing yet: a slow or silent network looks like this, and Esc still works.
                paragraph("waiting for the server\(g.ellipsis) (Esc cancels)", .dim)
            } else if case .running(let received, let total) = job.state {
                let seconds = Date().timeIntervalSince(job.started)
                paragraph(DownloadProgress.line(received: received, total: total, seconds: seconds,
                                                width: max(10, min(buffer.width, 70) - 44)))
            }
            lines.append(("", .normal))
            paragraph("Training starts on it as soon as it is unpacked and checked.", .dim)
        case .failed(let why):
            // The error already starts "The download failed: ..."; no heading of its own to repeat it.
            paragraph(why, .error)
            lines.append(("", .normal))
            paragraph("d: try again \(g.middleDot) s: train on the synthetic shapes \(g.middleDot) Esc: back", .accent)
        case .cancelled:
            paragraph("Download cancelled: the partial download was removed; nothing was installed.", .accent)
            lines.append(("", .normal))
            paragraph("d: download again \(g.middleDot) s: train on the synthetic shapes \(g.middleDot) Esc: back", .accent)
        }
        let width = min(buffer.width, 70)
        let area = buffer.area.centered(width: width, height: min(buffer.height - 1, lines.count + 2))
        let inner = Box(title: "Train: which data?", focused: true).render(into: &buffer, area: area, context: context)
        buffer.writeLines(lines, in: inner.inset(left: 1, right: 1), context: context)
        let keys = note ?? (isDownloading ? "downloading \(g.middleDot) Esc cancels it" : "d download \(g.middleDot) s synthetic shapes \(g.middleDot) Esc back")
        StatusLine(left: keys, role: note == nil ? .status : .error)
            .render(into: &buffer, area: Rect(x: 0, y: buffer.height - 1, width: buffer.width, height: 1), context: context)
    }
}
