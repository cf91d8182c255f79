import Datasets
import Foundation
import Inspection
import Lessons
import Terminal

extension HomeScreen {
    /// Work the home screen (or the screen it has open) asks the run loop to do.
    public enum Effect {
        /// Read the lesson's saved progress and open it in the player.
        case openLesson(index: Int)
        /// Load the data and start a training thread under the dashboard.
        case startTraining(TrainBlock, savePath: String?)
        /// Stop the dashboard's training and wait for its thread (saving, if it has a path).
        case stopTraining(LessonDashboard)
        /// An effect of the open lesson.
        case lesson(LessonPlayer.Effect)
        /// An effect of the open dashboard.
        case dashboard(DashboardProgram.Effect)
        /// List the checkpoints saved in the models folder (Home's Train, the lessons' train blocks).
        case findCheckpoints
        /// Load a saved network and the test images, and open the inspector on them.
        case openInspector(SavedCheckpoint)
        /// Look for CIFAR-10 before Train starts (on disk, where `cnnlab data` looks).
        case findTrainingData(TrainBlock, savePath: String?)
        /// `cnnlab data get cifar10` on a thread of its own.
        case downloadCIFAR10
        /// Stop that download (it removes its partial files; ticks then show "cancelled").
        case cancelDownload(CIFAR10DownloadJob)
    }

    /// What the effects' results come back as.
    public enum Message {
        case lessonOpened(LessonPlayer)
        case trainingStarted(Result<LessonDashboard, LessonDashboardError>)
        /// Training is over; the weights are in `savedTo`, if anywhere.
        case trainingStopped(savedTo: String?)
        case lesson(LessonPlayer.Message)
        case dashboard(DashboardProgram.Message)
        /// The checkpoints found, newest first (none: nothing trained yet).
        case checkpointsFound([SavedCheckpoint])
        case inspectorOpened(Result<InspectorScreen, InspectionError>)
        /// Where CIFAR-10 is (nil: not on this machine) for the block Train is about to run.
        case trainingData(TrainBlock, savePath: String?, cifar10: String?)
        case downloadStarted(CIFAR10DownloadJob)
    }

    /// Reacts to keys; a screen opened from here gets every event until it closes. Pure: what
    /// touches disks or threads is returned as an effect.
    public mutating func update(_ event: Event) -> ProgramCommand<Effect> {
        if case .resize(let width, let height) = event { screenSize = (width, height) }
        if case .explorer(var explorer)? = child {
            // q leaves the explorer for the form it was opened from.
            child = explorer.update(event).quits ? exploreForm.map(Child.explorerSettings) : .explorer(explorer)
            return .none
        }
        if case .dataChoice(var choice)? = child {
            switch choice.update(event) {
            case .stay:
                child = .dataChoice(choice)
            case .back:
                child = nil
            case .download:
                child = .dataChoice(choice)
                return .perform(.downloadCIFAR10)
            case .cancelDownload:
                child = .dataChoice(choice)
                guard case .downloading(let job) = choice.phase else { return .none }
                return .perform(.cancelDownload(job))
            case .train(let block):
                child = nil
                return .perform(.startTraining(block, savePath: choice.savePath))
            }
            return .none
        }
        if case .explorerSettings(var form)? = child {
            guard case .key(let key) = event else { return .none }
            switch form.update(key) {
            case .stay:
                child = .explorerSettings(form)
            case .close:
                exploreForm = form
                child = nil
            case .open(let request):
                do {
                    var model = ExplorerModel(try request.resolve())
                    model.asciiNotation = asciiNotation
                    model.returnsTo = "the Explore form"
                    exploreForm = form
                    child = .explorer(ExplorerProgram(model: model))
                } catch {
                    form.problem = error.message
                    child = .explorerSettings(form)
                }
            }
            return .none
        }
        if case .dashboard(var dashboard)? = child {
            let command = dashboard.update(event)
            return closeIfDone(dashboard, command)
        }
        if case .lesson(var player)? = child {
            let command = player.update(event)
            child = .lesson(player)
            return lessonCommand(command)
        }
        if case .inspector(var inspector)? = child {
            child = inspector.update(event).quits ? nil : .inspector(inspector)
            return .none
        }
        if case .checkpoints(var picker)? = child {
            guard case .key(let key) = event else { return .none }
            switch picker.update(key) {
            case .stay:
                child = .checkpoints(picker)
            case .close:
                child = nil
            case .open(let checkpoint):
                child = .checkpoints(picker)
                return openInspector(on: checkpoint)
            }
            return .none
        }
        guard case .key(let key) = event else { return .none }
        if showHelp {
            showHelp = false
            return .none
        }
        if confirmingQuit {
            // Asked once: y or q again quits, anything else stays.
            confirmingQuit = false
            switch key {
            case .character("y"), .character("Y"), .character("q"), .enter: return .quit
            default: return .none
            }
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
            return open(items[selection])
        case .character("e"):
            return open(.explore)
        case .character("t"):
            return open(.train)
        case .character("i"):
            return open(.inspect)
        case .character("?"):
            return open(.help)
        case .character("q"):
            confirmingQuit = true
        case .character(let character):
            if let number = character.wholeNumberValue, number >= 1, number <= lessons.count {
                selection = number - 1
                return open(.lesson(index: number - 1))
            }   // other keys do nothing here
        default:
            break
        }
        return .none
    }

