import Foundation
import Terminal

/// `cnnlab inspect --bench`: the time to show another image (one forward pass of every module
/// plus a frame) and another layer (a frame), at a given size, without a terminal.
public enum InspectorBenchmark {
    public static func run(_ screen: InspectorScreen, width: Int, height: Int, rounds: Int = 60) -> String {
        var screen = screen
        let capabilities = TerminalCapabilities.full
        func frame() -> Buffer { renderFrame(screen, width: width, height: height, capabilities: capabilities) }
        _ = frame()
        let clock = ContinuousClock()
        var imageTimes: [Double] = [], layerTimes: [Double] = [], explainTimes: [Double] = []
        for _ in 0..<rounds {
            let start = clock.now
            _ = screen.update(.key(.right))
            _ = frame()
            imageTimes.append(milliseconds(clock.now - start))
        }
        for _ in 0..<rounds {
            let start = clock.now
            _ = screen.update(.key(.down))
            _ = frame()
            layerTimes.append(milliseconds(clock.now - start))
        }
        _ = screen.update(.key(.enter))
        _ = screen.update(.key(.enter))
        for _ in 0..<rounds {
            let start = clock.now
            _ = screen.update(.key(.right))
            _ = frame()
            explainTimes.append(milliseconds(clock.now - start))
        }
        func summary(_ times: [Double]) -> String {
            let sorted = times.sorted()
            return String(format: "median %.2f ms, worst %.2f ms", sorted[sorted.count / 2], sorted.last ?? 0)
        }
        return """
            \(width)x\(height), \(rounds) changes each (frame rendered into a cell buffer, no terminal):
            next image (forward pass of every module + frame): \(summary(imageTimes))
            next layer (frame):                                 \(summary(layerTimes))
            move the explained cell (explanation + frame):      \(summary(explainTimes))
            """
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
