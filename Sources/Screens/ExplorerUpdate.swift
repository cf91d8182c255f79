import Kernels
import Stepper
import Terminal

extension ExplorerModel {
    /// Reacts to a key, a resize or a tick. Returns `.quit` on q (the host decides what that means).
    public mutating func update(_ event: Event) -> ProgramCommand<Never> {
        switch event {
        case .tick:
            advancePlayback()
            return .none
        case .resize:
            return .none
        case .key(let key):
            return handle(key)
        }
    }

    /// One key, as `update(.key(key))`.
    public mutating func handle(_ key: Key) -> ProgramCommand<Never> {
        if var editing = editor {
            let outcome = editing.handle(key)
            editor = editing
            switch outcome {
            case .editing: break
            case .cancel:
                editor = nil
                say("edit cancelled")
            case .invalid(let problem):
                refuse(problem)
            case .keep:
                editor = nil
                apply(setup(applying: editing), describing: "\(editing.target.rawValue) changed")
            }
            return .none
        }
        if showHelp {
            setHelp(false)
            if key == .character("q") { return .quit }
            return .none
        }
        status = nil
        statusIsError = false
        switch key {
        case .right, .character("l"), .character(" "): step(by: 1)
        case .left, .character("h"): step(by: -1)
        case .home, .character("g"): go(to: 0)
        case .end, .character("G"): go(to: stepCount - 1)
        case .character("p"):
            if !playing && isAtEnd { go(to: 0) }
            setPlaying(!playing)
            say(playing ? "playing: \(speedText) (p pauses, + and - change the speed)" : "paused")
        case .character("+"), .character("="):
            setSpeed(speedLevel + 1)
            say("speed: \(speedText)")
        case .character("-"), .character("_"):
            setSpeed(speedLevel - 1)
            say("speed: \(speedText)")
        case .tab:
            let views = ExplorerView.cycle(for: operation)
            let next = views[((views.firstIndex(of: view) ?? 0) + 1) % views.count]
            show(next)
            say("view: \(next.title)")
        case .backTab: cycleFocus()
        case .character("e"): startEditing()
        case .character("]"): changeSetting("stride", by: 1)
        case .character("["): changeSetting("stride", by: -1)
        case .character("}"): changeSetting("padding", by: 1)
        case .character("{"): changeSetting("padding", by: -1)
        case .character("d"): changeSetting("dilation", by: 1)
        case .character("D"): changeSetting("dilation", by: -1)
        case .character("k"): changeSetting("kernel size", by: 1)
        case .character("K"): changeSetting("kernel size", by: -1)
        case .character("o"): changeSetting("output padding", by: 1)
        case .character("O"): changeSetting("output padding", by: -1)
        case .character("f"):
            selectFilter(selectedFilter + 1)
            say("\(operation == .pool ? "channel" : "filter") \(selectedFilter + 1) of \(filterCount)")
        case .character("c"):
            selectChannel(selectedChannel + 1)
            say("input channel \(selectedChannel + 1) of \(exploration.input.channels)")
        case .character("w"): nextWeight()
        case .down where view == .pytorch: scrollPyTorch(by: 1)
        case .up where view == .pytorch: scrollPyTorch(by: -1)
        case .pageDown where view == .pytorch: scrollPyTorch(by: 10)
        case .pageUp where view == .pytorch: scrollPyTorch(by: -10)
        case .character("r"): randomize()
        case .character("?"): setHelp(true)
        case .escape: break
        case .character("q"): return .quit
        default: break
        }
        return .none
    }

    mutating func step(by delta: Int) {
        setPlaying(false)
        let target = stepIndex + delta
        if target < 0 { say("this is the first step (G or End: the last)") }
        else if target >= stepCount { say("this is the last step (g or Home: the first)") }
        go(to: target)
    }

    mutating func advancePlayback() {
        guard playing else { return }
        ticksSinceStep += 1
        guard Double(ticksSinceStep) * Self.tick >= Self.speeds[speedLevel] - 1e-9 else { return }
        if isAtEnd {
            setPlaying(false)
            say("done: the output is complete")
        } else {
            go(to: stepIndex + 1)
        }
    }

    var speedText: String {
        let seconds = Self.speeds[speedLevel]
        return seconds >= 1 ? "\(Int(seconds)) s per step" : "\(Int((1 / seconds).rounded())) steps per second"
    }

    mutating func say(_ text: String) {
        status = text
        statusIsError = false
    }

    mutating func refuse(_ text: String) {
        status = text
        statusIsError = true
    }

