import Foundation

/// What `update` asks the run loop to do next, as Bubble Tea's `Cmd`: nothing, leave, or run
/// some work with side effects (start a training thread, read or save a file). The loop runs
/// the effect with the program's `perform` and hands the result back through `receive`, so
/// `update` itself stays a pure function that tests can call without threads or files.
public indirect enum ProgramCommand<Effect> {
    /// Keep going (redraw).
    case none
    /// Close the screen and return from `runProgram`.
    case quit
    /// Run this effect (`TerminalProgram.perform`), then give its message to `receive`.
    case perform(Effect)
    /// Several commands, in order.
    case batch([ProgramCommand<Effect>])

    /// The effects this command asks for, in order.
    public var effects: [Effect] {
        switch self {
        case .none, .quit: []
        case .perform(let effect): [effect]
        case .batch(let commands): commands.flatMap(\.effects)
        }
    }

    /// True when the command asks for at least one effect (the run loop draws first).
    public var hasEffects: Bool {
        switch self {
        case .none, .quit: false
        case .perform: true
        case .batch(let commands): commands.contains { $0.hasEffects }
        }
    }

    /// True when the command (or one in its batch) asks to leave.
    public var quits: Bool {
        switch self {
        case .quit: true
        case .none, .perform: false
        case .batch(let commands): commands.contains { $0.quits }
        }
    }

    /// The same command with each effect wrapped by `transform` (a parent screen wrapping its
    /// child's effects in its own effect type). `.quit` becomes `.none` when `keepQuit` is false,
    /// since a child leaving usually means the parent shows itself again.
    public func map<Other>(keepQuit: Bool = true, _ transform: (Effect) -> Other) -> ProgramCommand<Other> {
        switch self {
        case .none: .none
        case .quit: keepQuit ? .quit : .none
        case .perform(let effect): .perform(transform(effect))
        case .batch(let commands): .batch(commands.map { $0.map(keepQuit: keepQuit, transform) })
        }
    }

    /// A batch of `.perform` for each effect (`.none` when there is none).
    public static func performing(_ effects: [Effect]) -> ProgramCommand<Effect> {
        effects.isEmpty ? .none : effects.count == 1 ? .perform(effects[0]) : .batch(effects.map { .perform($0) })
    }
}

extension ProgramCommand: Equatable where Effect: Equatable {}
extension ProgramCommand: Sendable where Effect: Sendable {}

/// A full-screen program in the Elm style: a model that reacts to events (`update`) and
/// draws itself (`view`) as a pure function into a `Buffer`. Side effects are values
/// (`Effect`) that `update` returns; the run loop calls `perform` for each, off `update`, and
/// feeds the `Message` it returns to `receive`.
///
///     struct Counter: TerminalProgram {
///         var count = 0
///         mutating func update(_ event: Event) -> ProgramCommand<Never> {
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
    /// Work with side effects the program asks for (Never: none). Effects run on the loop's
    /// thread, so they need not be Sendable.
    associatedtype Effect = Never
    /// What an effect's result comes back as (Never: none).
    associatedtype Message = Never
    /// Reacts to a key, a resize or a tick. Pure: no threads, files or clocks.
    mutating func update(_ event: Event) -> ProgramCommand<Effect>
    /// Does the work `effect` describes (called by the run loop, never by `update`) and
    /// returns the message for `receive`, if any.
    func perform(_ effect: Effect) -> Message?
    /// Takes the result of an effect. Pure, like `update`.
    mutating func receive(_ message: Message) -> ProgramCommand<Effect>
    /// Draws the whole screen; `buffer` is blank and has the terminal's size.
    func view(into buffer: inout Buffer, context: RenderContext)
    /// Seconds between `.tick` events (nil: no ticks). The dashboard uses about 0.2.
    var tickInterval: Double? { get }
}

extension TerminalProgram {
    public var tickInterval: Double? { nil }
}

extension TerminalProgram where Effect == Never {
    public func perform(_ effect: Never) -> Message? {}
}

extension TerminalProgram where Message == Never {
    public mutating func receive(_ message: Never) -> ProgramCommand<Effect> {}
}

extension TerminalProgram {
    /// Runs `command` as the run loop does: performs each effect in order, gives each result to
    /// `receive` and runs what that returns too. Returns true when something asked to quit.
    /// Tests that want the whole round trip (a real file, a real thread) call this.
    @discardableResult
    public mutating func run(_ command: ProgramCommand<Effect>) -> Bool {
        var queue = [command]
        var quit = false
        while !queue.isEmpty {
            switch queue.removeFirst() {
            case .none: break
            case .quit: quit = true
            case .perform(let effect):
                if let message = perform(effect) { queue.append(receive(message)) }
            case .batch(let commands): queue.insert(contentsOf: commands, at: 0)
            }
        }
        return quit
    }
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
    func draw() {
        let size = screen.size
        var buffer = Buffer(width: size.width, height: size.height)
        program.view(into: &buffer, context: context)
        screen.draw(buffer)
    }
    while true {
        if let signal = takePendingSignal() { return .interrupted(signal: signal) }
        if needsDraw {
            draw()
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
            let command = program.update(event)
            // Effects run on this thread and can take a while (loading a dataset): the frame
            // `update` just made (a "loading ..." notice) goes on screen before they start.
            // Only the cells that changed are written, so an unchanged frame costs its `view`.
            if command.hasEffects { draw() }
            if program.run(command) { return .quit }
            needsDraw = true
        }
        if nextTick == nil, let interval = program.tickInterval {
            nextTick = clock.now + tickDelay(interval)
        } else if program.tickInterval == nil {
            nextTick = nil   // the program stopped wanting ticks (for example, training is over)
        }
    }
}
