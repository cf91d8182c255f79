import Formatting
import Terminal
import Training

/// The lower panels: the sample strip, the confusion matrix, the first-layer filters.
enum DashboardPanels {
    /// Classifier: images in a row with "predicted" and "true" labels under each, the
    /// prediction in the success role when right and the error role when wrong.
    /// Autoencoder: pairs of original and reconstruction side by side.
    static func samples(_ snapshot: MetricsSnapshot, area: Rect, into buffer: inout Buffer, context: RenderContext) {
        guard !snapshot.samples.isEmpty, area.width >= 8, area.height >= 4 else { return }
        if snapshot.model.isClassifier {
            classifierStrip(snapshot, area: area, into: &buffer, context: context)
        } else {
            reconstructionPairs(snapshot, area: area, into: &buffer, context: context)
        }
    }

    private static func classifierStrip(_ snapshot: MetricsSnapshot, area: Rect, into buffer: inout Buffer,
                                        context: RenderContext) {
        // Two label rows under each image; at least 11 columns for "✓automobile".
        let grid = StripGrid(count: snapshot.samples.count, area: area, minimumShown: 4,
                             itemWidth: { max($0, 11) + 1 }, itemHeight: { $0 / 2 + 2 })
        for (index, sample) in snapshot.samples.prefix(grid.shown).enumerated() {
            let (x, y) = grid.origin(of: index, in: area)
            let clip = Rect(x: x, y: y, width: grid.itemWidth - 1, height: grid.itemHeight).intersection(area)
            DashboardImages.draw(sample.image, side: grid.side, x: x, y: y, into: &buffer, context: context, clip: clip)
            let labelRow = y + (grid.side + 1) / 2
            if let predicted = sample.predictedLabel {
                let right = predicted == sample.trueLabel
                let mark = right ? String(context.glyphs.check) : "x"
                buffer.write(mark + className(predicted, snapshot), x: x, y: labelRow,
                             style: context.style(right ? .success : .error), clip: clip)
            } else {
                buffer.write("?", x: x, y: labelRow, style: context.style(.dim), clip: clip)
            }
            buffer.write(" " + className(sample.trueLabel, snapshot), x: x, y: labelRow + 1,
                         style: context.style(.dim), clip: clip)
        }
    }

    private static func reconstructionPairs(_ snapshot: MetricsSnapshot, area: Rect, into buffer: inout Buffer,
                                            context: RenderContext) {
        // Original and reconstruction side by side, one label row under each pair.
        let grid = StripGrid(count: snapshot.samples.count, area: area, minimumShown: 3,
                             itemWidth: { 2 * $0 + 2 }, itemHeight: { $0 / 2 + 1 })
        let side = grid.side
        for (index, sample) in snapshot.samples.prefix(grid.shown).enumerated() {
            let (x, y) = grid.origin(of: index, in: area)
            let clip = Rect(x: x, y: y, width: 2 * side + 1, height: grid.itemHeight).intersection(area)
            DashboardImages.draw(sample.image, side: side, x: x, y: y, into: &buffer, context: context, clip: clip)
            if let reconstruction = sample.reconstruction {
                DashboardImages.draw(reconstruction, side: side, x: x + side + 1, y: y, into: &buffer,
                                     context: context, clip: clip)
            } else {
                buffer.write("…", x: x + side + 1, y: y, style: context.style(.dim), clip: clip)
            }
            let labelRow = y + (side + 1) / 2
            buffer.write("in", x: x, y: labelRow, style: context.style(.dim), clip: clip)
            buffer.write("out", x: x + side + 1, y: labelRow, style: context.style(.dim), clip: clip)
        }
    }

