import Datasets
import Lessons

/// Which data a lesson's train block will train on, decided once when its step is shown, so
/// the pane can say it before Enter and the dashboard and the interpolation use the same.
///
/// A block that asks for CIFAR-10 on a machine without it never silently trains on something
/// else: the pane says so, and Enter asks (TrainingDataChoice) to download it now or to
/// train on the synthetic shapes, which `used` then names.
public struct LessonDataChoice: Equatable, Sendable {
    /// What the block asked for.
    public var requested: DatasetSpec
    /// What training will load.
    public var used: DatasetSpec
    /// Lines for the pane: what will be used, and what to do when it is not what was asked.
    public var lines: [String]

    /// Looks on disk for what `spec` names.
    public static func choose(_ spec: DatasetSpec, catalog: DatasetCatalog = DatasetCatalog()) -> LessonDataChoice {
        switch spec {
        case .cifar10(nil):
            if let folder = catalog.locateCIFAR10() {
                return LessonDataChoice(requested: spec, used: spec, lines: ["data: CIFAR-10 (found in \(folder))"])
            }
            return LessonDataChoice(requested: spec, used: .synthetic(), lines: [
                "data: CIFAR-10 is NOT on this machine. Enter asks first: download it now (170 MB, "
                    + "cnnlab data get cifar10), or train on the built-in synthetic shapes (the figures will differ "
                    + "from the lesson's).",
            ])
        case .automatic:
            if let folder = catalog.locateCIFAR10() {
                return LessonDataChoice(requested: spec, used: .cifar10(directory: folder),
                                        lines: ["data: CIFAR-10 (found in \(folder))"])
            }
            return LessonDataChoice(requested: spec, used: .synthetic(),
                                    lines: ["data: the built-in synthetic shapes (CIFAR-10 is not on this machine; "
                                            + "cnnlab data get cifar10 fetches it)"])
        case .fashionMNIST(nil):
            if let folder = catalog.locateFashionMNIST() {
                return LessonDataChoice(requested: spec, used: .fashionMNIST(directory: folder),
                                        lines: ["data: Fashion-MNIST (found in \(folder))"])
            }
            return LessonDataChoice(requested: spec, used: spec, lines: [
                "data: Fashion-MNIST is NOT on this machine: training cannot start. Install Debian's "
                    + "dataset-fashion-mnist package, or set CNNLAB_DATA to a folder holding it.",
            ])
        case .synthetic:
            return LessonDataChoice(requested: spec, used: spec, lines: ["data: the built-in synthetic shapes"])
        case .cifar10(let folder?), .fashionMNIST(let folder?), .directory(let folder):
            return LessonDataChoice(requested: spec, used: spec, lines: ["data: the folder \(folder)"])
        }
    }

    /// Whether training will use other data than the block asked for.
    public var isSubstitute: Bool {
        if case .automatic = requested { return false }
        if case .cifar10 = requested, case .cifar10 = used { return false }     // found, or fetched just now
        return requested != used
    }
}
