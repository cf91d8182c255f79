import Foundation
import Lessons
import Stepper
import Terminal

/// Where the player's parts go on a screen of a given size.
struct LessonPlayerLayout: Equatable {
    /// The smallest screen the player draws on.
    static let minimumWidth = 60, minimumHeight = 16
    /// From this width on, the pane sits beside the text; below, under it.
    static let sideBySideWidth = 110

    var header: Rect
    var textBox: Rect
    /// The text's inside, one column of margin inside the box.
    var text: Rect
    var paneBox: Rect?
    var pane: Rect?
    var status: Rect

    /// Whether the text has a box of its own (side by side, or without a pane); under a
    /// narrow layout the text goes without one to save two rows.
    var textBoxed: Bool

    /// `paneHeight` is what the pane's content needs (borders included); the text keeps
    /// at least 6 rows under it.
    init(width: Int, height: Int, hasPane: Bool, paneHeight: Int, paneExpanded: Bool = false) {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (top, rest) = screen.splitTop(1)
        let (body, bottom) = rest.splitBottom(1)
        header = top
        status = bottom
        if !hasPane {
            textBox = body
            paneBox = nil
            textBoxed = true
        } else if width >= Self.sideBySideWidth {
            let textWidth = max(44, width * 2 / 5)
            let split = body.splitLeft(textWidth)
            textBox = split.left
            paneBox = split.rest
            textBoxed = true
        } else if paneExpanded {
            // A focused explorer takes the whole body under a narrow layout: it needs the room.
            textBox = Rect(x: body.x, y: body.y, width: body.width, height: 0)
            paneBox = body
            textBoxed = false
        } else {
            let paneRows = max(5, min(paneHeight, body.height - 6))
            let split = body.splitBottom(paneRows)
            textBox = split.rest
            paneBox = split.bottom
            textBoxed = false
        }
        text = textBoxed ? textBox.inset(top: 1, left: 2, bottom: 1, right: 2) : textBox.inset(left: 2, right: 2)
        pane = paneBox?.inset(top: 1, left: 2, bottom: 1, right: 1)
    }
}

extension LessonPlayer: TerminalProgram {
    public func view(into buffer: inout Buffer, context: RenderContext) {
        if let inspector {
            inspector.view(into: &buffer, context: context)
            return
        }
        if let interpolation {
            interpolation.render(into: &buffer, context: context)
            return
        }
        if let dashboard {
            dashboard.program.view(into: &buffer, context: context)
            return
        }
        if let trainingData {
            trainingData.choice.render(into: &buffer, context: context)
            return
        }
        if TooSmallScreen.drawIfNeeded(into: &buffer, width: LessonPlayerLayout.minimumWidth,
                                       height: LessonPlayerLayout.minimumHeight, context: context) { return }
        render(into: &buffer, context: context)
        inspectorLoading?.render(into: &buffer, context: context)
    }

    var layout: LessonPlayerLayout {
        LessonPlayerLayout(width: screenSize.width, height: screenSize.height, hasPane: !paneBlocks.isEmpty,
                           paneHeight: paneHeight(width: screenSize.width), paneExpanded: explorerExpanded)
    }

    func layout(for buffer: Buffer) -> LessonPlayerLayout {
        LessonPlayerLayout(width: buffer.width, height: buffer.height, hasPane: !paneBlocks.isEmpty,
                           paneHeight: paneHeight(width: buffer.width), paneExpanded: explorerExpanded)
    }

    /// Whether the pane's explorer has the keyboard (it then fills the body when narrow).
    var explorerExpanded: Bool {
        guard focus == .pane, paneBlocks.indices.contains(paneIndex), case .explore = paneBlocks[paneIndex] else { return false }
        return true
    }

    /// Ticks while an explorer of this step is playing.
    public var tickInterval: Double? {
        if let inspector { return inspector.tickInterval }
        if let dashboard { return dashboard.program.tickInterval }
        if let trainingData { return trainingData.choice.isDownloading ? 0.2 : nil }
        if explorers.contains(where: { $0.key.step == stepIndex && $0.value.isPlaying }) { return ExplorerModel.tick }
        return watching ? 0.5 : nil       // --watch polls the file twice a second
    }

