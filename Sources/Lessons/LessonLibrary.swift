import Foundation

/// The lessons: the shipped folder's, then those of each folder in `CNNLAB_LESSONS`, each
/// folder in file-name order ("01-....md" first).
///
/// The shipped folder is `./lessons`, else a `lessons` folder beside an ancestor of the
/// executable (the repository of `.build/release/cnnlab`). `CNNLAB_LESSONS` is a
/// colon-separated list of folders whose lessons are added after the shipped ones.
public struct LessonLibrary: Sendable {
    /// One lesson file of the library.
    public struct Entry: Equatable, Sendable {
        /// The file name without `.md`, e.g. "01-convolution-by-hand".
        public var name: String
        public var path: String
        /// Names the lesson's saved progress: its `name` for the shipped lessons, else the
        /// name and a short code of its folder, so two files of the same name in different
        /// folders never share progress.
        public var progressName: String

        public init(name: String, path: String, progressName: String? = nil) {
            self.name = name
            self.path = path
            self.progressName = progressName ?? LessonLibrary.progressName(name: name, path: path, shippedDirectory: nil)
        }
    }

    /// The shipped lessons' folder (the first of `directories`), or the first added one.
    public var directory: String { directories.first ?? "" }
    /// Every folder lessons were taken from, in order.
    public let directories: [String]
    /// The folder of the lessons that ship with cnnlab, when found.
    public let shippedDirectory: String?
    public let entries: [Entry]
    /// Folders of `CNNLAB_LESSONS` that could not be used, said once where the list is shown.
    public let notes: [String]

    /// Files in the lessons folder that are not lessons.
    static let nonLessons: Set<String> = ["FORMAT.md", "README.md"]

    /// The library of one folder (its lessons count as shipped).
    public init(directory: String) {
        self.init(shipped: directory, added: [], notes: [])
    }

    /// The shipped folder's lessons, then each added folder's.
    public init(shipped: String?, added: [String], notes: [String] = []) {
        let shippedFolder = shipped.map(Self.standardized)
        shippedDirectory = shippedFolder
        let folders = (shipped.map { [$0] } ?? []) + added
        directories = folders
        self.notes = notes
        var seen: Set<String> = []
        var entries: [Entry] = []
        for folder in folders where seen.insert(Self.standardized(folder)).inserted {
            entries += Self.lessonFiles(in: folder).map { file in
                let path = folder + "/" + file
                let name = String(file.dropLast(3))
                return Entry(name: name, path: path, progressName: Self.progressName(name: name, path: path,
                                                                                     shippedDirectory: shippedFolder))
            }
        }
        self.entries = entries
    }

    /// The lesson files of `folder` (not FORMAT.md or README.md), sorted.
    public static func lessonFiles(in folder: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasSuffix(".md") && !nonLessons.contains($0) }.sorted()
    }

    /// The progress name of the lesson at `path`: `name` in the shipped folder, else
    /// `name` + "-" + eight hex digits of its folder's absolute path.
    public static func progressName(name: String, path: String, shippedDirectory: String?) -> String {
        let folder = standardized((path as NSString).deletingLastPathComponent)
        if let shippedDirectory, folder == shippedDirectory { return name }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325          // FNV-1a: stable across runs and machines
        for byte in folder.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return name + "-" + String(String(repeating: "0", count: max(0, 16 - hex.count)) + hex).prefix(8)
    }

    /// An absolute path without `.`, `..` or symbolic links.
    static func standardized(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return ((absolute as NSString).standardizingPath as NSString).resolvingSymlinksInPath
    }

    /// The library found for this process, or a message saying where it looked.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: String = FileManager.default.currentDirectoryPath,
                              executablePath: String? = LessonLibrary.executablePath()) -> Result<LessonLibrary, LibraryError> {
        var tried: [String] = []
        var candidates = [currentDirectory + "/lessons"]
        if let executablePath {
            var folder = (executablePath as NSString).resolvingSymlinksInPath
            while folder != "/" && !folder.isEmpty {
                folder = (folder as NSString).deletingLastPathComponent
                candidates.append((folder == "/" ? "" : folder) + "/lessons")
            }
        }
        var shipped: String?
        for candidate in candidates {
            tried.append(candidate)
            if isDirectory(candidate) && !lessonFiles(in: candidate).isEmpty {
                shipped = candidate
                break
            }
        }
        var added: [String] = []
        var notes: [String] = []
        for folder in (environment["CNNLAB_LESSONS"] ?? "").split(separator: ":").map(String.init) where !folder.isEmpty {
            if isDirectory(folder) { added.append(folder) } else { notes.append("CNNLAB_LESSONS names \(folder), which is not a folder") }
        }
        if shipped == nil && added.isEmpty {
            return .failure(LibraryError(message: "no lessons found (looked in \(tried.prefix(3).joined(separator: ", ")) "
                                         + "and above the executable)" + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))
                                         + "; set CNNLAB_LESSONS to a folder of lessons"))
        }
        return .success(LessonLibrary(shipped: shipped, added: added, notes: notes))
    }

    /// The entry for NAME: the file name ("01-convolution-by-hand"), its number ("1", "01"),
    /// or the name without the number ("convolution-by-hand"); case-insensitive.
    public func entry(named query: String) -> Entry? {
        let wanted = query.lowercased().hasSuffix(".md") ? String(query.lowercased().dropLast(3)) : query.lowercased()
        if let exact = entries.first(where: { $0.name.lowercased() == wanted }) { return exact }
        if let number = Int(wanted) {
            return entries.first { Int($0.name.prefix(while: \.isNumber)) == number }
        }
        return entries.first { entry in
            let name = entry.name.lowercased()
            let withoutNumber = name.drop(while: \.isNumber).drop(while: { $0 == "-" || $0 == "_" })
            return withoutNumber == wanted
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// This executable's path, symlinks resolved (/proc/self/exe on Linux).
    public static func executablePath() -> String? {
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
        return Bundle.main.executablePath ?? CommandLine.arguments.first
    }
}

/// No lessons folder could be found.
public struct LibraryError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

extension Lesson {
    /// The largest lesson file read (a lesson of many steps is a few tens of KB). The player
    /// stays under 50 ms a key up to this size (a 10 MB lesson measured with
    /// `cnnlab lesson FILE --bench`, README "Bad input, signals and fuzzing").
    public static let maximumFileSize = 16 << 20

    /// Reads and parses the lesson at `path` (its folder resolves `data:` folders); an
    /// unreadable file becomes a lesson whose only content is the problem.
    public static func load(path: String) -> Lesson {
        guard let data = FileManager.default.contents(atPath: path) else {
            return Lesson(title: (path as NSString).lastPathComponent, titleLine: 1, summary: [], steps: [],
                          problems: [LessonProblem(line: 1, message: "cannot read the file")])
        }
        guard data.count <= maximumFileSize else {
            return Lesson(title: (path as NSString).lastPathComponent, titleLine: 1, summary: [], steps: [],
                          problems: [LessonProblem(line: 1, message: "the file is \(data.count / 1024) KB; a lesson file "
                                                   + "holds at most \(maximumFileSize / 1024) KB (split it into several lessons)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return Lesson(title: (path as NSString).lastPathComponent, titleLine: 1, summary: [], steps: [],
                          problems: [LessonProblem(line: 1, message: "the file is not UTF-8 text")])
        }
        return LessonParser.parse(text, directory: LessonLibrary.standardized((path as NSString).deletingLastPathComponent))
    }
}
