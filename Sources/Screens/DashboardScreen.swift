import Foundation
import Inspection
import Terminal
import Training

/// The dashboard as a full-screen program: asks for the session's snapshot on every tick and
/// turns keys into requests to the session. `update` only returns effects; the run loop
/// performs them (`perform` talks to the session), so the keys can be tested without a thread.
public struct DashboardProgram: TerminalProgram {
    /// What the dashboard asks the run loop to do with the session.
    public enum Effect: Equatable, Sendable {
        /// Copy the session's latest metrics.
        case readSnapshot
        /// Pass a request (pause, save, learning rate, stop) to the training thread.
        case control(DashboardCommand)
        /// Training is over: build the inspector on the trained weights (on a confusion cell's gallery).
        case openInspector(gallery: ConfusionCell?)
    }

    /// What comes back: the session's metrics after the effect, or the inspector (or why not).
    public enum Message {
        case snapshot(MetricsSnapshot)
        case inspectorOpened(Result<InspectorScreen, InspectionError>)
    }

    public private(set) var model: DashboardModel
    private let session: TrainingSession
    /// Set once the student confirmed q: leave as soon as the session has stopped (and saved).
    public private(set) var leaveWhenOver = false
    /// The inspector opened on the trained weights (`i`, or Enter on a confusion cell): it has
    /// every key until its q comes back here.
    public private(set) var inspector: InspectorScreen?
    /// Set while the inspector loads (drawn over the dashboard), cleared when it arrives.
    public private(set) var loadingInspector: InspectorLoading?

    public init(session: TrainingSession) {
        self.session = session
        model = DashboardModel(snapshot: session.store.snapshot())
    }

    /// Redraws four times a second: the snapshot copy is cheap and training never waits for it.
    public var tickInterval: Double? { inspector == nil ? 0.25 : nil }

    public mutating func update(_ event: Event) -> ProgramCommand<Effect> {
        if var open = inspector {
            // Training is over: nothing to read on ticks while the inspector is open.
            if event == .tick { return .none }
            inspector = open.update(event).quits ? nil : open
            return .none
        }
        if event == .tick { return .perform(.readSnapshot) }
        guard let command = model.update(event) else { return .none }
        switch command {
        case .togglePause, .scaleLearningRate:
            return .perform(.control(command))
        case .save:
            guard model.snapshot.state.isOver else { return .perform(.control(.save)) }
            model.ownNotice = model.snapshot.lastCheckpoint.map { .alreadySaved(path: $0) } ?? .overWithoutSavePath
            return .none
        case .stop:
            leaveWhenOver = true
            return .perform(.control(.stop))
        case .exit:
            return .quit
        case .inspect:
            loadingInspector = .trained
            return .perform(.openInspector(gallery: nil))
        case .inspectCell(let cell):
            loadingInspector = .trained
            return .perform(.openInspector(gallery: cell))
        }
    }

    public func perform(_ effect: Effect) -> Message? {
        let controls = session.controls
        switch effect {
        case .readSnapshot: break
        case .control(.togglePause): controls.togglePause()
        case .control(.save): controls.requestSave()
        case .control(.scaleLearningRate(let factor)): controls.scaleLearningRate(by: factor)
        case .control(.stop): controls.requestStop()
        case .control(.exit), .control(.inspect), .control(.inspectCell): break
        case .openInspector(let cell): return .inspectorOpened(openInspector(gallery: cell))
        }
        return .snapshot(session.store.snapshot())
    }

    /// The inspector on the session's trained weights and its test images (the gallery of `cell`
    /// when given); the reason when training is still running or the network cannot be inspected.
    func openInspector(gallery cell: ConfusionCell?) -> Result<InspectorScreen, InspectionError> {
        // The snapshot says "over" just before the thread ends (after its last save): wait for it.
        if session.store.snapshot().state.isOver { _ = session.waitUntilDone(timeout: 10) }
        guard let trained = session.trainedModel() else {
            return .failure(InspectionError("training is still running: the inspector opens once it is over"))
        }
        do {
            let setup = try InspectionSetup.trained(trained, savedAt: session.store.snapshot().lastCheckpoint)
            guard let cell else { return InspectorScreen.open(setup: setup, testImage: 0) }
            return InspectorScreen.openGallery(setup: setup, trueClass: cell.trueClass, predicted: cell.predicted)
        } catch {
            return .failure(error)
        }
    }

    public mutating func receive(_ message: Message) -> ProgramCommand<Effect> {
        switch message {
        case .snapshot(let snapshot):
            model.snapshot = snapshot
            // A failed final save stays on screen (the event, in red) until the student presses
            // q again: leaving at once would hide that the weights were not kept.
            return leaveWhenOver && snapshot.state.isOver && snapshot.saveFailure == nil ? .quit : .none
        case .inspectorOpened(.success(var screen)):
            loadingInspector = nil
            screen.embedded = true
            inspector = screen
            return .none
        case .inspectorOpened(.failure(let error)):
            loadingInspector = nil
            model.hint = error.message
            return .none
        }
    }

    public func view(into buffer: inout Buffer, context: RenderContext) {
        if let inspector {
            inspector.view(into: &buffer, context: context)
            return
        }
        DashboardView.render(model, into: &buffer, context: context)
        loadingInspector?.render(into: &buffer, context: context)
    }
}

/// Runs a training session under the live dashboard.
public enum DashboardScreen {
    /// Starts `session`, shows the dashboard until the student quits (or presses Ctrl-C), makes
    /// sure training has stopped (and saved, with --save) and returns a summary to print once the
    /// terminal is restored, with the signal that ended it (SIGINT, SIGTERM, SIGHUP), if one did:
    /// the caller exits 128 + it once the weights are saved. Throws when there is no terminal.
    public static func run(session: TrainingSession, capabilities: TerminalCapabilities) throws -> (summary: String, signal: Int32?) {
        guard isatty(0) == 1 && isatty(1) == 1 else {
            throw TrainingError("the dashboard needs a terminal; add --headless to train without it")
        }
        session.start()
        var program = DashboardProgram(session: session)
        let outcome: RunOutcome
        do {
            outcome = try runProgram(&program, capabilities: capabilities)
        } catch {
            session.controls.requestStop()
            session.waitUntilDone()
            throw error
        }
        if case .interrupted = outcome { session.controls.requestStop() }
        if !session.store.snapshot().state.isOver { session.controls.requestStop() }
        session.waitUntilDone()
        var signal: Int32?
        if case .interrupted(let number) = outcome { signal = number }
        return (summary(session.store.snapshot()), signal)
    }

    /// What the run reached, in a few lines for the shell after the dashboard closes.
    public static func summary(_ snapshot: MetricsSnapshot) -> String {
        var lines: [String] = []
        let how = snapshot.state == .finished ? "Finished" : "Stopped"
        lines.append("\(how) after \(snapshot.step) of \(snapshot.totalSteps) steps (epoch \(snapshot.epoch)/\(snapshot.totalEpochs)).")
        if let last = snapshot.epochs.last {
            lines.append(HeadlessFormat.epochLine(last, totalEpochs: snapshot.totalEpochs))
        }
        if let failure = snapshot.saveFailure {
            lines.append(HeadlessFormat.text(for: failure)
                         + (snapshot.lastCheckpoint.map { " (\($0) still holds the checkpoint saved before)" } ?? ""))
        } else if let path = snapshot.lastCheckpoint {
            lines.append("Saved \(path)")
        }
        if snapshot.datasetIsSynthetic { lines.append("Trained on synthetic shapes; for CIFAR-10 run `cnnlab data get cifar10`.") }
        return lines.joined(separator: "\n")
    }
}
