import Lessons
import Terminal

extension HomeScreen: TerminalProgram {
    public static let minimumWidth = 60, minimumHeight = 16

    /// A playing explorer inside an open lesson needs ticks.
    public var tickInterval: Double? {
        switch child {
        case .lesson(let player)?: return player.tickInterval
        case .explorer(let explorer)?: return explorer.tickInterval
        case .explorerSettings?: return nil
        case .dataChoice(let choice)?: return choice.isDownloading ? 0.2 : nil
        case .dashboard(let dashboard)?: return dashboard.program.tickInterval
        case .inspector(let inspector)?: return inspector.tickInterval
        case .checkpoints?, nil: return nil
        }
    }

    public func view(into buffer: inout Buffer, context: RenderContext) {
        switch child {
        case .lesson(let player)?:
            player.view(into: &buffer, context: context)
            return
        case .explorer(let explorer)?:
            explorer.view(into: &buffer, context: context)
            return
        case .explorerSettings(let form)?:
            form.render(into: &buffer, context: context)
            return
        case .dataChoice(let choice)?:
            choice.render(into: &buffer, context: context)
            return
        case .dashboard(let dashboard)?:
            dashboard.program.view(into: &buffer, context: context)
            return
        case .inspector(let inspector)?:
            inspector.view(into: &buffer, context: context)
            return
        case .checkpoints(let picker)?:
            picker.render(into: &buffer, context: context)
            loadingInspector?.render(into: &buffer, context: context)
            return
        case nil:
            break
        }
        if TooSmallScreen.drawIfNeeded(into: &buffer, width: Self.minimumWidth, height: Self.minimumHeight,
                                       context: context) { return }
        let g = context.glyphs
        let screen = buffer.area
        let (header, rest) = screen.splitTop(1)
        let (body, status) = rest.splitBottom(1)
        StatusLine(left: "cnnlab \(g.middleDot) convolutional neural networks, taught in the terminal", right: "",
                   role: .status).render(into: &buffer, area: header, context: context)

        let wide = body.width >= 100
        let menuArea = wide ? body.splitLeft(body.width * 3 / 5).left : body
        let inner = Box(title: "cnnlab", focused: true).render(into: &buffer, area: menuArea, context: context)
        var y = inner.y
        buffer.write("Lessons", x: inner.x + 1, y: y, role: .title, context: context, clip: inner)
        y += 1
        if let libraryProblem {
            for line in WrappedText(libraryProblem, markup: false).plainLines(width: inner.width - 2) {
                buffer.write(line, x: inner.x + 1, y: y, role: .error, context: context, clip: inner)
                y += 1
            }
        }
        let progressWidth = min(28, max(10, lessons.map(\.progress.count).max() ?? 0))
        for (index, item) in items.enumerated() {
            if item == .explore { y += 1 }
            guard y < inner.maxY else { buffer.noteHidden("\(items.count - index) home rows", in: inner); break }
            let selected = index == selection
            let pointer = selected ? (g.unicode ? "▸" : ">") : " "
            let label: String
            var progress = ""
            switch item {
            case .lesson(let number):
                label = "\(number + 1)  " + lessons[number].lesson.title
                progress = lessons[number].progress
                if progress == "done" { progress = "\(g.check) done" }
            case .explore: label = "Explore   step through conv, pool or convT, your sizes"
            case .train: label = "Train     the course CNN on CIFAR-10 (live)"
            case .inspect: label = "Inspect   look inside a network you trained"
            case .help: label = "Help      keys and commands"
            }
            let row = Rect(x: inner.x, y: y, width: inner.width, height: 1)
            let labelWidth = max(0, inner.width - 4 - (progress.isEmpty ? 0 : progressWidth + 2))
            let text = " \(pointer) " + label.truncated(to: labelWidth, ellipsis: g.ellipsis).rightPadded(to: labelWidth)
            let role: Role = selected ? .selection : .normal
            if selected { buffer.fill(row, with: Cell(" ", style: context.style(.selection))) }
            let end = buffer.write(text, x: inner.x, y: y, role: role, context: context, clip: inner)
            if !progress.isEmpty {
                let progressRole: Role = selected ? .selection : (progress.hasSuffix("done") ? .success : .dim)
                buffer.write("  " + progress.truncated(to: progressWidth), x: end, y: y, role: progressRole,
                             context: context, clip: inner)
            }
            y += 1
        }

        // The chosen lesson's summary, beside the menu or under it.
        if case .lesson(let number) = items[selection], lessons.indices.contains(number) {
            let row = lessons[number]
            let text = (row.lesson.summary.joined(separator: " ") + "\n\n"
                + "\(row.lesson.steps.count) steps, \(row.lesson.quizzes.count) quizzes. Enter opens it.")
            if wide {
                let area = body.splitLeft(body.width * 3 / 5).rest
                let detail = Box(title: row.lesson.title).render(into: &buffer, area: area, context: context)
                WrappedText(text, markup: false).render(into: &buffer, area: detail.inset(left: 1, right: 1), context: context)
            } else if y + 2 < inner.maxY {
                // Under the menu the summary gets what is left; the rest is counted, not cut.
                let lines = WrappedText(text, markup: false).plainLines(width: inner.width - 2).map { (text: $0, role: Role.dim) }
                buffer.writeLines(lines, in: Rect(x: inner.x + 1, y: y + 1, width: inner.width - 2, height: inner.maxY - y - 1),
                                  context: context, hint: "a taller window shows the summary")
            }
        }

        let keys = "\(g.arrowUp) \(g.arrowDown) choose \(g.middleDot) Enter open \(g.middleDot) \(Self.lessonDigits(lessons.count)) lesson \(g.middleDot) ? help \(g.middleDot) q quit"
        StatusLine(left: message ?? keys, role: messageIsError ? .error : .status)
            .render(into: &buffer, area: status, context: context)
        if showHelp { renderHelp(into: &buffer, context: context) }
        if confirmingQuit {
            Dialog(title: "Quit cnnlab?", message: "Your progress is saved.", hint: "y or q: quit   any other key: stay")
                .render(into: &buffer, area: buffer.area, context: context)
        }
        loadingInspector?.render(into: &buffer, context: context)
    }

