import Foundation
import TestSupport
import Testing
@testable import Lessons

@Suite("Progress store and lesson library")
struct ProgressAndLibraryTests {
    @Test func stateDirectoryFollowsXDG() {
        #expect(ProgressStore.stateDirectory(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/cnnlab")
        #expect(ProgressStore.stateDirectory(environment: ["HOME": "/h"]) == "/h/.local/state/cnnlab")
        #expect(ProgressStore.stateDirectory(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/cnnlab")
        #expect(ProgressStore.standard(environment: ["XDG_STATE_HOME": "/s"]).directory == "/s/cnnlab/progress")
    }

    @Test func saveAndLoadRoundTrip() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = ProgressStore(directory: folder.path + "/deeper/progress")
        #expect(store.load("lesson").progress == LessonProgress())
        #expect(store.load("lesson").note == nil)
        var progress = LessonProgress()
        progress.step = 3
        progress.visited = [0, 1, 2, 3]
        var record = LessonProgress.QuizRecord()
        record.attempts = 2
        record.solved = true
        progress.quizzes["1.0"] = record
        try store.save(progress, for: "lesson")
        #expect(store.load("lesson").progress == progress)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory)
        #expect(leftovers == ["lesson.json"])
    }

    @Test func corruptFileStartsFreshWithANote() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = ProgressStore(directory: folder.path)
        _ = folder.write("lesson.json", "{\"step\": \"three\"")
        let loaded = store.load("lesson")
        #expect(loaded.progress == LessonProgress())
        #expect(loaded.note?.contains("damaged") == true)
        try store.save(LessonProgress(), for: "lesson")
        #expect(store.load("lesson").note == nil)
    }

    @Test func saveIntoAnUnwritablePlaceThrowsAMessage() {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let blocker = folder.write("file", "x")
        let store = ProgressStore(directory: blocker + "/progress")
        #expect(throws: ProgressError.self) { try store.save(LessonProgress(), for: "lesson") }
    }

    @Test func summaryCountsStepsAndQuizzes() {
        let lesson = LessonParser.parse(lessonWithBlock("```quiz\nquestion: q\nanswer: 1\n```") + "\n## Two\n")
        var progress = LessonProgress()
        #expect(progress.summary(for: lesson) == "not started")
        progress.visited = [0]
        #expect(progress.summary(for: lesson) == "1/2 steps · 0/1 quizzes")
        progress.visited = [0, 1]
        progress.quizzes["q"] = { var r = LessonProgress.QuizRecord(); r.solved = true; return r }()
        #expect(progress.summary(for: lesson) == "done")
    }

    @Test func locatesTheLessonsFolder() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.path + "/repo/lessons", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.path + "/repo/.build/release", withIntermediateDirectories: true)
        _ = folder.write("repo/lessons/01-a.md", "# A\n\n## S\n")
        _ = folder.write("repo/lessons/FORMAT.md", "# F\n")
        // Beside the executable's repository, from anywhere.
        let fromExecutable = try LessonLibrary.locate(environment: [:], currentDirectory: "/",
                                                      executablePath: folder.path + "/repo/.build/release/cnnlab").get()
        #expect(fromExecutable.directory == folder.path + "/repo/lessons")
        #expect(fromExecutable.entries.map(\.name) == ["01-a"])
        // ./lessons from the repository root.
        let fromHere = try LessonLibrary.locate(environment: [:], currentDirectory: folder.path + "/repo",
                                                executablePath: nil).get()
        #expect(fromHere.directory == folder.path + "/repo/lessons")
        // CNNLAB_LESSONS wins; a wrong one is a message, not a silent fallback.
        let fromVariable = try LessonLibrary.locate(environment: ["CNNLAB_LESSONS": folder.path + "/repo/lessons"],
                                                    currentDirectory: "/", executablePath: nil).get()
        #expect(fromVariable.entries.count == 1)
        guard case .failure(let error) = LessonLibrary.locate(environment: ["CNNLAB_LESSONS": "/nowhere"],
                                                              currentDirectory: "/", executablePath: nil) else {
            Issue.record("a missing CNNLAB_LESSONS folder must fail"); return
        }
        #expect(error.message.contains("/nowhere"))
        guard case .failure = LessonLibrary.locate(environment: [:], currentDirectory: folder.path, executablePath: nil) else {
            Issue.record("no lessons anywhere must fail"); return
        }
    }

    @Test func findsLessonsByNumberAndName() {
        let library = LessonLibrary(directory: Repository.lessons)
        #expect(library.entry(named: "1")?.name == "01-convolution-by-hand")
        #expect(library.entry(named: "08")?.name == "08-conv-autoencoder")
        #expect(library.entry(named: "max-pooling")?.name == "03-max-pooling")
        #expect(library.entry(named: "03-Max-Pooling.md")?.name == "03-max-pooling")
        #expect(library.entry(named: "9") == nil)
        #expect(library.entry(named: "nothing") == nil)
    }
}
