import ArgumentParser

/// Opens the home screen. (Placeholder: the lessons work replaces this file.)
enum HomeLauncher {
    static func open() throws { throw ValidationError("the home screen is not built yet; see cnnlab --help") }
}
