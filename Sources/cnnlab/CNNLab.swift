import ArgumentParser

/// The `cnnlab` command: with no subcommand it opens the home screen.
struct CNNLab: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "cnnlab",
        abstract: "Convolutional neural networks, taught in the terminal.",
        discussion: """
            Run `cnnlab` alone to open the home screen (lessons, explore, train, help).
            """,
        subcommands: [
            Doctor.self, Eval.self, Explore.self, LessonsList.self, LessonOpen.self,
            Train.self, Evaluate.self, Inspect.self, DataCommand.self, Bench.self,
        ]
    )

    @Flag(name: .long, help: "Print the version and the environment report, then exit.")
    var version = false

    @OptionGroup var display: DisplayOptions

    mutating func run() throws {
        if version {
            print(EnvironmentReport.collect().text)
            return
        }
        try HomeLauncher.open(display: display)
    }
}