    /// The keys of this screen and of a lesson, then the shell commands; the digits are those
    /// that open a lesson (1 to the number of lessons, at most 9).
    static func helpEntries(lessonCount: Int) -> [(keys: String, action: String)] {
        [("↑ ↓", "choose"), ("Enter", "open")] + (lessonCount == 0 ? [] : [(lessonDigits(lessonCount), "open that lesson")])
            + [("e t i", "explore, train, inspect")] + otherHelpEntries
    }

    /// The digit keys that open a lesson: one digit each, so at most 1-9.
    static func lessonDigits(_ count: Int) -> String { count <= 1 ? "1" : "1-\(min(9, count))" }

    private static let otherHelpEntries: [(keys: String, action: String)] = [
        ("q", "quit (asks first)"),
        ("← → n p", "in a lesson: change step"), ("↑ ↓", "in a lesson: scroll the text"),
        ("Tab", "in a lesson: the explorer or other pane"), ("h", "in a lesson: a hint"),
        ("q", "in a lesson: back here (progress is saved as you go)"),
        ("cnnlab lessons", "list the lessons and your progress"),
        ("cnnlab lesson 3", "open lesson 3 (or its name, or a file)"),
        ("cnnlab lesson --check F", "check a lesson file you wrote"),
        ("cnnlab explore conv", "step through a convolution"),
        ("cnnlab train --help", "train the course networks"),
    ]

    func renderHelp(into buffer: inout Buffer, context: RenderContext) {
        KeyHelp(title: "Help", entries: Self.helpEntries(lessonCount: lessons.count))
            .render(into: &buffer, area: buffer.area, context: context)
    }
}
