import Foundation

/// `cnnlab lessons --export FILE.csv`: one row per quiz of every lesson, with the student's
/// attempts, so a teacher can collect a class's results in a spreadsheet.
public enum ProgressExport {
    public static let header = ["lesson", "lesson_title", "step", "quiz", "question", "attempts", "solved", "revealed",
                                "hints_shown"]

    /// The CSV text (RFC 4180: commas, quotes doubled, CRLF-free lines ending in "\n").
    public static func csv(_ lessons: [(entry: LessonLibrary.Entry, lesson: Lesson, progress: LessonProgress)]) -> String {
        var rows = [header]
        for (entry, lesson, progress) in lessons {
            for (step, quiz) in lesson.quizzes {
                let record = progress.quizzes[quiz.key] ?? LessonProgress.QuizRecord()
                rows.append([entry.name, lesson.title, String(step + 1), quiz.id ?? "", quiz.question,
                             String(record.attempts), record.solved ? "yes" : "no", record.revealed ? "yes" : "no",
                             String(record.hintsShown)])
            }
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A field quoted when it holds a comma, a quote or a line break. A leading =, +, - or @
    /// gets a quote mark so spreadsheets do not run it as a formula.
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
