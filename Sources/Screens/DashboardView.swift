import Datasets
import Terminal
import Training

/// Draws the training dashboard from a `DashboardModel` into a buffer: a pure function of
/// the model, so tests render frames from fixed metrics.
///
/// 80x24 and up: header, loss chart beside the numbers, one lower panel (Tab cycles), keys.
/// From 110x34: the accuracy chart joins the loss chart and two lower panels show at once.
public enum DashboardView {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public static func render(_ model: DashboardModel, into buffer: inout Buffer, context: RenderContext) {
        buffer.fill(buffer.area)
        if TooSmallScreen.drawIfNeeded(into: &buffer, width: minimumWidth, height: minimumHeight, context: context) {
            return
        }
        let snapshot = model.snapshot
        var (body, statusRow) = buffer.area.splitBottom(1)
        header(snapshot, row: body.splitTop(1).top, into: &buffer, context: context)
        body = body.inset(top: 1)
        // Messages wrap (at most two rows each) rather than being cut: "For CIFAR-10 run ..." is advice.
        for message in messages(snapshot, ownNotice: model.ownNotice, hint: model.hint, width: body.width) {
            var lines = WrappedText(message.text, role: message.role, markup: false).plainLines(width: body.width)
            if lines.count > 2 {
                lines = [lines[0], (lines[1] + " " + lines[2]).truncated(to: body.width, ellipsis: context.glyphs.ellipsis)]
            }
            for line in lines {
                let (row, rest) = body.splitTop(1)
                buffer.write(line, x: row.x, y: row.y, style: context.style(message.role), clip: row)
                body = rest
            }
        }
        let wide = buffer.width >= 110 && buffer.height >= 34
        // Narrow: the lower panel takes what it needs (the confusion matrix 13 rows, images 12),
        // the charts the rest.
        let bottomRows = model.panel == .confusion ? 13 : 12
        let topHeight = wide ? max(12, body.height * 2 / 5) : max(8, body.height - bottomRows)
        let (top, bottom) = body.splitTop(topHeight)
        drawTop(snapshot, area: top, wide: wide, into: &buffer, context: context)
        drawBottom(model, area: bottom, wide: wide, into: &buffer, context: context)
        statusLine(model).render(into: &buffer, area: statusRow, context: context)
    }

    // MARK: - Rows

    private static func header(_ snapshot: MetricsSnapshot, row: Rect, into buffer: inout Buffer, context: RenderContext) {
        // A student's network is named by its layers, in one line (the whole table: ? or Tab).
        let network = snapshot.network.name == "your network" ? snapshot.network.text : snapshot.model.displayName
        let title = "cnnlab train \(context.glyphs.middleDot) \(network) \(context.glyphs.middleDot) "
            + snapshot.datasetName
        let state = stateLabel(snapshot.state)
        buffer.write(title.truncated(to: max(1, row.width - state.text.count - 2), ellipsis: context.glyphs.ellipsis),
                     x: row.x, y: row.y, style: context.style(.title), clip: row)
        buffer.writeRightAligned(state.text, rightEdge: row.maxX, y: row.y, style: context.style(state.role), clip: row)
    }

    static func stateLabel(_ state: RunState) -> (text: String, role: Role) {
        switch state {
        case .preparing: return ("STARTING", .dim)
        case .running: return ("RUNNING", .success)
        case .paused: return ("PAUSED", .accent)
        case .finished: return ("FINISHED", .success)
        case .stopped: return ("STOPPED", .accent)
        case .failed: return ("FAILED", .error)
        }
    }

    /// `DatasetSplit.syntheticNotice` for a narrow screen.
    static let shortSyntheticNotice = "Synthetic shapes, not real photos. For CIFAR-10: cnnlab data get cifar10"

    /// What a finished run on the shapes adds to its last message, longest first, when it fits on
    /// that line (the header names the data, and the shell summary after q gives the command).
    static let syntheticEndings = [". Trained on synthetic shapes; for CIFAR-10: cnnlab data get cifar10",
                                   ". For CIFAR-10: cnnlab data get cifar10"]

