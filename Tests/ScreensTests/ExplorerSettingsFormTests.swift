import Lessons
import Stepper
import Terminal
import Testing
@testable import Screens

/// Home's Explore opens a form: operation, input size, channels, filters, kernel and bias are
/// chosen on screen, and Enter opens the explorer on them.
@Suite struct ExplorerSettingsFormTests {
    static func home() -> HomeScreen {
        var home = HomeScreen(library: .success(LessonFiles.library), store: nil)
        home.send(.key(.character("e")))
        return home
    }

    static func frame(_ home: HomeScreen, _ width: Int = 80, _ height: Int = 24) -> Buffer {
        renderFrame(home, width: width, height: height, capabilities: .monochrome)
    }

    @Test func theDefaultIsTheWorkedExample() {
        var home = Self.home()
        #expect(home.isChoosingExploreSettings)
        let form = Self.frame(home)
        #expect(form.text.contains("conv: convolution (F.conv2d)"), "\(form.text)")
        #expect(form.text.contains("the course's worked example values"))
        #expect(form.silentlyClipped.isEmpty)
        home.send(.key(.enter))
        #expect(home.isExploring)
        #expect(Self.frame(home).text.contains("[ 2][ 3]  5   0"))
    }

    @Test func poolWithALargerInputAndTwoChannels() {
        var home = Self.home()
        home.send(.key(.right))                        // operation: pool
        home.send(.key(.down)); home.send(.key(.right)); home.send(.key(.right))   // input 6x6
        home.send(.key(.down)); home.send(.key(.right)) // channels 2
        let form = Self.frame(home).text
        #expect(form.contains("pool: max pooling"))
        #expect(form.contains("6x6") && form.contains("2 (input channels)"))
        #expect(!form.contains("filters") && !form.contains("bias"), "pooling has neither\n\(form)")
        home.send(.key(.enter))
        #expect(home.isExploring)
        let explorer = Self.frame(home, 120, 40).text
        #expect(explorer.contains("max_pool2d"), "\(explorer)")
        #expect(explorer.contains("input ch1"), "\(explorer)")
        // q comes back to the form with the same settings, Esc then goes Home.
        home.send(.key(.character("q")))
        #expect(home.isChoosingExploreSettings)
        #expect(Self.frame(home).text.contains("6x6"))
        home.send(.key(.escape))
        #expect(!home.isChoosingExploreSettings && !home.isExploring)
        home.send(.key(.character("e")))
        #expect(Self.frame(home).text.contains("6x6"), "the form keeps the last settings")
    }

    @Test func convTWithFiltersAndBias() {
        var form = ExplorerSettingsForm()
        _ = form.update(.right); _ = form.update(.right)           // convT
        for _ in 0..<3 { _ = form.update(.down) }                  // filters
        _ = form.update(.right)                                     // 2 filters
        for _ in 0..<2 { _ = form.update(.down) }                  // bias
        _ = form.update(.right)
        #expect(form.operation == .convT && form.filters == 2 && form.bias)
        guard case .open(let request) = form.update(.enter) else { Issue.record("Enter opens"); return }
        #expect(request.bias == "1, -1")
        let exploration = try? request.resolve()
        #expect(exploration?.convT?.outputChannels == 2)
        #expect(exploration?.setup.bias == [1, -1])
    }

    @Test func limitsAndRefusals() {
        var form = ExplorerSettingsForm()
        form.field = .channels
        for _ in 0..<40 { _ = form.update(.right) }
        #expect(form.channels == ExplorerSettingsForm.maximumChannels)
        for _ in 0..<40 { _ = form.update(.left) }
        #expect(form.channels == 1)
        // A kernel larger than the input: the explorer's own message, on the form.
        var home = Self.home()
        home.send(.key(.down)); home.send(.key(.left)); home.send(.key(.left))   // input 2x2
        for _ in 0..<3 { home.send(.key(.down)) }                                 // kernel
        for _ in 0..<3 { home.send(.key(.right)) }                                // 5x5
        home.send(.key(.enter))
        #expect(home.isChoosingExploreSettings)
        let text = Self.frame(home).text
        #expect(text.contains("kernel") && !text.contains("random whole numbers"), "\(text)")
        #expect(Self.frame(home).silentlyClipped.isEmpty)
    }
}
