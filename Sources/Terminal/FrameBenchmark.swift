import Formatting
import Foundation

/// Measures how long one full frame takes to draw: render a realistic screen (matrix
/// grids, a braille chart, images, a table) into a `Buffer`, find the changed cells and
/// draw them through ncurses onto a screen whose output goes to /dev/null. Each frame
/// moves the kernel window and the chart, as stepping does. Not a timed test: the perf
/// command (`cnnlab bench --frame`) prints it.
public enum FrameBenchmark {
    /// The timings of one run, in seconds per frame.
    public struct Result: Sendable {
        public var width: Int
        public var height: Int
        public var iterations: Int
        /// Rendering the widgets into a Buffer.
        public var render: Double
        /// Diffing against the last frame and drawing through ncurses (or diffing only).
        public var draw: Double
        public var total: Double { render + draw }
        /// CPU time of the drawing thread per frame (render + diff + draw): unlike the wall
        /// times, it does not grow when other processes compete for the cores.
        public var cpu: Double
        /// The average number of cells drawn per frame.
        public var changedCells: Double
        /// Drawing a whole frame from scratch (after a resize): diff of every cell + ncurses.
        public var fullRedraw: Double
        /// False when ncurses could not open a screen on /dev/null and only the diff was timed.
        public var usedCurses: Bool

        /// One line such as "200x60 frame: 1.234 ms (render 0.9 ms, diff+draw 0.3 ms, 2100 cells changed, ncurses)".
        public var summary: String {
            String(format: "%dx%d frame: %.3f ms (render %.3f ms, diff+draw %.3f ms; CPU %.3f ms; %.0f cells changed/frame, %@), %d frames; full redraw %.3f ms",
                   width, height, total * 1000, render * 1000, draw * 1000, cpu * 1000, changedCells,
                   usedCurses ? "ncurses to /dev/null" : "diff only: ncurses unavailable", iterations, fullRedraw * 1000)
        }
    }

    /// Seconds per frame at `width` x `height`, averaged over `iterations` frames.
    public static func measure(width: Int = 200, height: Int = 60, iterations: Int = 200,
                               capabilities: TerminalCapabilities = .full) -> Double {
        measureDetailed(width: width, height: height, iterations: iterations, capabilities: capabilities).total
    }

    /// The full timing breakdown. Call it on one thread, with no other screen open.
    public static func measureDetailed(width: Int = 200, height: Int = 60, iterations: Int = 200,
                                       capabilities: TerminalCapabilities = .full) -> Result {
        let iterations = max(1, iterations)
        let screen = try? CursesScreen(nullDeviceWidth: width, height: height, capabilities: capabilities)
        defer { screen?.close() }
        let context = RenderContext(capabilities: screen?.capabilities ?? capabilities)
        let scene = SampleScene()
        var previous: Buffer?
        var renderTime = 0.0, drawTime = 0.0, changed = 0
        let clock = ContinuousClock()
        var cpuStart = 0.0
        for iteration in -3..<iterations {   // three warm-up frames
            if iteration == 0 { cpuStart = threadCPUTime() }
            let start = clock.now
            var buffer = Buffer(width: width, height: height)
            scene.render(into: &buffer, step: max(0, iteration), context: context)
            let rendered = clock.now
            if let screen {
                if iteration >= 0 { changed += FrameDiff.changedCells(from: previous, to: buffer).count }
                screen.draw(buffer)
            } else {
                changed += FrameDiff.changedCells(from: previous, to: buffer).count
            }
            let drawn = clock.now
            previous = buffer
            if iteration >= 0 {
                renderTime += seconds(start.duration(to: rendered))
                drawTime += seconds(rendered.duration(to: drawn))
            }
        }
        let cpuTime = threadCPUTime() - cpuStart
        // Worst case: every cell drawn again, as after a resize.
        var fullTime = 0.0
        let repeats = max(1, min(iterations, 20))
        if let previous {
            for _ in 0..<repeats {
                let start = clock.now
                if let screen {
                    screen.invalidate()
                    screen.draw(previous)
                } else {
                    _ = FrameDiff.changedCells(from: nil, to: previous)
                }
                fullTime += seconds(start.duration(to: clock.now))
            }
        }
        let n = Double(iterations)
        return Result(width: width, height: height, iterations: iterations, render: renderTime / n,
                      draw: drawTime / n, cpu: cpuTime / n, changedCells: Double(changed) / n, fullRedraw: fullTime / Double(repeats),
                      usedCurses: screen != nil)
    }

    /// Seconds of CPU this thread has used.
    private static func threadCPUTime() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// The screen the benchmark draws: an explorer-like top half and a dashboard-like bottom half.
struct SampleScene {
    let input: [[Double]]
    let kernel: [[Double]] = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
    let losses: [Double]
    let images: [Image]

