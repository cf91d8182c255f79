import Foundation
import Testing
@testable import Lessons

/// The course's nine lessons: valid, in order, each with at least two quizzes.
@Suite("Shipped lessons")
struct ShippedLessonsTests {
    let library = LessonLibrary(directory: Repository.lessons)

    @Test func nineLessonsInCourseOrder() {
        let titles = library.entries.map { Lesson.load(path: $0.path).title }
        #expect(titles == [
            "Convolution by hand", "Padding, stride and dilation", "Max pooling",
            "Backpropagation through max pooling", "Channels, filters and parameters",
            "Training the course CNN on CIFAR-10", "Transposed convolution", "The convolutional autoencoder",
            "Build your own network",
        ])
    }

    @Test func everyLessonAndTheFormatPassTheCheck() {
        let paths = library.entries.map(\.path) + [Repository.lessons + "/FORMAT.md"]
        #expect(LessonValidator.check(paths: paths) == [])
    }

    @Test func everyLessonHasAtLeastTwoQuizzes() {
        for entry in library.entries {
            #expect(Lesson.load(path: entry.path).quizzes.count >= 2, "\(entry.name)")
        }
    }

    @Test func theFormatShowsEveryBlockAndEveryKey() throws {
        let text = try String(contentsOfFile: Repository.lessons + "/FORMAT.md", encoding: .utf8)
        for kind in LessonParser.blockKinds where kind != "text" { #expect(text.contains("```" + kind + "\n"), "\(kind)") }
        for key in ExploreBlock.keys + Quiz.keys + ModelBlock.keys + TrainBlock.keys {
            #expect(text.contains("`\(key)`") || text.contains("\n\(key):"), "\(key)")
        }
    }

    @Test func lessonOneReachesTheCourseResult() throws {
        let lesson = Lesson.load(path: try #require(library.entry(named: "1")).path)
        let explore = try #require(lesson.steps.compactMap(\.explore).first)
        #expect(explore.forwardOutput() == [[-3, -4, 14], [-1, 4, 6], [-5, 4, -3]])
    }
}
