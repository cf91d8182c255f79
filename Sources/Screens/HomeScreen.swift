import Inspection
import Lessons
import Terminal

/// The screen `cnnlab` opens with: the lessons with each one's progress, then Explore,
/// Train and Help. A chosen lesson opens in the player inside this screen; leaving it
/// comes back here with its progress updated.
public struct HomeScreen {
    /// One row of the menu.
    public enum Item: Equatable, Sendable {
        case lesson(index: Int)
        case explore, train, inspect, help
    }

    /// A lesson of the library, with what the home screen shows of it.
    struct LessonRow: Equatable, Sendable {
        var entry: LessonLibrary.Entry
        var lesson: Lesson
        var progress: String
    }

    /// A screen opened from the home screen.
    enum Child {
        case lesson(LessonPlayer)
        case explorer(ExplorerProgram)
        /// Explore's form (operation, sizes, bias), before and between explorer runs.
        case explorerSettings(ExplorerSettingsForm)
        /// Train's question when CIFAR-10 is missing (and the download it may start).
        case dataChoice(TrainingDataChoice)
        case dashboard(LessonDashboard)
        case inspector(InspectorScreen)
        /// Home's Inspect with several trained networks: which one to open.
        case checkpoints(CheckpointPicker)
    }

    var lessons: [LessonRow]
    /// Why no lessons are listed (no lessons folder found).
    let libraryProblem: String?
    let store: ProgressStore?
    public internal(set) var selection = 0
    var child: Child?
    /// The explore form's last settings: q in the explorer comes back to them.
    var exploreForm: ExplorerSettingsForm?
    var showHelp = false
    /// Set while the inspector loads (an effect), drawn over the menu; cleared when it arrives.
    public internal(set) var loadingInspector: InspectorLoading?
    /// True while "Quit cnnlab?" is showing.
    public internal(set) var confirmingQuit = false
    public internal(set) var message: String?
    var messageIsError = false
    var screenSize: (width: Int, height: Int)
    /// ASCII formulas in the explorer (`--ascii`, or a terminal without Unicode).
    public var asciiNotation = false

    /// The menu, lessons first.
    public var items: [Item] { lessons.indices.map { Item.lesson(index: $0) } + [.explore, .train, .inspect, .help] }

    /// A home screen over `library` (or the message why there is none), with progress from `store`.
    public init(library: Result<LessonLibrary, LibraryError>, store: ProgressStore?,
                screenSize: (width: Int, height: Int) = (80, 24)) {
        self.store = store
        self.screenSize = screenSize
        switch library {
        case .success(let found):
            libraryProblem = nil
            lessons = found.entries.map { entry in
                let lesson = Lesson.load(path: entry.path)
                return LessonRow(entry: entry, lesson: lesson,
                                 progress: store?.load(entry.progressName).progress.summary(for: lesson) ?? "")
            }
            if lessons.isEmpty { message = "no lessons in \(found.directory)" }
        case .failure(let error):
            libraryProblem = error.message
            lessons = []
        }
        // Start on the first lesson not finished yet.
        selection = lessons.firstIndex { $0.progress != "done" } ?? 0
    }

    /// Stops training or a download started from this screen (when the program is interrupted
    /// or closed): training saves as q would, a download removes its partial files. Returns
    /// what to tell the shell ("Download cancelled: ..."), if anything.
    @discardableResult
    public func stopBackgroundWork() -> String? {
        switch child {
        case .lesson(let player)?: return player.stopBackgroundWork()
        case .dashboard(let dashboard)?: dashboard.stop()
        case .dataChoice(let choice)?: return choice.stopDownload()
        case .explorer?, .explorerSettings?, .inspector?, .checkpoints?, nil: break
        }
        return nil
    }

    /// Whether the explorer is open (for tests).
    public var isExploring: Bool { if case .explorer? = child { return true } else { return false } }
    /// Whether Train is asking which data to use (for tests).
    public var isChoosingTrainingData: Bool { if case .dataChoice? = child { return true } else { return false } }
    /// Whether Explore's settings form is open (for tests).
    public var isChoosingExploreSettings: Bool { if case .explorerSettings? = child { return true } else { return false } }

    /// Whether the inspector is open (for tests).
    /// The checkpoints Home's Inspect lists while the student chooses one (for tests).
    public var checkpointChoices: [SavedCheckpoint]? {
        if case .checkpoints(let picker)? = child { return picker.checkpoints } else { return nil }
    }

    public var isInspecting: Bool { if case .inspector? = child { return true } else { return false } }

    /// Whether the training dashboard is open (for tests).
    public var isTraining: Bool { if case .dashboard? = child { return true } else { return false } }

    /// The lesson player shown, if any (for tests).
    public var openLesson: LessonPlayer? {
        if case .lesson(let player)? = child { return player }
        return nil
    }

    /// Opens `player` over this screen (a lesson file outside the library, or one watched with
    /// `--watch`), so q comes back to the lessons list as it does for `cnnlab lesson N`.
    public mutating func show(_ player: LessonPlayer) {
        child = .lesson(player)
    }

    /// Opens the library's lesson whose progress name is `name` (as Enter on it would, running the effect);
    /// false when the library has no such lesson. For `cnnlab lesson N`, so q comes back here.
    public mutating func open(lessonNamed name: String) -> Bool {
        guard let index = lessons.firstIndex(where: { $0.entry.progressName == name }) else { return false }
        selection = index
        run(.perform(.openLesson(index: index)))
        return openLesson != nil
    }
}