    mutating func open(_ item: Item) -> ProgramCommand<Effect> {
        switch item {
        case .lesson(let index):
            return .perform(.openLesson(index: index))
        case .explore:
            // The form first (the worked example by default), as the student left it last time.
            child = .explorerSettings(exploreForm ?? ExplorerSettingsForm())
        case .train:
            // Saved where lesson 6 saves it, so the weights trained here are not lost.
            // CIFAR-10 is looked for first: without it the student chooses (download or shapes).
            return .perform(.findTrainingData(TrainBlock.recipe(for: .cnn), savePath: store?.checkpointPath(for: .cnn)))
        case .inspect:
            // The weights Train (above) and the lessons' train blocks saved: a list when several.
            loadingInspector = .finding
            return .perform(.findCheckpoints)
        case .help:
            showHelp = true
        }
        return .none
    }

    /// Shows the loading notice and asks the loop to open the inspector on `checkpoint`.
    mutating func openInspector(on checkpoint: SavedCheckpoint) -> ProgramCommand<Effect> {
        loadingInspector = .checkpoint(checkpoint.networkName)
        return .perform(.openInspector(checkpoint))
    }

    /// The open dashboard's command, with its effects wrapped; once the student leaves it, the
    /// training is stopped (an effect) and the home screen shows again.
    mutating func closeIfDone(_ dashboard: LessonDashboard, _ command: ProgramCommand<DashboardProgram.Effect>)
        -> ProgramCommand<Effect> {
        let wrapped = command.map(keepQuit: false) { Effect.dashboard($0) }
        guard command.quits else {
            child = .dashboard(dashboard)
            return wrapped
        }
        child = nil
        return .batch([wrapped, .perform(.stopTraining(dashboard))])
    }

    /// The open lesson's command, with its effects wrapped; when the lesson closed, the menu
    /// shows its progress (the player has it in memory: nothing to read).
    mutating func lessonCommand(_ command: ProgramCommand<LessonPlayer.Effect>) -> ProgramCommand<Effect> {
        let wrapped = command.map(keepQuit: false) { Effect.lesson($0) }
        guard case .lesson(let player)? = child, player.isClosed else { return wrapped }
        child = nil
        if let index = lessons.firstIndex(where: { $0.entry.progressName == player.name }) {
            lessons[index].progress = player.progress.summary(for: player.lesson)
            // A finished lesson hands the selection to the next one.
            if lessons[index].progress == "done" && index + 1 < lessons.count { selection = index + 1 }
        }
        message = "progress saved: \(player.progress.summary(for: player.lesson))"
        return wrapped
    }

