import Foundation

/// `cnnlab lesson --check`: every problem of every file as `file:line: message`, then the
/// warnings as `file:line: warning: ...`. Folders are checked file by file.
public enum LessonValidator {
    /// The report of a check: problems fail it, warnings do not.
    public struct Report: Equatable, Sendable {
        public var problems: [String] = []
        public var warnings: [String] = []
        /// The lesson files checked.
        public var files: [String] = []
    }

    /// The report for `paths` (files, or folders whose lesson files are checked).
    public static func report(paths: [String]) -> Report {
        var report = Report()
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                report.problems.append("\(path): no such file or folder")
                continue
            }
            if isFolder.boolValue {
                let files = LessonLibrary.lessonFiles(in: path)
                if files.isEmpty { report.problems.append("\(path): no lesson files (*.md) in this folder") }
                for file in files { add(path.hasSuffix("/") ? path + file : path + "/" + file, to: &report) }
            } else {
                add(path, to: &report)
            }
        }
        return report
    }

    static func add(_ file: String, to report: inout Report) {
        let lesson = Lesson.load(path: file)
        report.files.append(file)
        report.problems += lesson.problems.map { "\(file):\($0.line): \($0.message)" }
        report.warnings += lesson.warnings.map { "\(file):\($0.line): \($0.message)" }
    }

    /// The problem lines for `paths` (empty when all are valid); warnings left out.
    public static func check(paths: [String]) -> [String] {
        report(paths: paths).problems
    }
}