    /// Lines above the charts, each fitted to `width` where a shorter form says the same:
    /// while training, the synthetic-data warning, then the session's latest notice. Once
    /// training is over the two share one line, so that at 80x24 the Progress box keeps step,
    /// speed and losses and the confusion matrix all ten classes.
    static func messages(_ snapshot: MetricsSnapshot, ownNotice: TrainingEvent? = nil, hint: String? = nil,
                         width: Int = .max) -> [(text: String, role: Role)] {
        var lines: [(String, Role)] = []
        let event = ownNotice ?? snapshot.event
        let over = snapshot.state.isOver
        if snapshot.datasetIsSynthetic && !(over && event != nil) {
            let notice = DatasetSplit.syntheticNotice
            lines.append((notice.count > width && shortSyntheticNotice.count <= width ? shortSyntheticNotice : notice, .accent))
        }
        if let hint { lines.append((hint, .accent)) }
        if let event {
            var line = text(for: event)
            if over && snapshot.datasetIsSynthetic {
                line += syntheticEndings.first { (line + $0).count <= width } ?? ""
            }
            lines.append((line, event.isProblem ? .error : .normal))
        }
        return lines
    }

    /// The dashboard's words for a session event (the keys it names are the dashboard's).
    static func text(for event: TrainingEvent) -> String {
        switch event {
        case .diverged(let facts):
            HeadlessFormat.divergence(facts) + ": paused, weights put back to the start of epoch \(facts.epoch). "
                + "Lower the learning rate (−) and resume (p)."
        case .resumed, .learningRateChanged, .saved, .saveFailed, .noSavePath, .alreadySaved, .overWithoutSavePath,
             .ended, .metricsNotWritten:
            HeadlessFormat.text(for: event)
        }
    }

    private static func statusLine(_ model: DashboardModel) -> StatusLine {
        if model.confirmingQuit {
            return StatusLine(left: "Stop training? y: stop" + (model.snapshot.state.isOver ? "" : " after this step")
                              + "  i: stop + inspect  else: carry on", role: .error)
        }
        if model.snapshot.state.isOver {
            if model.snapshot.saveFailure != nil {
                return StatusLine(left: "the weights were NOT saved (see above)  q quit", right: "training is over", role: .error)
            }
            // On the matrix the arrows choose a cell (drawn highlighted) whose images Enter opens.
            let keys = model.panel == .confusion && model.selectedCell != nil
                ? "q quit  i inspect  arrows+Enter: a cell's images  Tab panels" : "q quit  i inspect  Tab panels  ? layers  s save"
            return StatusLine(left: keys, right: "training is over")
        }
        let pause = model.snapshot.state == .paused ? "p resume" : "p pause"
        let panels = DashboardPanel.available(for: model.snapshot)
        let position = (panels.firstIndex(of: model.panel) ?? 0) + 1
        return StatusLine(left: "\(pause)  s save  + - learning rate  Tab panels  ? layers  q stop",
                          right: "panel \(position)/\(panels.count)")
    }

    // MARK: - Top: charts and numbers

    private static func drawTop(_ snapshot: MetricsSnapshot, area: Rect, wide: Bool, into buffer: inout Buffer,
                                context: RenderContext) {
        let statsWidth = wide ? 34 : 30
        let (charts, stats) = area.splitLeft(area.width - statsWidth)
        if wide && snapshot.model.isClassifier {
            let halves = charts.columns(2, gap: 1)
            chartBox("Loss", snapshot, area: halves[0], into: &buffer, context: context) { inner in
                DashboardCharts.loss(snapshot, plotWidth: inner.width)
            }
            chartBox("Accuracy", snapshot, area: halves[1], into: &buffer, context: context) { _ in
                DashboardCharts.accuracy(snapshot)
            }
        } else {
            chartBox("Loss", snapshot, area: charts, into: &buffer, context: context) { inner in
                DashboardCharts.loss(snapshot, plotWidth: inner.width)
            }
        }
        let inner = Box(title: "Progress").render(into: &buffer, area: stats.inset(left: 1), context: context)
        DashboardStats.render(snapshot, area: inner, into: &buffer, context: context)
    }