    /// The rows the pane's current block needs, borders included.
    func paneHeight(width: Int) -> Int {
        guard paneBlocks.indices.contains(paneIndex) else { return 0 }
        switch paneBlocks[paneIndex] {
        case .explore:
            return (explorers[PaneKey(step: stepIndex, pane: paneIndex)]?.contentHeight(width: width - 3) ?? 10) + 2
        case .model(let block): return block.rows.count + 6
        case .train(let block): return block.model == .autoencoder ? 17 : 14
        case .inspect: return 10
        case .pytorch(let code): return LessonPaneView.codeHeight(code, width: width - 3) + 2
        case .text, .preformatted, .quiz, .broken: return 4
        }
    }

    /// Draws the whole player: header, text, pane, status line (and the help overlay).
    func render(into buffer: inout Buffer, context: RenderContext) {
        let layout = layout(for: buffer)
        let stepText = stepCount == 0 ? "no steps" : "step \(stepIndex + 1) of \(stepCount)"
        let ascii: (String) -> String = { context.glyphs.unicode ? $0 : LessonASCII.transliterate($0) }
        StatusLine(left: ascii("cnnlab \(context.glyphs.middleDot) \(lesson.title)"), right: stepText, role: .status)
            .render(into: &buffer, area: layout.header, context: context)

        // The text column.
        // Only as far down as the screen shows (LessonTextLayout): a long step draws quickly.
        // Parts above the scroll are only counted: End on a long step lays out its last screenful.
        var textLayout = LessonTextLayout(player: self, width: layout.text.width, glyphs: context.glyphs,
                                          from: scroll, needed: scroll + layout.text.height)
        let maxScroll = textLayout.complete ? max(0, textLayout.totalLines - layout.text.height) : Int.max
        let shownScroll = min(scroll, maxScroll)
        if shownScroll < textLayout.firstLine {
            // Scrolled past the end (the screen grew since): lay out from where the text now starts.
            textLayout = LessonTextLayout(player: self, width: layout.text.width, glyphs: context.glyphs,
                                          from: shownScroll, needed: shownScroll + layout.text.height)
        }
        if layout.textBoxed {
            Box(title: nil, focused: focus == .text && !paneBlocks.isEmpty).render(into: &buffer, area: layout.textBox, context: context)
        }
        for (offset, line) in textLayout.lines.dropFirst(shownScroll - textLayout.firstLine).prefix(layout.text.height).enumerated() {
            var x = layout.text.x
            for span in line {
                x = buffer.write(span.text, x: x, y: layout.text.y + offset, role: span.role, context: context, clip: layout.text)
            }
        }
        if textLayout.totalLines - shownScroll > layout.text.height || shownScroll > 0 {
            buffer.noteHidden("lesson text beyond the box", in: layout.text)
        }
        let arrows = context.glyphs

        // The pane.
        if let paneBox = layout.paneBox, let pane = layout.pane, paneBlocks.indices.contains(paneIndex) {
            let item = paneBlocks[paneIndex]
            var title = LessonTextLayout.paneTitle(item)
            if paneBlocks.count > 1 { title += "  (\(paneIndex + 1) of \(paneBlocks.count))" }
            Box(title: title, focused: focus == .pane).render(into: &buffer, area: paneBox, context: context)
            renderPane(item, into: &buffer, area: pane, context: context)
        }

        // Scroll marks go on the text's top and bottom edges (the pane's top border when unboxed).
        if layout.textBoxed {
            if shownScroll > 0 || shownScroll < maxScroll { buffer.noteOverflowShown(in: layout.text) }
            if shownScroll > 0 {
                buffer.write(" \(arrows.arrowUp) more ", x: layout.textBox.maxX - 10, y: layout.textBox.y, role: .dim, context: context)
            }
            if shownScroll < maxScroll {
                buffer.write(" \(arrows.arrowDown) more ", x: layout.textBox.maxX - 10, y: layout.textBox.maxY - 1,
                             role: .accent, context: context)
            }
        } else if layout.text.height > 0 && (shownScroll > 0 || shownScroll < maxScroll) {
            // Under a narrow layout both marks share the pane's top border, just below the text.
            let marks = (shownScroll > 0 ? String(arrows.arrowUp) : "") + (shownScroll < maxScroll ? String(arrows.arrowDown) : "")
            buffer.noteOverflowShown(in: layout.text)
            buffer.write(" \(marks) more ", x: layout.textBox.maxX - 11, y: layout.textBox.maxY,
                         role: shownScroll < maxScroll ? .accent : .dim, context: context)
        }

        StatusLine(left: ascii(statusText(context: context, room: layout.status.width - stepText.count - 4)), right: stepText,
                   role: message != nil && messageIsError ? .error : .status)
            .render(into: &buffer, area: layout.status, context: context)

        if showHelp { renderHelp(into: &buffer, context: context) }
    }

