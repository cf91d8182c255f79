import Terminal
import Training

/// The panels Tab cycles through in the lower half of the dashboard.
public enum DashboardPanel: CaseIterable, Sendable {
    /// Classifier: test images with predicted and true labels. Autoencoder: originals over reconstructions.
    case samples
    /// Classifier only: the 10x10 confusion matrix with per-class accuracy.
    case confusion
    /// Classifier only: train and test accuracy per epoch (on wide screens it sits beside the loss).
    case accuracy
    /// The first layer's filters as small images (when layer 0 is a Conv2d).
    case filters
    /// The whole network: each layer as written, its output shape and parameters (also on `?`).
    case network

    /// The panels that make sense for `snapshot`'s network, in Tab order: the confusion matrix
    /// and accuracy for a classifier, filters when layer 0 is a Conv2d, the layer table always.
    public static func available(for snapshot: MetricsSnapshot) -> [DashboardPanel] {
        (snapshot.model.isClassifier ? [.samples, .confusion, .accuracy] : [.samples])
            + (snapshot.filters.isEmpty ? [] : [.filters]) + [.network]
    }
}

/// What the dashboard asks of the training session after a key.
public enum DashboardCommand: Equatable, Sendable {
    case togglePause
    case save
    /// Multiply the learning rate by this factor.
    case scaleLearningRate(Float)
    /// Stop training after the current step (saving if --save was given).
    case stop
    /// Stop training (saving as `stop` does), then open the inspector on the weights trained so far.
    case stopAndInspect
    /// Leave the dashboard (training is over).
    case exit
    /// Open the inspector on the weights just trained (training is over).
    case inspect
    /// Open the inspector's gallery of one confusion cell's test images (training is over).
    case inspectCell(ConfusionCell)
}

/// A cell of the confusion matrix: the test images of class `trueClass` predicted as `predicted`.
public struct ConfusionCell: Equatable, Sendable {
    public var trueClass: Int
    public var predicted: Int

    public init(trueClass: Int, predicted: Int) {
        self.trueClass = trueClass
        self.predicted = predicted
    }
}

/// The dashboard's state: the latest metrics snapshot plus what the student has chosen.
/// `update` turns keys into commands; `DashboardView` draws it. Both are pure, so tests
/// render frames from fixed metrics.
public struct DashboardModel: Sendable {
    public var snapshot: MetricsSnapshot
    public var panel: DashboardPanel = .samples
    /// A notice the dashboard made itself ("Already saved ..."), shown instead of the session's
    /// latest event until the next key.
    public var ownNotice: TrainingEvent?
    /// True while "Stop training? y/n" is showing.
    public var confirmingQuit = false
    /// The confusion-matrix cell the arrows chose (nil: the most confused pair, see `selectedCell`).
    public var confusionCell: ConfusionCell?
    /// A one-line hint of the dashboard's own ("the inspector opens when training is over"),
    /// shown until the next key.
    public var hint: String?
    /// The learning-rate factor + and − apply.
    public static let learningRateStep: Float = 2

    public init(snapshot: MetricsSnapshot) { self.snapshot = snapshot }

    /// Handles one event; returns the command for the session, if any.
    public mutating func update(_ event: Event) -> DashboardCommand? {
        guard case .key(let key) = event else { return nil }
        ownNotice = nil
        hint = nil
        if confirmingQuit {
            confirmingQuit = false
            switch key {
            case .character("y"), .character("Y"), .character("q"), .enter: return .stop
            case .character("i"), .character("I"): return snapshot.state.isOver ? .inspect : .stopAndInspect
            default: return nil
            }
        }
        switch key {
        case .character("p"), .character("P"), .character(" "):
            return snapshot.state.isOver ? nil : .togglePause
        case .character("s"), .character("S"):
            return .save
        case .character("+"), .character("="):
            return snapshot.state.isOver ? nil : .scaleLearningRate(Self.learningRateStep)
        case .character("-"), .character("_"), .character("−"):
            return snapshot.state.isOver ? nil : .scaleLearningRate(1 / Self.learningRateStep)
        case .character("?"):
            // The whole layer table, and back.
            panel = panel == .network ? .samples : .network
        case .tab:
            cyclePanel(by: 1)
        case .backTab:
            cyclePanel(by: -1)
        case .character("q"), .character("Q"), .escape:
            if snapshot.state.isOver { return .exit }
            confirmingQuit = true
        case .character("i"), .character("I"):
            guard snapshot.state.isOver else {
                hint = "the inspector opens on the trained weights once training is over (q stops it)"
                return nil
            }
            return .inspect
        case .up, .down, .left, .right:
            moveConfusionCell(key)
        case .enter:
            guard panel == .confusion, let cell = selectedCell else { return nil }
            guard snapshot.state.isOver else {
                hint = "a cell's images open in the inspector once training is over (q stops it)"
                return nil
            }
            return .inspectCell(cell)
        default:
            break
        }
        return nil
    }

    /// The confusion cell shown as chosen: the arrows' choice, else the largest count off the
    /// diagonal (the pair the network mixes up most); nil before the first test pass.
    public var selectedCell: ConfusionCell? {
        let counts = snapshot.confusion
        guard !counts.isEmpty else { return nil }
        if let confusionCell, confusionCell.trueClass < counts.count, confusionCell.predicted < counts.count { return confusionCell }
        var best = ConfusionCell(trueClass: 0, predicted: min(1, counts.count - 1))
        for (row, line) in counts.enumerated() {
            for (column, count) in line.enumerated() where row != column
                && count > counts[best.trueClass][best.predicted] {
                best = ConfusionCell(trueClass: row, predicted: column)
            }
        }
        return best
    }

    /// Arrows move the chosen cell while the confusion matrix is the panel shown.
    private mutating func moveConfusionCell(_ key: Key) {
        guard panel == .confusion, var cell = selectedCell else { return }
        let last = snapshot.confusion.count - 1
        switch key {
        case .up: cell.trueClass = max(0, cell.trueClass - 1)
        case .down: cell.trueClass = min(last, cell.trueClass + 1)
        case .left: cell.predicted = max(0, cell.predicted - 1)
        case .right: cell.predicted = min(last, cell.predicted + 1)
        default: return
        }
        confusionCell = cell
    }

    private mutating func cyclePanel(by step: Int) {
        let panels = DashboardPanel.available(for: snapshot)
        let index = panels.firstIndex(of: panel) ?? 0
        panel = panels[(index + step + panels.count) % panels.count]
    }
}
