/// Why a dataset could not be found, read or fetched, in words a student can act on.
///
/// Every case renders to one line through `description` that names the file (or spec)
/// and what is wrong with it.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file exists but its contents are not what the format requires.
    case corruptFile(path: String, reason: String)
    /// A file the format needs is absent.
    case missingFile(path: String, hint: String)
    /// A file could not be read from disk.
    case unreadable(path: String, reason: String)
    /// The `--data` value could not be understood.
    case badSpec(spec: String, reason: String)
    /// No copy of the dataset was found in any searched place.
    case notFound(dataset: String, searched: [String], hint: String)
    /// Downloading or unpacking failed; nothing was left behind.
    case downloadFailed(reason: String, hint: String)
    /// The download was cancelled (`DownloadCancellation`); its partial files were removed.
    case downloadCancelled

    public var description: String {
        switch self {
        case let .corruptFile(path, reason): return "\(path): \(reason)"
        case let .missingFile(path, hint): return "\(path): file not found. \(hint)"
        case let .unreadable(path, reason): return "\(path): cannot read (\(reason))"
        case let .badSpec(spec, reason): return "--data \(spec): \(reason)"
        case let .notFound(dataset, searched, hint):
            let places = searched.isEmpty ? "" : " (looked in \(searched.joined(separator: ", ")))"
            return "\(dataset) not found\(places). \(hint)"
        case let .downloadFailed(reason, hint): return "\(reason) \(hint)"
        case .downloadCancelled: return "Download cancelled: the partial download was removed; nothing was installed."
        }
    }
}
