import Foundation
import TestSupport
import Testing

/// `cnnlab lesson` and `cnnlab lessons` end to end: the built binary's output and exit status.
@Suite("cnnlab lesson and lessons")
struct LessonCommandTests {
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Runs the built `cnnlab` in `directory` with `environment` added; returns (status, stdout, stderr).
    static func run(_ arguments: [String], in directory: String = repository,
                    environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let binary = Bundle.main.bundleURL.appendingPathComponent("cnnlab")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build cnnlab first: \(binary.path)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["CNNLAB_LESSONS"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe(), errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test("--check passes on the shipped lessons and FORMAT.md")
    func checkShippedLessons() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.repository + "/lessons")
            .filter { $0.hasSuffix(".md") }.sorted().map { "lessons/" + $0 }
        #expect(files.count == 10)
        let (status, out, err) = try Self.run(["lesson", "--check"] + files)
        #expect(status == 0)
        #expect(err.isEmpty)
        // FORMAT.md's reference tables are wider than the player's text column: warnings, not
        // problems, and only there; the lessons have none.
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("lessons/FORMAT.md:") && $0.contains(": warning: this table") }, "\(lines)")
        #expect(lines.last?.hasPrefix("10 lesson files checked: no problems, ") == true, "\(lines)")
        let (folderStatus, folderOut, _) = try Self.run(["lesson", "--check", "lessons"])
        #expect(folderStatus == 0)
        #expect(folderOut == "9 lesson files checked: no problems\n")
    }

    @Test("--check prints file:line: message for each problem and exits 1")
    func checkBrokenFile() throws {
        let scratch = TemporaryFolder("cli"), folder = scratch.path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/broken.md"
        let text = "# Broken\n\n## One\n\n```quiz\nquestion: q\nanswer: [1]\n```\n\n```explore\nop: conv\nstride: 0\n```\n"
        FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        let (status, out, _) = try Self.run(["lesson", "--check", file])
        #expect(status == 1)
        #expect(out.split(separator: "\n").map(String.init) == [
            "\(file):7: bad answer type: a list is not a number; a quiz without 'choices' needs a numeric answer",
            "\(file):12: stride must be at least 1 (got 0)",
            "1 lesson file checked: 2 problems",
        ])
    }

    @Test("lessons are found beside the executable from any directory, and listed with progress")
    func listFromElsewhere() throws {
        let scratch = TemporaryFolder("cli"), state = scratch.path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let (status, out, err) = try Self.run(["lessons"], in: NSTemporaryDirectory(),
                                              environment: ["XDG_STATE_HOME": state])
        #expect(status == 0, "\(err)")
        let lines = out.split(separator: "\n")
        #expect(lines.first == " 1  Convolution by hand  (01-convolution-by-hand)                       not started")
        #expect(lines.count >= 9)
        #expect(out.contains(Self.repository + "/lessons"))
    }

    @Test("--export refuses a device instead of replacing it, and writes a regular file whole")
    func exportToADeviceOrAFile() throws {
        let scratch = TemporaryFolder("cli"), state = scratch.path
        defer { try? FileManager.default.removeItem(atPath: state) }
        // As root an atomic rename over /dev/full replaced the device with the CSV and said "wrote".
        let (status, out, err) = try Self.run(["lessons", "--export", "/dev/full"], environment: ["XDG_STATE_HOME": state])
        #expect(status != 0 && out.isEmpty)
        #expect(err.contains("/dev/full is a device, not a regular file"), "\(err)")
        #expect(try FileManager.default.attributesOfItem(atPath: "/dev/full")[.type] as? FileAttributeType == .typeCharacterSpecial,
                "the device is still there")
        let file = state + "/attempts.csv"
        let (wrote, written, _) = try Self.run(["lessons", "--export", file], environment: ["XDG_STATE_HOME": state])
        #expect(wrote == 0 && written.hasPrefix("wrote \(file): "))
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("lesson,lesson_title,step,quiz"))
    }

    @Test("an unknown lesson is one line on stderr and exit 1; --print shows each step")
    func openByName() throws {
        let (status, _, err) = try Self.run(["lesson", "nope"])
        #expect(status == 1)
        #expect(err.hasPrefix("Error: no lesson named 'nope'"))
        #expect(err.split(separator: "\n").count == 1)
        let (printed, out, _) = try Self.run(["lesson", "3", "--print", "--size", "80x24"])
        #expect(printed == 0)
        #expect(out.contains("step 1 of 4") && out.contains("step 4 of 4"))
        #expect(out.contains("Max pooling"))
        // Without a terminal the player says so instead of drawing.
        let (noTerminal, _, message) = try Self.run(["lesson", "1"])
        #expect(noTerminal == 1)
        #expect(message.contains("must be a terminal"))
    }
}