    init() {
        var generator = SplitMix(seed: 42)
        input = (0..<10).map { _ in (0..<10).map { _ in Double(generator.next() % 19) - 9 } }
        var curve: [Double] = []
        for step in 0..<600 {
            let noise = Double(generator.next() % 100) / 2000
            curve.append(2.3 * exp(-Double(step) / 150) + noise)
        }
        losses = curve
        images = (0..<6).map { _ in
            Image(width: 32, height: 32, channels: 3, bytes: (0..<3072).map { _ in UInt8(generator.next() % 256) },
                  layout: .planar)!
        }
    }

    func render(into buffer: inout Buffer, step: Int, context: RenderContext) {
        let (body, status) = buffer.area.splitBottom(1)
        let (top, bottom) = body.splitTop(body.height / 2)
        let panels = top.columns(3)
        // Input with the kernel window, the kernel, and the output filling in.
        let outputSide = input.count - kernel.count + 1
        let position = step % (outputSide * outputSide)
        let (row, column) = (position / outputSide, position % outputSide)
        var inputGrid = MatrixGrid(values: input)
        for r in row..<(row + 3) { for c in column..<(column + 3) { inputGrid.setRole(.window, row: r, column: c) } }
        let inputArea = Box(title: "Input", focused: true).render(into: &buffer, area: panels[0], context: context)
        inputGrid.render(into: &buffer, at: (inputArea.x, inputArea.y), context: context, clip: inputArea)
        let kernelArea = Box(title: "Kernel").render(into: &buffer, area: panels[1], context: context)
        var products: [[Double]] = []
        for r in 0..<3 { products.append((0..<3).map { c in input[row + r][column + c] * kernel[r][c] }) }
        MatrixGrid(values: kernel).render(into: &buffer, at: (kernelArea.x, kernelArea.y), context: context, clip: kernelArea)
        MatrixGrid(values: products).render(into: &buffer, at: (kernelArea.x, kernelArea.y + 4), context: context,
                                            clip: kernelArea)
        let sum = products.joined().reduce(0, +)
        WrappedText("The **sum** of the products is \(NumberText.compact(sum)); it goes to output cell (\(row), \(column)).")
            .render(into: &buffer, area: kernelArea.inset(top: 8), context: context)
        let outputArea = Box(title: "Output").render(into: &buffer, area: panels[2], context: context)
        var outputValues: [[Double]] = []
        for r in 0..<outputSide {
            outputValues.append((0..<outputSide).map { c -> Double in r * outputSide + c <= position ? Double(r * c - 9) : 0 })
        }
        var output = MatrixGrid(values: outputValues)
        output.setRole(.current, row: row, column: column)
        output.render(into: &buffer, at: (outputArea.x, outputArea.y), context: context, clip: outputArea)
        // Dashboard: loss chart, images, a table and progress.
        let lower = bottom.columns(3)
        let chartArea = Box(title: "Loss").render(into: &buffer, area: lower[0], context: context)
        let shown = Array(losses.prefix(100 + (step * 7) % 500))
        BrailleChart(series: [ChartSeries(name: "train", values: shown, role: .accent),
                              ChartSeries(name: "test", values: shown.map { $0 + 0.2 }, role: .positive)])
            .render(into: &buffer, area: chartArea, context: context)
        let imageArea = Box(title: "Test images").render(into: &buffer, area: lower[1], context: context)
        for (index, image) in images.enumerated() {
            let origin = (imageArea.x + (index % 2) * 34, imageArea.y + (index / 2) * 17)
            ImageView(image: image).render(into: &buffer, at: origin, context: context, clip: imageArea)
        }
        let tableArea = Box(title: "Per class").render(into: &buffer, area: lower[2], context: context)
        let names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        let rows = names.enumerated().map { index, name in
            [name, NumberText.percent(Double((index * 7 + step) % 100) / 100), String((index * 13 + step) % 1000)]
        }
        Table(columns: [.init("class"), .init("accuracy", alignment: .right), .init("seen", alignment: .right)],
              rows: rows, selectedRow: step % 10).render(into: &buffer, area: tableArea, context: context)
        ProgressBar(fraction: Double(step % 100) / 100, label: "epoch")
            .render(into: &buffer, area: tableArea.inset(top: 13), context: context)
        StatusLine(left: "→ next  ← back  p play  q quit", right: "step \(step + 1)")
            .render(into: &buffer, area: status, context: context)
    }
}

/// A tiny deterministic generator, so the benchmark's frames (and the wrapping tests' texts) are
/// the same every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
