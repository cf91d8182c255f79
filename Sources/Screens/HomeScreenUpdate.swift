import Lessons
import Terminal

extension HomeScreen {
    /// Reacts to keys; a lesson being played gets every event until it closes.
    public mutating func update(_ event: Event) -> ProgramCommand {
        if case .resize(let width, let height) = event { screenSize = (width, height) }
        if case .explorer(var explorer)? = child {
            child = explorer.update(event) == .quit ? nil : .explorer(explorer)
            return .none
        }
        if case .dashboard(var dashboard)? = child {
            child = dashboard.update(event) ? .dashboard(dashboard) : nil
            if child == nil {
                message = dashboard.session.store.snapshot().lastCheckpoint.map { "training stopped; weights saved to \($0)" }
                    ?? "training stopped"
            }
            return .none
        }
        if case .lesson(var player)? = child {
            _ = player.update(event)
            if player.isClosed {
                child = nil
                if let index = lessons.firstIndex(where: { $0.entry.progressName == player.name }) {
                    refreshProgress(index)
                    // A finished lesson hands the selection to the next one.
                    if lessons[index].progress == "done" && index + 1 < lessons.count { selection = index + 1 }
                }
                message = "progress saved: \(player.progress.summary(for: player.lesson))"
            } else {
                child = .lesson(player)
            }
            return .none
        }
        guard case .key(let key) = event else { return .none }
        if showHelp {
            showHelp = false
            return .none
        }
        message = nil
        messageIsError = false
        switch key {
        case .up, .character("k"):
            selection = (selection + items.count - 1) % items.count
        case .down, .character("j"), .tab:
            selection = (selection + 1) % items.count
        case .home:
            selection = 0
        case .end:
            selection = items.count - 1
        case .enter, .right, .character(" "):
            open(items[selection])
        case .character("e"):
            open(.explore)
        case .character("t"):
            open(.train)
        case .character("?"):
            open(.help)
        case .character("q"), .escape:
            return .quit
        case .character(let character):
            if let number = character.wholeNumberValue, number >= 1, number <= lessons.count {
                selection = number - 1
                open(.lesson(index: number - 1))
            } else {
                message = "↑ ↓ to choose, Enter to open, q to quit"
            }
        default:
            break
        }
        return .none
    }

    mutating func open(_ item: Item) {
        switch item {
        case .lesson(let index):
            let row = lessons[index]
            child = .lesson(LessonPlayer(lesson: row.lesson, name: row.entry.progressName, store: store, screenSize: screenSize,
                                         asciiNotation: asciiNotation, path: row.entry.path))
        case .explore:
            // The course's worked example; `cnnlab explore` takes other settings.
            let setup = LessonExplorePane.setup(for: ExploreBlock(operation: .conv))
            do {
                var model = try ExplorerModel(setup: setup)
                model.asciiNotation = asciiNotation
                child = .explorer(ExplorerProgram(model: model))
            } catch {
                message = error.message
                messageIsError = true
            }
        case .train:
            // Saved where lesson 6 saves it, so the weights trained here are not lost.
            switch LessonDashboard.start(TrainBlock.recipe(for: .cnn), savePath: store?.checkpointPath(for: .cnn)) {
            case .success(let dashboard):
                child = .dashboard(dashboard)
            case .failure(let error):
                message = error.message
                messageIsError = true
            }
        case .help:
            showHelp = true
        }
    }
}
