/// The shell's words for a session's events (the dashboard words them in Screens).
extension HeadlessFormat {
    /// "The loss became NaN at step 3 with learning rate 0.5".
    public static func divergence(_ divergence: Divergence) -> String {
        let what = divergence.value == .nan ? "NaN" : "infinite"
        return "The loss became \(what) at step \(divergence.step) with learning rate \(lr(divergence.learningRate))"
    }

    /// Why a headless run stopped on a non-finite loss, and what to try.
    public static func divergenceStop(_ divergence: Divergence, savedTo path: String?) -> String {
        let saved = path.map { " (\($0) holds the weights from the start of epoch \(divergence.epoch))" } ?? ""
        return self.divergence(divergence) + ": training stopped\(saved). Try a lower --lr."
    }

    /// One line for the shell about `event`.
    public static func text(for event: TrainingEvent) -> String {
        switch event {
        case .resumed(let path): "Resumed from \(path)"
        case .learningRateChanged(let rate): "Learning rate now \(lr(rate))"
        case .saved(let path, .onRequest): "Saved \(path)"
        case .saved(let path, .stopped): "Stopped; saved \(path)"
        case .saved(let path, .finished): "Finished; saved \(path)"
        case .saveFailed(let path, let reason): "Could not save \(path): \(reason)"
        case .noSavePath: "No --save FILE given: nothing saved"
        case .alreadySaved(let path): "Already saved \(path)"
        case .overWithoutSavePath: "Training is over; run again with --save FILE to keep the weights"
        case .diverged(let facts): divergence(facts) + ": training stopped. Try a lower --lr."
        case .ended(.stopped): "Stopped"
        case .ended(.finished): "Finished"
        case .metricsNotWritten(let reason): "Could not write the metrics file: \(reason)"
        }
    }
}
