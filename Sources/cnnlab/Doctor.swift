import ArgumentParser

/// `cnnlab doctor`: what cnnlab found on this machine.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the version, BLAS library and core, threads, terminal support and datasets.")

    mutating func run() throws {
        print(EnvironmentReport.collect().text)
    }
}
