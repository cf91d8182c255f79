import Datasets
import Training

extension InspectionSetup {
    /// The inspector's setup for a network a training session has just finished (the dashboard's
    /// `i`): its weights in memory, whether or not they were saved, and the test images the
    /// session evaluated, so a confusion cell's gallery counts the images the matrix counted.
    public static func trained(_ model: TrainedModel, savedAt path: String?) throws(InspectionError) -> InspectionSetup {
        let network: InspectedNetwork = model.recipe.layers.map { .layers($0) } ?? .course(model.recipe.model)
        let test = model.test
        let inspector = try NetworkInspector(network: model.network, inputShape: [test.channels, test.height, test.width])
        let note = model.isSynthetic ? "synthetic shapes, not real photos (no CIFAR-10 found)" : nil
        return InspectionSetup(network: network, inspector: inspector, checkpoint: path ?? "the weights just trained (not saved)",
                               test: test.count > 0 ? test : nil, testNote: test.count > 0 ? note : "no test images",
                               classNames: test.classNames)
    }
}