    /// The 10x10 confusion matrix (rows true class, columns predicted) with per-class accuracy.
    /// `selected` (the arrows' cell) is drawn in the selection role, in brackets ‹n› without colour.
    static func confusion(_ snapshot: MetricsSnapshot, area: Rect, into buffer: inout Buffer, context: RenderContext,
                          selected: ConfusionCell? = nil) {
        guard !snapshot.confusion.isEmpty else {
            buffer.write("The confusion matrix appears after the first epoch's test pass.", x: area.x, y: area.y,
                         style: context.style(.dim), clip: area)
            return
        }
        let classes = snapshot.confusion.count
        let maxCount = snapshot.confusion.flatMap { $0 }.max() ?? 0
        // Monochrome marks the diagonal as [n], which needs two more columns; when that does not
        // fit, the brackets themselves keep the cells apart.
        let digits = String(maxCount).count
        // Names whole when there is room ("checkerboard" of the synthetic shapes is 12 letters): the
        // tighter cells are used when the wider ones would cut a name or the acc column.
        let longest = snapshot.classNames.map(\.count).max() ?? 0
        let wide = max(4, digits + (context.isMonochrome ? 3 : 1))
        let tight = max(3, digits + (context.isMonochrome ? 2 : 1))
        let cellWidth = max(10, longest) + classes * wide + 5 <= area.width ? wide : tight
        let nameWidth = min(max(10, longest), max(5, area.width - classes * cellWidth - 5))
        var header = "true\\pred".truncated(to: nameWidth).rightPadded(to: nameWidth)
        for column in 0..<classes { header += String(className(column, snapshot).prefix(cellWidth - 1)).leftPadded(to: cellWidth) }
        header += "  acc"
        buffer.write(header, x: area.x, y: area.y, style: context.style(.title), clip: area)
        let accuracies = snapshot.perClassAccuracy
        // When not every row fits, the rows scroll so that the chosen cell's row stays in view.
        let visible = max(1, area.height - 1)
        let firstRow = selected.map { max(0, min($0.trueClass - visible + 1, classes - visible)) } ?? 0
        if firstRow > 0 { buffer.noteHidden("\(firstRow) confusion rows above \(className(firstRow, snapshot))", in: area) }
        for (row, counts) in snapshot.confusion.enumerated() where row >= firstRow {
            let y = area.y + 1 + row - firstRow
            guard y < area.maxY else {
                buffer.noteHidden("\(classes - row) confusion rows from \(className(row, snapshot))", in: area)
                buffer.writeMoreMark(classes - row, unit: classes - row == 1 ? "class" : "classes", under: area, context: context)
                break
            }
            var x = buffer.write(className(row, snapshot).truncated(to: nameWidth).rightPadded(to: nameWidth),
                                 x: area.x, y: y, style: context.style(.normal), clip: area)
            for (column, count) in counts.enumerated() {
                let isSelected = selected == ConfusionCell(trueClass: row, predicted: column)
                let role: Role = isSelected ? .selection : column == row ? .success : (count == 0 ? .dim : .normal)
                var text = String(count)
                // In monochrome the diagonal is marked so it stands out without colour, the chosen cell too.
                if isSelected && context.isMonochrome { text = ">" + text + "<" }
                else if column == row && context.isMonochrome { text = "[" + text + "]" }
                x = buffer.write(text.leftPadded(to: cellWidth), x: x, y: y, style: context.style(role), clip: area)
            }
            let accuracy = row < accuracies.count ? accuracies[row] : nil
            buffer.write(accuracy.map { NumberText.percent(Double($0)).leftPadded(to: 5) } ?? "    -", x: x, y: y,
                         style: context.style(.accent), clip: area)
        }
    }

    /// The first layer's filters as small images, each scaled to its own min..max.
    static func filters(_ snapshot: MetricsSnapshot, area: Rect, into buffer: inout Buffer, context: RenderContext) {
        guard let first = snapshot.filters.first, area.height >= 3 else { return }
        let filters = "layer 0: \(snapshot.filters.count) filters \(first.channels)x\(first.height)x\(first.width)"
        let caption = [filters + ", each scaled to its own min..max", filters + ", each to its min..max", filters]
            .first { $0.count <= area.width } ?? filters.truncated(to: area.width, ellipsis: context.glyphs.ellipsis)
        buffer.write(caption, x: area.x, y: area.y, style: context.style(.dim), clip: area)
        let room = area.inset(top: 1)
        // The biggest magnification that fits all filters on as few rows as possible.
        var best = (scale: 1, perRow: snapshot.filters.count)
        for scale in stride(from: 6, through: 1, by: -1) {
            let width = first.width * scale + 2
            let height = (first.height * scale + 1) / 2 + 1
            let perRow = max(1, room.width / width)
            let rows = (snapshot.filters.count + perRow - 1) / perRow
            if rows * height <= room.height { best = (scale, perRow); break }
        }
        let cellWidth = first.width * best.scale + 2
        let cellHeight = (first.height * best.scale + 1) / 2 + 1
        for (index, filter) in snapshot.filters.enumerated() {
            let x = room.x + (index % best.perRow) * cellWidth
            let y = room.y + (index / best.perRow) * cellHeight
            DashboardImages.draw(filter, side: max(filter.width, filter.height), scale: best.scale, x: x, y: y,
                                 into: &buffer, context: context, clip: room)
        }
    }

    static func className(_ label: Int, _ snapshot: MetricsSnapshot) -> String {
        label >= 0 && label < snapshot.classNames.count ? snapshot.classNames[label] : String(label)
    }
}

/// How many images of which size fit a panel: the biggest side (32, 24, 16, 12 or 8 pixels)
/// that still shows `minimumShown` items, in rows that fill the panel.
struct StripGrid {
    let side: Int
    let itemWidth: Int
    let itemHeight: Int
    let perRow: Int
    let shown: Int

    init(count: Int, area: Rect, minimumShown: Int, itemWidth: (Int) -> Int, itemHeight: (Int) -> Int) {
        let candidates = [32, 24, 16, 12, 8]
        func fit(_ side: Int) -> (perRow: Int, shown: Int) {
            let perRow = max(0, (area.width + 1) / itemWidth(side))
            let rows = max(0, area.height / itemHeight(side))
            return (perRow, min(count, perRow * rows))
        }
        let wanted = min(count, minimumShown)
        let chosen = candidates.first { fit($0).shown >= wanted }
            ?? candidates.max { fit($0).shown < fit($1).shown } ?? 8
        side = chosen
        self.itemWidth = itemWidth(chosen)
        self.itemHeight = itemHeight(chosen)
        (perRow, shown) = fit(chosen)
    }

    func origin(of index: Int, in area: Rect) -> (x: Int, y: Int) {
        (area.x + (index % max(1, perRow)) * itemWidth, area.y + (index / max(1, perRow)) * itemHeight)
    }
}
