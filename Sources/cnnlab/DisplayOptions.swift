import ArgumentParser
import Terminal
import Training

/// `--ascii` and `--no-color`, shared by every command (`@OptionGroup`). The root command
/// declares them too, so `cnnlab --ascii` works; a subcommand reads its own copy, which the
/// parser fills wherever on the line the flag stands.
struct DisplayOptions: ParsableArguments {
    @Flag(name: .long, help: "ASCII characters only (as LANG=C does).")
    var ascii = false

    @Flag(name: .customLong("no-color"), help: "No colours (as NO_COLOR does).")
    var noColor = false

    /// What the terminal may draw, with these flags applied over NO_COLOR, TERM and the locale.
    var capabilities: TerminalCapabilities { .detect(noColor: noColor, ascii: ascii) }
}

/// `--model cnn|autoencoder` (or `ae`), parsed into the course's model kind.
extension CourseModelKind: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "cnn": self = .cnn
        case "autoencoder", "ae": self = .autoencoder
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["cnn", "autoencoder"] }
}

/// `cnnlab bench --model`: one of the course's networks, or all of them.
enum BenchModelChoice: String, ExpressibleByArgument, CaseIterable {
    case cnn, autoencoder, all

    init?(argument: String) {
        switch argument.lowercased() {
        case "cnn": self = .cnn
        case "autoencoder", "ae": self = .autoencoder
        case "all": self = .all
        default: return nil
        }
    }

    /// The workloads this choice runs.
    var kinds: [BenchWorkload.Kind] {
        switch self {
        case .cnn: [.cnn]
        case .autoencoder: [.autoencoder]
        case .all: BenchWorkload.Kind.allCases
        }
    }
}
