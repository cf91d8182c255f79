import Terminal

/// What a screen shows while the inspector it asked for loads: the loading runs as an effect in
/// the run loop, which draws the frame `update` made (with this notice) before it starts, so the
/// student sees at once that something is happening.
public struct InspectorLoading: Equatable, Sendable {
    /// One line, for example "loading the course CNN's weights and the test images".
    public let text: String

    /// The notice on the weights in memory (the dashboard's `i`).
    static let trained = InspectorLoading(text: "opening the inspector on the weights just trained")

    /// The notice for a checkpoint read from disk with its data's test images.
    static func checkpoint(_ network: String) -> InspectorLoading {
        InspectorLoading(text: "loading \(network)'s weights and the test images")
    }

    /// The notice, centred over whatever the screen drew.
    func render(into buffer: inout Buffer, context: RenderContext) {
        Dialog(title: "Inspect", message: text + " ...").render(into: &buffer, area: buffer.area, context: context)
    }
}
