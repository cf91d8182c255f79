import Terminal

/// What a screen shows while the inspector it asked for loads: the loading runs as an effect in
/// the run loop, which draws the frame `update` made (with this notice) before it starts, so the
/// student sees at once that something is happening.
public struct InspectorLoading: Equatable, Sendable {
    /// One line, for example "loading the course CNN's weights and the test images".
    public let text: String

    /// The notice on the weights in memory (the dashboard's `i`).
    static let trained = InspectorLoading(text: "opening the inspector on the weights just trained")

    /// The notice while training stops before the inspector opens ("stop and inspect").
    static let stopping = InspectorLoading(text: "stopping the training (its weights are saved as on q), then opening the inspector")

    /// Home's Inspect, while it looks for saved networks (and opens the only one).
    static let finding = InspectorLoading(text: "looking for the networks you trained")

    /// The notice for a checkpoint read from disk with its data's test images.
    static func checkpoint(_ network: String) -> InspectorLoading {
        InspectorLoading(text: "loading \(network)'s weights and the test images")
    }

    /// The notice, centred over whatever the screen drew.
    func render(into buffer: inout Buffer, context: RenderContext) {
        Dialog(title: "Inspect", message: text + " ...").render(into: &buffer, area: buffer.area, context: context)
    }
}