    /// Runs an effect (called by the run loop, never by `update`).
    public func perform(_ effect: Effect) -> Message? {
        switch effect {
        case .openLesson(let index):
            guard lessons.indices.contains(index) else { return nil }
            let row = lessons[index]
            return .lessonOpened(LessonPlayer(lesson: row.lesson, name: row.entry.progressName, store: store,
                                              screenSize: screenSize, asciiNotation: asciiNotation, path: row.entry.path))
        case .startTraining(let block, let savePath):
            return .trainingStarted(LessonDashboard.start(block, savePath: savePath))
        case .stopTraining(let dashboard):
            dashboard.stop()
            // "~/..." for the home folder: the whole path then fits Home's status line at 80 columns.
            return .trainingStopped(savedTo: dashboard.session.store.snapshot().lastCheckpoint
                .map { Self.tildePath($0, home: ProcessInfo.processInfo.environment["HOME"]) })
        case .lesson(let inner):
            // A lesson that just closed still has its last progress save to run.
            guard case .lesson(let player)? = child else { return LessonPlayer.perform(inner, dashboard: nil).map { .lesson($0) } }
            return player.perform(inner).map { .lesson($0) }
        case .dashboard(let inner):
            guard case .dashboard(let dashboard)? = child else { return nil }
            return dashboard.perform(inner).map { .dashboard($0) }
        case .findCheckpoints:
            guard let store else { return .checkpointsFound([]) }
            let models = (store.checkpointPath(for: .cnn) as NSString).deletingLastPathComponent
            let elsewhere = SavedElsewhere(stateDirectory: (models as NSString).deletingLastPathComponent).paths()
            return .checkpointsFound(SavedCheckpoints.find(in: models, elsewhere: elsewhere))
        case .openInspector(let checkpoint):
            return .inspectorOpened(Self.openInspector(checkpoint))
        case .findTrainingData(let block, let savePath):
            return .trainingData(block, savePath: savePath, cifar10: DatasetCatalog().locateCIFAR10())
        case .downloadCIFAR10:
            return .downloadStarted(CIFAR10DownloadJob.start())
        case .cancelDownload(let job):
            job.cancel()
            return nil
        }
    }

    /// `path` with the home folder written "~" ("~/.local/state/cnnlab/models/cnn.safetensors").
    static func tildePath(_ path: String, home: String?) -> String {
        guard let home, !home.isEmpty, home != "/", path.hasPrefix(home + "/") else { return path }
        return "~" + path.dropFirst(home.count)
    }

    /// Takes an effect's result. Pure, like `update`.
    public mutating func receive(_ result: Message) -> ProgramCommand<Effect> {
        switch result {
        case .lessonOpened(let player):
            child = .lesson(player)
            return .none
        case .trainingData(var block, let savePath, let folder):
            guard let folder else {
                child = .dataChoice(TrainingDataChoice(block: block, savePath: savePath))
                return .none
            }
            block.dataSpec = .cifar10(directory: folder)
            return .perform(.startTraining(block, savePath: savePath))
        case .downloadStarted(let job):
            guard case .dataChoice(var choice)? = child else { return .none }
            choice.phase = .downloading(job)
            child = .dataChoice(choice)
            return .none
        case .trainingStarted(.success(let dashboard)):
            child = .dashboard(dashboard)
            return .none
        case .trainingStarted(.failure(let error)):
            message = error.message
            messageIsError = true
            return .none
        case .trainingStopped(let path):
            message = path.map { "training stopped; saved \($0)" } ?? "training stopped"
            return .none
        case .lesson(.progressNotSaved(let why)) where openLesson == nil:
            message = why
            messageIsError = true
            return .none
        case .lesson(let inner):
            guard case .lesson(var player)? = child else { return .none }
            let command = player.receive(inner)
            child = .lesson(player)
            return lessonCommand(command)
        case .dashboard(let inner):
            guard case .dashboard(var dashboard)? = child else { return .none }
            let command = dashboard.receive(inner)
            return closeIfDone(dashboard, command)
        case .checkpointsFound(let found):
            loadingInspector = nil
            switch found.count {
            case 0:
                message = "no trained network yet: press t to train one (its weights are saved when you stop)"
                messageIsError = true
                return .none
            case 1:
                return openInspector(on: found[0])
            default:
                child = .checkpoints(CheckpointPicker(checkpoints: found))
                return .none
            }
        case .inspectorOpened(.success(var inspector)):
            loadingInspector = nil
            inspector.embedded = true
            child = .inspector(inspector)
            return .none
        case .inspectorOpened(.failure(let error)):
            loadingInspector = nil
            if case .checkpoints? = child { child = nil }
            message = error.message
            messageIsError = true
            return .none
        }
    }
}

extension HomeScreen {
    /// The inspector on a saved network and the test images found as training finds them; the
    /// reason when the file does not fit or cannot be read.
    static func openInspector(_ checkpoint: SavedCheckpoint) -> Result<InspectorScreen, InspectionError> {
        do {
            // On the data it was trained on when the checkpoint says so (a network of 1-channel
            // Fashion-MNIST images does not fit CIFAR-10's), else as training finds data.
            let setup = try InspectionSetup.open(network: checkpoint.network, checkpoint: checkpoint.path,
                                                 modelsDirectory: (checkpoint.path as NSString).deletingLastPathComponent,
                                                 data: checkpoint.data ?? .automatic)
            return InspectorScreen.open(setup: setup, testImage: 0)
        } catch {
            return .failure(error)
        }
    }
}
