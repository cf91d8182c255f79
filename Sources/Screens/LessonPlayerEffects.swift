import Datasets
import Foundation
import Inspection
import Lessons
import Terminal

/// The lesson player's side effects as values: `update` returns them, the run loop (or the
/// home screen hosting the player) performs them, and their results come back to `receive`.
extension LessonPlayer {
    /// Work the player asks for.
    public enum Effect {
        /// Write the lesson's progress (atomically) into `store`.
        case saveProgress(LessonProgress, lesson: String, store: ProgressStore)
        /// Load the data and start a training thread under the dashboard.
        case startTraining(TrainBlock, data: LessonDataChoice, savePath: String?)
        /// Stop the dashboard's training and wait for its thread (saving the weights).
        case stopTraining(LessonDashboard)
        /// Load the trained autoencoder and the test images for the interpolation view.
        case openInterpolation(checkpoint: String, data: LessonDataChoice)
        /// Load the weights an inspect block names and open the inspector where it asks.
        case openInspector(InspectBlock, checkpoint: String)
        /// Find on disk the data a train block names (step, pane index, what it asks for).
        case findData(step: Int, pane: Int, DatasetSpec)
        /// Read the lesson file again (`r`).
        case reload(String)
        /// Read the lesson file's modification time (`--watch`, each tick).
        case checkFile(String)
        /// An effect of the open dashboard.
        case dashboard(DashboardProgram.Effect)
        /// `cnnlab data get cifar10` on a thread of its own (the data choice's d).
        case downloadCIFAR10
        /// Stop that download (it removes its partial files; ticks then show "cancelled").
        case cancelDownload(CIFAR10DownloadJob)
    }

    /// What the effects' results come back as.
    public enum Message {
        /// Saving the progress failed: why.
        case progressNotSaved(String)
        case trainingStarted(Result<LessonDashboard, LessonDashboardError>)
        case trainingStopped
        case interpolationOpened(Result<LessonInterpolation, LessonDashboardError>)
        case inspectorOpened(Result<InspectorScreen, InspectionError>)
        case dataFound(step: Int, pane: Int, LessonDataChoice)
        case reloaded(Lesson, modification: Date?)
        case fileChecked(modification: Date?)
        case dashboard(DashboardProgram.Message)
        case downloadStarted(CIFAR10DownloadJob)
    }

    /// Runs an effect (the run loop or the host calls this, never `update`).
    public func perform(_ effect: Effect) -> Message? {
        Self.perform(effect, dashboard: dashboard)
    }

    /// Runs an effect with the dashboard it may need; the home screen calls this for a lesson
    /// that has already closed (its last progress save).
    static func perform(_ effect: Effect, dashboard: LessonDashboard?) -> Message? {
        switch effect {
        case .saveProgress(let progress, let lesson, let store):
            do {
                try store.save(progress, for: lesson)
                return nil
            } catch {
                return .progressNotSaved("progress not saved: \(error)")
            }
        case .startTraining(let block, let data, let savePath):
            return .trainingStarted(LessonDashboard.start(block, data: data, savePath: savePath))
        case .stopTraining(let stopping):
            stopping.stop()
            return .trainingStopped
        case .openInterpolation(let path, let data):
            return .interpolationOpened(LessonInterpolation.open(checkpoint: path, data: data))
        case .openInspector(let block, let checkpoint):
            return .inspectorOpened(LessonInspectPane.open(block, checkpoint: checkpoint))
        case .findData(let step, let pane, let request):
            return .dataFound(step: step, pane: pane, LessonDataChoice.choose(request))
        case .reload(let path):
            return .reloaded(Lesson.load(path: path), modification: LessonPlayer.modification(path))
        case .checkFile(let path):
            return .fileChecked(modification: LessonPlayer.modification(path))
        case .dashboard(let inner):
            return dashboard?.perform(inner).map { .dashboard($0) }
        case .downloadCIFAR10:
            return .downloadStarted(CIFAR10DownloadJob.start())
        case .cancelDownload(let job):
            job.cancel()
            return nil
        }
    }

    /// Takes an effect's result. Pure, like `update`.
    public mutating func receive(_ result: Message) -> ProgramCommand<Effect> {
        switch result {
        case .progressNotSaved(let why):
            message = why
            messageIsError = true
        case .trainingStarted(.success(let opened)):
            dashboard = opened
        case .trainingStarted(.failure(let error)), .interpolationOpened(.failure(let error)):
            message = error.message
            messageIsError = true
        case .trainingStopped:
            message = "training stopped: back to the lesson"
        case .interpolationOpened(.success(let view)):
            interpolation = view
        case .inspectorOpened(.success(let screen)):
            inspectorLoading = nil
            inspector = screen
        case .inspectorOpened(.failure(let error)):
            inspectorLoading = nil
            message = error.message
            messageIsError = true
        case .dataFound(let step, let pane, let choice):
            dataChoices[PaneKey(step: step, pane: pane)] = choice
        case .reloaded(let lesson, let modification):
            reload(lesson, modification: modification)
        case .fileChecked(let modification):
            if watching, modification != nil, modification != loadedModification, let path {
                loadedModification = modification
                return .perform(.reload(path))
            }
        case .dashboard(let inner):
            guard var open = dashboard else { return .none }
            let command = open.receive(inner)
            return closeIfDone(open, command)
        case .downloadStarted(let job):
            guard var asking = trainingData else {
                job.cancel()            // the question was left meanwhile: nothing waits for the data
                return .none
            }
            asking.choice.phase = .downloading(job)
            trainingData = asking
        }
        return .none
    }

    /// The data question's outcome for the train block it was asked for: a download to start
    /// or cancel, training on what was chosen (or fetched), or back to the lesson.
    mutating func answerTrainingData(_ event: Event) -> ProgramCommand<Effect> {
        guard var asking = trainingData else { return .none }
        if case .resize(let width, let height) = event { screenSize = (width, height) }
        let outcome = asking.choice.update(event)
        trainingData = asking
        switch outcome {
        case .stay:
            return .none
        case .back:
            trainingData = nil
            return .none
        case .download:
            return .perform(.downloadCIFAR10)
        case .cancelDownload:
            guard case .downloading(let job) = asking.choice.phase else { return .none }
            return .perform(.cancelDownload(job))
        case .train(let block):
            trainingData = nil
            guard let asked = dataChoices[asking.key] else { return .none }
            var data = asked
            if case .cifar10(let folder?) = block.dataSpec {
                // Fetched just now: this block (its interpolation too) uses it from here on.
                data = LessonDataChoice(requested: asked.requested, used: .cifar10(directory: folder),
                                        lines: ["data: CIFAR-10 (found in \(folder))"])
                dataChoices[asking.key] = data
            }
            return .perform(.startTraining(block, data: data, savePath: asking.choice.savePath))
        }
    }

    /// The dashboard's command with its effects wrapped; once the student leaves it, training
    /// is stopped (an effect) and the lesson shows again.
    mutating func closeIfDone(_ open: LessonDashboard, _ command: ProgramCommand<DashboardProgram.Effect>)
        -> ProgramCommand<Effect> {
        let wrapped = command.map(keepQuit: false) { Effect.dashboard($0) }
        guard command.quits else {
            dashboard = open
            return wrapped
        }
        dashboard = nil
        return .batch([wrapped, .perform(.stopTraining(open))])
    }
}