    mutating func cycleFocus() {
        var order: [ExplorerFocus] = operation == .pool ? [.input] : [.input, .kernel]
        if view == .backward { order.append(.upstream) }
        let next = order[((order.firstIndex(of: focus) ?? -1) + 1) % order.count]
        setFocus(next)
        say("focus: \(next.rawValue) (e edits it)")
    }

    mutating func startEditing() {
        if focus == .upstream && view != .backward { setFocus(.input) }
        guard let editing = editorForFocus() else { return refuse("nothing to edit here") }
        setPlaying(false)
        editor = editing
        say("editing \(editing.target.rawValue): arrows move, type a number, Enter keeps, Esc cancels")
    }

    /// Tries a new setup; keeps the old one and says why when it is invalid.
    mutating func apply(_ newSetup: ExploreSetup, describing change: String) {
        do {
            replace(with: try newSetup.build())
            say(change)
        } catch {
            refuse("\(change) refused: \(error.message)")
        }
    }

    mutating func changeSetting(_ name: String, by delta: Int) {
        var s = exploration.setup
        func bump(_ pair: Pair, minimum: Int) -> Pair? {
            let next = pair.map { $0 + delta }
            return next.height < minimum || next.width < minimum ? nil : next
        }
        let isPool = operation == .pool
        var newValue: Pair?
        switch name {
        case "stride":
            newValue = bump(isPool ? s.pool.stride : s.conv.stride, minimum: 1)
            if let v = newValue { if isPool { s.pool.stride = v } else { s.conv.stride = v } }
        case "padding":
            newValue = bump(isPool ? s.pool.padding : s.conv.padding, minimum: 0)
            if let v = newValue { if isPool { s.pool.padding = v } else { s.conv.padding = v } }
        case "dilation":
            newValue = bump(isPool ? s.pool.dilation : s.conv.dilation, minimum: 1)
            if let v = newValue { if isPool { s.pool.dilation = v } else { s.conv.dilation = v } }
        case "output padding":
            guard operation == .convT else { return refuse("output padding is only for convT") }
            newValue = bump(s.conv.outputPadding, minimum: 0)
            if let v = newValue { s.conv.outputPadding = v }
        default:
            newValue = bump(s.kernelSize, minimum: 1)
            if let v = newValue {
                if v.height > 7 || v.width > 7 { return refuse("kernel size \(v) refused: the explorer shows kernels up to 7x7") }
                if isPool { s.pool.kernel = v } else { s.weight = resized(s.weight!, to: v) }
            }
        }
        guard let value = newValue else {
            return refuse("\(name) cannot go lower (\(name == "padding" || name == "output padding" ? 0 : 1) is the smallest)")
        }
        apply(s, describing: "\(name) \(value)")
    }

    /// The kernel at a new size: values kept where the old and new overlap, new cells random.
    func resized(_ weight: Tensor4, to size: Pair) -> Tensor4 {
        var generator = SplitMix64(seed: randomSeed &+ UInt64(size.height * 31 + size.width))
        var result = Tensor4(batch: weight.batch, channels: weight.channels, height: size.height, width: size.width)
        for n in 0..<weight.batch {
            for c in 0..<weight.channels {
                let fresh = Matrix.random(rows: size.height, columns: size.width, in: -2...2, using: &generator)
                for row in 0..<size.height {
                    for column in 0..<size.width {
                        result[n, c, row, column] = row < weight.height && column < weight.width
                            ? weight[n, c, row, column] : fresh[row, column]
                    }
                }
            }
        }
        return result
    }

    mutating func randomize() {
        randomSeed &+= 1
        var generator = SplitMix64(seed: randomSeed)
        var s = exploration.setup
        var input = s.input
        input.values = input.values.map { _ in Float(Int.random(in: -5...9, using: &generator)) }
        s.input = input
        if var weight = s.weight {
            weight.values = weight.values.map { _ in Float(Int.random(in: -2...2, using: &generator)) }
            s.weight = weight
        }
        apply(s, describing: "new random values (seed \(randomSeed))")
    }

    mutating func nextWeight() {
        guard operation == .conv, let weight = exploration.setup.weight else { return }
        var (c, row, column) = chosenWeight
        column += 1
        if column == weight.width { column = 0; row += 1 }
        if row == weight.height { row = 0; c = (c + 1) % weight.channels }
        chooseWeight((c, row, column))
        say("chosen weight: w[\(selectedFilter),\(c),\(row),\(column)]")
    }
}
