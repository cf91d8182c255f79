import Foundation

/// The lessons folder and the lessons in it, in file-name order ("01-....md" first).
///
/// The folder is, in order: `$CNNLAB_LESSONS`; `./lessons`; a `lessons` folder beside an
/// ancestor of the executable (the repository of `.build/release/cnnlab`).
public struct LessonLibrary: Sendable {
    /// One lesson file of the library.
    public struct Entry: Equatable, Sendable {
        /// The file name without `.md`, e.g. "01-convolution-by-hand".
        public var name: String
        public var path: String

        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    public let directory: String
    public let entries: [Entry]

    /// Files in the lessons folder that are not lessons.
    static let nonLessons: Set<String> = ["FORMAT.md", "README.md"]

    public init(directory: String) {
        self.directory = directory
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        entries = files.filter { $0.hasSuffix(".md") && !Self.nonLessons.contains($0) }.sorted().map {
            Entry(name: String($0.dropLast(3)), path: directory + "/" + $0)
        }
    }

    /// The library found for this process, or a message saying where it looked.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: String = FileManager.default.currentDirectoryPath,
                              executablePath: String? = LessonLibrary.executablePath()) -> Result<LessonLibrary, LibraryError> {
        var tried: [String] = []
        if let folder = environment["CNNLAB_LESSONS"], !folder.isEmpty {
            if isDirectory(folder) { return .success(LessonLibrary(directory: folder)) }
            return .failure(LibraryError(message: "CNNLAB_LESSONS is \(folder), which is not a folder"))
        }
        var candidates = [currentDirectory + "/lessons"]
        if let executablePath {
            var folder = (executablePath as NSString).resolvingSymlinksInPath
            while folder != "/" && !folder.isEmpty {
                folder = (folder as NSString).deletingLastPathComponent
                candidates.append((folder == "/" ? "" : folder) + "/lessons")
            }
        }
        for candidate in candidates {
            tried.append(candidate)
            if isDirectory(candidate) && !LessonLibrary(directory: candidate).entries.isEmpty {
                return .success(LessonLibrary(directory: candidate))
            }
        }
        return .failure(LibraryError(message: "no lessons found (looked in \(tried.prefix(3).joined(separator: ", ")) "
                                     + "and above the executable); set CNNLAB_LESSONS to the lessons folder"))
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
    /// Reads and parses the lesson at `path`; an unreadable file becomes a lesson whose only
    /// content is the problem.
    public static func load(path: String) -> Lesson {
        guard let data = FileManager.default.contents(atPath: path) else {
            return Lesson(title: (path as NSString).lastPathComponent, titleLine: 1, summary: [], steps: [],
                          problems: [LessonProblem(line: 1, message: "cannot read the file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return Lesson(title: (path as NSString).lastPathComponent, titleLine: 1, summary: [], steps: [],
                          problems: [LessonProblem(line: 1, message: "the file is not UTF-8 text")])
        }
        return LessonParser.parse(text)
    }
}
