import Foundation
import Lessons
import Screens
import Terminal

/// `cnnlab lesson FILE --bench`: how long the player takes per key (update and a full frame
/// into a Buffer), pressing what a student presses on every step: into the step, scrolling
/// down and up, to the end, typing and erasing an answer, Enter. Not a timed test; the figure
/// for #15 ("any lesson under 50 ms a key"). Wall time and this thread's CPU time are both
/// given: on a busy machine the wall time also counts waiting for a core.
enum LessonBenchmark {
    static func run(_ entry: LessonLibrary.Entry, width: Int, height: Int) -> String {
        let clock = ContinuousClock()
        let loadStart = clock.now, loadCPU = cpuMilliseconds()
        let lesson = Lesson.load(path: entry.path)
        let loadTime = milliseconds(loadStart.duration(to: clock.now)), loadCPUTime = cpuMilliseconds() - loadCPU
        var player = LessonPlayer(lesson: lesson, name: entry.progressName, store: nil, screenSize: (width, height))
        let context = RenderContext(capabilities: .full)
        var times: [(key: String, step: Int, ms: Double, cpu: Double)] = []
        var checksum = 0
        func press(_ key: Key, _ name: String) {
            let began = clock.now, beganCPU = cpuMilliseconds()
            _ = player.update(.key(key))
            var buffer = Buffer(width: width, height: height)
            player.view(into: &buffer, context: context)
            checksum &+= buffer.cells.count          // keeps the frame from being optimised away
            times.append((name, player.stepIndex + 1, milliseconds(began.duration(to: clock.now)), cpuMilliseconds() - beganCPU))
        }
        let firstFrame = clock.now, firstFrameCPU = cpuMilliseconds()
        var buffer = Buffer(width: width, height: height)
        player.view(into: &buffer, context: context)
        let firstFrameTime = milliseconds(firstFrame.duration(to: clock.now)), firstFrameCPUTime = cpuMilliseconds() - firstFrameCPU
        func resize(_ newWidth: Int, _ newHeight: Int) {
            let began = clock.now, beganCPU = cpuMilliseconds()
            _ = player.update(.resize(width: newWidth, height: newHeight))
            var buffer = Buffer(width: newWidth, height: newHeight)
            player.view(into: &buffer, context: context)
            checksum &+= buffer.cells.count
            times.append(("resize", player.stepIndex + 1, milliseconds(began.duration(to: clock.now)), cpuMilliseconds() - beganCPU))
        }
        for step in 0..<max(1, player.stepCount) {
            if step > 0 { press(.right, "→ (a new step)") }
            for _ in 0..<10 { press(.down, "↓") }
            for _ in 0..<5 { press(.pageDown, "PgDn") }
            press(.end, "End")
            for _ in 0..<5 { press(.pageUp, "PgUp") }
            press(.character("4"), "typing")
            press(.character("2"), "typing")
            press(.backspace, "Backspace")
            press(.backspace, "Backspace")
            press(.home, "Home")
            // A new width lays the step out anew; End again at that width; back to the old size.
            resize(width + 40, height + 16)
            press(.end, "End")
            resize(width, height)
            if step > 0 {
                press(.left, "← (the step before)")
                press(.right, "→ (a new step)")
            }
        }
        let sorted = times.map(\.ms).sorted(), sortedCPU = times.map(\.cpu).sorted()
        let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        let medianCPU = sortedCPU.isEmpty ? 0 : sortedCPU[sortedCPU.count / 2]
        let slowest = times.max { $0.ms < $1.ms }
        let slowestCPU = times.max { $0.cpu < $1.cpu }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: entry.path)[.size] as? Int) ?? 0
        let format = { (value: Double) in String(format: "%.2f", value) }
        var report = "lesson \((entry.path as NSString).lastPathComponent) (\(bytes / 1024) KB, \(player.stepCount) steps) at "
            + "\(width)x\(height), wall (CPU) ms: load \(format(loadTime)) (\(format(loadCPUTime))), first frame "
            + "\(format(firstFrameTime)) (\(format(firstFrameCPUTime))); \(times.count) keys: median \(format(median)) (\(format(medianCPU)))"
        if let slowest, let slowestCPU {
            report += ", slowest \(format(slowest.ms)) (\(slowest.key) on step \(slowest.step)), slowest CPU \(format(slowestCPU.cpu))"
                + " (\(slowestCPU.key) on step \(slowestCPU.step))"
        }
        report += sortedCPU.last.map { $0 < 50 ? "; every key under 50 ms of CPU" : "; some keys took 50 ms of CPU or more" } ?? ""
        report += " (checksum \(checksum % 1000))"
        // Each kind of key: its median and slowest, wall (CPU).
        var kinds: [String] = []
        for (key, _, _, _) in times where !kinds.contains(key) { kinds.append(key) }
        for kind in kinds {
            let of = times.filter { $0.key == kind }
            let wall = of.map(\.ms).sorted(), cpu = of.map(\.cpu).sorted()
            report += "\n  \(kind): \(of.count) keys, median \(format(wall[wall.count / 2])) (\(format(cpu[cpu.count / 2]))), "
                + "slowest \(format(wall.last!)) (\(format(cpu.last!)))"
        }
        return report
    }

    /// This thread's CPU time so far.
    static func cpuMilliseconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1e6
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) * 1e-15
    }
}
