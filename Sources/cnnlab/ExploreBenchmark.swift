import Foundation
import Screens
import Terminal

/// `cnnlab explore --bench`: how long the explorer takes to draw one full frame into a
/// Buffer, stepping through the operation as a student would. Not a timed test.
enum ExploreBenchmark {
    static func run(_ start: ExplorerModel, width: Int, height: Int, minimumFrames: Int = 300) -> String {
        var model = start
        let context = RenderContext(capabilities: .full)
        let clock = ContinuousClock()
        var frames = 0
        var checksum = 0
        let began = clock.now
        while frames < minimumFrames {
            for index in 0..<model.stepCount where frames < minimumFrames || index == 0 {
                model.go(to: index)
                var buffer = Buffer(width: width, height: height)
                model.view(into: &buffer, rect: buffer.area, context: context)
                checksum &+= buffer.cells.count   // keeps the work from being optimised away
                frames += 1
            }
        }
        let elapsed = began.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let perFrame = seconds / Double(frames) * 1000
        return "explore \(model.operation.rawValue) \(model.view.rawValue) \(width)x\(height): "
            + String(format: "%.3f", perFrame) + " ms per frame (view into a Buffer, \(frames) frames, \(model.stepCount) steps, \(checksum / max(1, frames)) cells)"
    }
}
