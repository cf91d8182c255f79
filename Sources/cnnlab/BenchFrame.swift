import Terminal

/// Timing of one dashboard-sized frame for `cnnlab bench --frame` (the terminal module's
/// `FrameBenchmark`: render widgets into a Buffer, diff, draw through ncurses to /dev/null),
/// and what it costs next to training at the dashboard's refresh rate.
enum BenchFrame {
    /// The dashboard redraws about every 0.2 s (Program.tickInterval).
    static let framesPerSecond = 5.0

    struct Result {
        var frame: FrameBenchmark.Result

        /// The share of one core the drawing takes at `framesPerSecond`.
        var coreShare: Double { frame.cpu * BenchFrame.framesPerSecond }

        var summary: String {
            frame.summary + String(format: "\n  at %.0f frames/s the dashboard uses %.2f%% of one core", BenchFrame.framesPerSecond,
                                   coreShare * 100)
        }

        var json: [String: Any] {
            ["width": frame.width, "height": frame.height, "frames": frame.iterations,
             "total_ms": frame.total * 1000, "render_ms": frame.render * 1000, "draw_ms": frame.draw * 1000,
             "cpu_ms": frame.cpu * 1000, "full_redraw_ms": frame.fullRedraw * 1000,
             "changed_cells": frame.changedCells, "used_curses": frame.usedCurses,
             "frames_per_second": BenchFrame.framesPerSecond, "core_share": coreShare]
        }
    }

    static func measure() -> Result {
        Result(frame: FrameBenchmark.measureDetailed(width: 200, height: 60, iterations: 200))
    }
}
