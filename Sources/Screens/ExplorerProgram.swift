import Stepper
import Terminal

/// The explorer as a full-screen program (`cnnlab explore`).
public struct ExplorerProgram: TerminalProgram {
    public var model: ExplorerModel

    public init(model: ExplorerModel) { self.model = model }

    public mutating func update(_ event: Event) -> ProgramCommand<Never> { model.update(event) }

    public func view(into buffer: inout Buffer, context: RenderContext) {
        model.view(into: &buffer, rect: buffer.area, context: context)
    }

    /// Ticks only while playing.
    public var tickInterval: Double? { model.playing ? ExplorerModel.tick : nil }
}
