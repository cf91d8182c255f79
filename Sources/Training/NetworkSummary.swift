import NeuralNet

/// The network a session trains, as the dashboard shows it: its name, its text in one line
/// (the title) and its layer table (on `?` or Tab).
public struct NetworkSummary: Equatable, Sendable {
    /// One layer: its index (the state_dict prefix), the text as written, the output shape for
    /// one image and its trainable values.
    public struct Row: Equatable, Sendable {
        public var index: Int
        public var layer: String
        public var outputShape: [Int]
        public var parameterCount: Int
    }

    /// "CNN classifier", "conv autoencoder" or "your network".
    public var name: String
    /// The layers as nn.Sequential's arguments, in one line.
    public var text: String
    /// True when the output is one value per class (cross-entropy, accuracy, confusion matrix).
    public var isClassifier: Bool
    /// The input shape of one image, [C, H, W].
    public var inputShape: [Int]
    public var rows: [Row]

    public init(name: String, text: String, isClassifier: Bool, inputShape: [Int], rows: [Row]) {
        self.name = name
        self.text = text
        self.isClassifier = isClassifier
        self.inputShape = inputShape
        self.rows = rows
    }

    /// The summary of `recipe`'s network for images of `inputShape`; rows are empty when a
    /// layer does not fit (the session refuses such a recipe before this is shown).
    public init(recipe: TrainingRecipe, inputShape: [Int]) {
        let network = recipe.layers ?? CourseModelKind.text(recipe.model)
        let rows = (try? network.shapes(input: inputShape)) ?? []
        self.init(name: recipe.networkName, text: network.description, isClassifier: recipe.isClassifier,
                  inputShape: inputShape,
                  rows: rows.enumerated().map { Row(index: $0, layer: $1.layer.text, outputShape: $1.outputShape,
                                                    parameterCount: $1.parameterCount) })
    }

    /// Trainable values of the whole network.
    public var parameterCount: Int { rows.reduce(0) { $0 + $1.parameterCount } }
}
