/// `cnnlab lesson --check`: every problem of every file as `file:line: message`.
public enum LessonValidator {
    /// The report lines for `paths` (empty when all are valid).
    public static func check(paths: [String]) -> [String] {
        paths.flatMap { path in
            Lesson.load(path: path).problems.map { "\(path):\($0.line): \($0.message)" }
        }
    }
}
