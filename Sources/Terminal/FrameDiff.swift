/// Which cells of a frame must be drawn again.
public enum FrameDiff {
    /// The indices (row-major) of the cells of `next` that differ from `previous`; every
    /// cell when there is no previous frame or its size differs (after a resize).
    public static func changedCells(from previous: Buffer?, to next: Buffer) -> [Int] {
        guard let previous, previous.width == next.width, previous.height == next.height else {
            return Array(0..<(next.width * next.height))
        }
        var changed: [Int] = []
        previous.cells.withUnsafeBufferPointer { old in
            next.cells.withUnsafeBufferPointer { new in
                for index in 0..<new.count where old[index] != new[index] { changed.append(index) }
            }
        }
        return changed
    }
}
