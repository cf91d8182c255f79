import Foundation

/// What `update` asks the run loop to do next.
public enum ProgramCommand: Equatable, Sendable {
    /// Keep going (redraw).
    case none
    /// Close the screen and return from `runProgram`.
    case quit
}

/// A full-screen program in the Elm style: a model that reacts to events (`update`) and
/// draws itself (`view`) as a pure function into a `Buffer`.
///
///     struct Counter: TerminalProgram {
///         var count = 0
///         mutating func update(_ event: Event) -> ProgramCommand {
///             if event == .key(.character("q")) { return .quit }
///             if event == .key(.right) { count += 1 }
///             return .none
///         }
///         func view(into buffer: inout Buffer, context: RenderContext) {
///             buffer.write("count: \(count)", x: 0, y: 0, role: .accent, context: context)
///         }
///     }
///     var counter = Counter()
///     try runProgram(&counter, capabilities: .detect())
public protocol TerminalProgram {
    /// Reacts to a key, a resize or a tick.
    mutating func update(_ event: Event) -> ProgramCommand
    /// Draws the whole screen; `buffer` is blank and has the terminal's size.
    func view(into buffer: inout Buffer, context: RenderContext)
    /// Seconds between `.tick` events (nil: no ticks). The dashboard uses about 0.2.
    var tickInterval: Double? { get }
}

extension TerminalProgram {
    public var tickInterval: Double? { nil }
}

/// How `runProgram` ended.
public enum RunOutcome: Equatable, Sendable {
    /// `update` returned `.quit`.
    case quit
    /// Ctrl-C (SIGINT), SIGTERM or SIGHUP arrived; the terminal has been restored and the
    /// caller decides what to do (save, stop training, exit with status 130).
    case interrupted(signal: Int32)
}

/// Lets another thread (a training session) ask the run loop for a redraw: the loop sends
/// the program a `.tick` within about 50 ms of `request()`.
public final class RedrawTrigger: @unchecked Sendable {
    // A lock-protected flag; @unchecked because NSLock guards every access.
    private let lock = NSLock()
    private var pending = false

    public init() {}

    /// Asks for a redraw; cheap, callable from any thread.
    public func request() {
        lock.lock(); pending = true; lock.unlock()
    }

    /// True once after each `request()`.
    func consume() -> Bool {
        lock.lock(); defer { lock.unlock() }
        let was = pending
        pending = false
        return was
    }
}

/// Renders one frame of `program` without a terminal: for tests, `--print` and snapshots.
public func renderFrame<P: TerminalProgram>(_ program: P, width: Int, height: Int,
                                            capabilities: TerminalCapabilities) -> Buffer {
    var buffer = Buffer(width: width, height: height)
    program.view(into: &buffer, context: RenderContext(capabilities: capabilities))
    return buffer
}

/// Runs `program` full screen until it quits or the user presses Ctrl-C, then restores
/// the terminal (also when this throws or the process is killed by SIGTERM).
///
/// Call it from one thread (normally the main thread): every ncurses call happens on the
/// calling thread. `capabilities` are reduced to what the terminal turns out to support.
/// Throws `TerminalError` when standard input/output is not a terminal.
@discardableResult
public func runProgram<P: TerminalProgram>(_ program: inout P, capabilities: TerminalCapabilities,
                                           redraw: RedrawTrigger? = nil) throws -> RunOutcome {
    let screen = try CursesScreen(capabilities: capabilities)
    defer { screen.close() }
    let context = RenderContext(capabilities: screen.capabilities)
    let clock = ContinuousClock()
    // At least 10 ms between ticks, so a zero or negative interval cannot spin the loop.
    func tickDelay(_ seconds: Double) -> Duration {
        .milliseconds(Int((seconds.isFinite ? min(max(seconds, 0.01), 86_400) : 1) * 1000))
    }
    var nextTick = program.tickInterval.map { clock.now + tickDelay($0) }
    var needsDraw = true
    while true {
        if let signal = takePendingSignal() { return .interrupted(signal: signal) }
        if needsDraw {
            let size = screen.size
            var buffer = Buffer(width: size.width, height: size.height)
            program.view(into: &buffer, context: context)
            screen.draw(buffer)
            needsDraw = false
        }
        // Wake at least every 50 ms to notice signals and redraw requests.
        var timeout = 50
        if let due = nextTick {
            let remaining = clock.now.duration(to: due)
            timeout = max(0, min(timeout, Int(remaining.components.seconds * 1000
                                                + remaining.components.attoseconds / 1_000_000_000_000_000)))
        }
        var events: [Event] = []
        // Take every key already waiting (held arrows, pasted text) before the next
        // frame, so drawing never lags behind typing.
        var input = screen.readInput(timeout: timeout)
        while let decoded = input, events.count < 64 {
            switch decoded {
            case .key(let key): events.append(.key(key))
            case .resize:
                screen.invalidate()
                let size = screen.size
                events.append(.resize(width: size.width, height: size.height))
            case .ignored: break
            }
            input = screen.readInput(timeout: 0)
        }
        if let due = nextTick, clock.now >= due, let interval = program.tickInterval {
            events.append(.tick)
            nextTick = clock.now + tickDelay(interval)
        } else if redraw?.consume() == true {
            events.append(.tick)
        }
        for event in events {
            if program.update(event) == .quit { return .quit }
            needsDraw = true
        }
        if nextTick == nil, let interval = program.tickInterval {
            nextTick = clock.now + tickDelay(interval)
        } else if program.tickInterval == nil {
            nextTick = nil   // the program stopped wanting ticks (for example, training is over)
        }
    }
}
