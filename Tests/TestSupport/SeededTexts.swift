/// Random strings of up to 7 `pieces` each, the same on every run (a 64-bit LCG from `seed`):
/// for tests that compare a fast text routine with a slow reference.
public func seededTexts(from pieces: [String], count: Int, seed: UInt64) -> [String] {
    var state = seed
    func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(bound))
    }
    return (0..<count).map { _ in
        var text = ""
        for _ in 0..<next(8) { text += pieces[next(pieces.count)] }
        return text
    }
}