    func renderPane(_ item: StepItem, into buffer: inout Buffer, area: Rect, context: RenderContext) {
        switch item {
        case .explore:
            if let explorer = explorers[PaneKey(step: stepIndex, pane: paneIndex)] {
                explorer.render(into: &buffer, area: area, context: context)
            }
        case .model(let block):
            LessonPaneView.renderModel(block, into: &buffer, area: area, context: context, hidden: hiddenModelValues(block))
        case .train(let block):
            LessonPaneView.renderTrain(block, into: &buffer, area: area, context: context, focused: focus == .pane,
                                       savePath: checkpointPath(for: block),
                                       data: dataChoices[PaneKey(step: stepIndex, pane: paneIndex)])
        case .inspect(let block):
            let trainStep = lesson.steps.firstIndex { $0.items.contains(.train(block.train)) }
            LessonInspectPane.render(block, into: &buffer, area: area, context: context, focused: focus == .pane,
                                     checkpoint: checkpointPath(for: block.train), trainStep: trainStep)
        case .pytorch(let code):
            LessonPaneView.renderCode(code, into: &buffer, area: area, context: context)
        case .text, .preformatted, .quiz, .broken:
            break   // not shown in the pane
        }
    }

    /// The key line; `room` is the columns it has (a shorter form when the whole does not fit).
    func statusText(context: RenderContext, room: Int = .max) -> String {
        if let message { return message }
        let g = context.glyphs
        if focus == .pane {
            let inside: String
            switch paneBlocks.indices.contains(paneIndex) ? paneBlocks[paneIndex] : nil {
            case .explore?: inside = "explorer: \(g.leftArrowText)\(g.rightArrowText) step \(g.middleDot) p play \(g.middleDot) v view"
            case .train(let block)?:
                inside = "Enter: open the dashboard" + (block.model == .autoencoder ? " \(g.middleDot) i: interpolate" : "")
            case .inspect?: inside = "Enter: open the inspector"
            default: inside = "pane"
            }
            let back = " \(g.middleDot) Tab or q: back to the text"
            return inside.count + back.count <= room ? inside + back : inside + " \(g.middleDot) Tab/q: text"
        }
        var parts = ["\(g.leftArrowText) \(g.rightArrowText) steps", "\(g.arrowUp)\(g.arrowDown) scroll"]
        if !paneBlocks.isEmpty { parts.append("Tab: pane") }
        if stepIndex == stepCount - 1 { parts.append("last step: q home") } else { parts.append("q home") }
        parts.append("? help")
        return parts.joined(separator: " \(g.middleDot) ")
    }

    static let helpEntries: [(keys: String, action: String)] = [
        ("← → n p", "previous / next step"), ("↑ ↓ PgUp PgDn", "scroll the text"),
        ("Tab", "move between the text and the pane (an explorer's own keys work while it has focus: → ← step, Home End first and last step)"),
        ("0-9 - .", "type an answer, Enter checks it"), ("a b c ...", "choose an answer"),
        ("h", "show a hint"), ("s", "show the answer (after a wrong attempt)"),
        ("Enter", "next step when there is nothing to answer"), ("r", "reload the lesson file (for authors)"),
        ("q Esc", "back (your progress is saved)"),
    ]

    func renderHelp(into buffer: inout Buffer, context: RenderContext) {
        KeyHelp(title: "Lesson keys", entries: Self.helpEntries).render(into: &buffer, area: buffer.area, context: context)
    }
}