    private static func chartBox(_ title: String, _ snapshot: MetricsSnapshot, area: Rect, into buffer: inout Buffer,
                                 context: RenderContext, chart: (Rect) -> BrailleChart) {
        let inner = Box(title: title).render(into: &buffer, area: area, context: context)
        if snapshot.trainLoss.isEmpty && snapshot.epochs.isEmpty {
            buffer.write("waiting for the first step…", x: inner.x, y: inner.y, style: context.style(.dim), clip: inner)
            return
        }
        chart(inner).render(into: &buffer, area: inner, context: context)
    }

    // MARK: - Bottom: panels

    private static func drawBottom(_ model: DashboardModel, area: Rect, wide: Bool, into buffer: inout Buffer,
                                   context: RenderContext) {
        var panels = DashboardPanel.available(for: model.snapshot)
        if wide { panels.removeAll { $0 == .accuracy } } // already beside the loss chart
        let first = panels.contains(model.panel) ? model.panel : panels[0]
        guard wide, panels.count > 1 else {
            drawPanel(first, model.snapshot, area: area, focused: true, selected: model.selectedCell, into: &buffer, context: context)
            return
        }
        let index = panels.firstIndex(of: first) ?? 0
        let second = panels[(index + 1) % panels.count]
        // The sample strip wants the room; the matrix and filters need about 60 columns.
        let secondWidth: Int
        if second == .confusion || first == .confusion { secondWidth = min(area.width / 2, 62) }
        else if model.snapshot.model.isClassifier { secondWidth = min(area.width / 2, 56) }
        else { secondWidth = min(area.width / 3, 42) } // the autoencoder's pairs want the room
        
        let (left, right) = area.splitLeft(area.width - secondWidth)
        drawPanel(first, model.snapshot, area: left, focused: true, selected: model.selectedCell, into: &buffer, context: context)
        drawPanel(second, model.snapshot, area: right.inset(left: 1), focused: false, into: &buffer, context: context)
    }

    private static func drawPanel(_ panel: DashboardPanel, _ snapshot: MetricsSnapshot, area: Rect, focused: Bool,
                                  selected: ConfusionCell? = nil, into buffer: inout Buffer, context: RenderContext) {
        let inner = Box(title: panelTitle(panel, snapshot, width: area.width - 4), focused: focused)
            .render(into: &buffer, area: area, context: context)
        switch panel {
        case .samples: DashboardPanels.samples(snapshot, area: inner, into: &buffer, context: context)
        case .confusion:
            DashboardPanels.confusion(snapshot, area: inner, into: &buffer, context: context, selected: focused ? selected : nil)
        case .filters: DashboardPanels.filters(snapshot, area: inner, into: &buffer, context: context)
        case .network: DashboardPanels.network(snapshot, area: inner, into: &buffer, context: context)
        case .accuracy:
            if snapshot.epochs.isEmpty {
                buffer.write("Accuracy per epoch appears after the first epoch.", x: inner.x, y: inner.y,
                             style: context.style(.dim), clip: inner)
            } else {
                DashboardCharts.accuracy(snapshot).render(into: &buffer, area: inner, context: context)
            }
        }
    }

    /// A panel's title, the longest form that fits `width` (a narrow side panel gets a short one
    /// rather than a cut one).
    static func panelTitle(_ panel: DashboardPanel, _ snapshot: MetricsSnapshot, width: Int = .max) -> String {
        let forms: [String]
        switch panel {
        case .samples:
            forms = snapshot.model.isClassifier
                ? ["Test images: prediction (right/wrong) over true label", "Test images: predicted over true", "Test images"]
                : ["Test images (in) and reconstructions (out)", "Test images and reconstructions", "In and out"]
        case .confusion: forms = ["Confusion matrix (test)", "Confusion matrix"]
        case .accuracy: forms = ["Accuracy"]
        case .filters: forms = ["First-layer filters", "Filters"]
        case .network:
            let layers = "\(snapshot.network.rows.count) layers", parameters = HeadlessFormat.grouped(snapshot.network.parameterCount)
            forms = ["Network (\(layers), \(parameters) parameters)", "Network (\(layers), \(parameters) params)", "Network"]
        }
        return forms.first { $0.count <= width } ?? forms[forms.count - 1]
    }
}
