/// A key the user pressed, decoded from the terminal.
public enum Key: Equatable, Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
}

/// Something a screen reacts to: a key, a new terminal size, or a timer tick.
public enum Event: Equatable, Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    case tick
}
