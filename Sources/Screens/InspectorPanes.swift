import Formatting
import Inspection
import Terminal

extension InspectorScreen {
    // MARK: - Network pane: the modules, then probabilities or the autoencoder's pictures

    func drawNetwork(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        var y = area.y
        // The head below the list: one bar a class, or the reconstruction and its error (full size when tall).
        let headRows = isClassifier ? min(classNames.count, 10) + 1
            : (isReconstruction ? min(17, max(9, area.height - run.layers.count - 8)) : 0)
        y = drawLayerList(into: &buffer, area: Rect(x: area.x, y: y, width: area.width, height: area.height), context: context)
        // Room left between the list and the head: the selected layer's channels.
        let spare = area.maxY - y - headRows
        if spare >= 8 {
            drawChannels(into: &buffer, area: Rect(x: area.x, y: y, width: area.width, height: spare - 1), context: context, compact: true)
            y += spare
        }
        if isClassifier {
            drawProbabilities(into: &buffer, area: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), context: context)
        } else if isReconstruction {
            drawReconstruction(into: &buffer, area: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), context: context)
        }
    }

    /// One line per module: index, short description, output shape and value range; returns the row after it.
    func drawLayerList(into buffer: inout Buffer, area: Rect, context: RenderContext) -> Int {
        var y = area.y
        let marker = context.capabilities.unicode ? "▸" : ">"
        let ranges = run.layers.map { output -> String in
            let (low, high) = InspectorPictures.range(output.values[...])
            return "\(InspectorPictures.number(low)) to \(InspectorPictures.number(high))"
        }
        let names = run.layers.map { shortName($0.layer) }
        // Names as wide as the longest, or as the room left beside the shapes and ranges; when a
        // name would be cut, the ranges go (the layer's own view gives its range) before the names.
        let longest = names.map(\.count).max() ?? 8
        let rangeWidth = (ranges.map(\.count).max() ?? 0) + 1
        let showRanges = 4 + longest + 10 + rangeWidth <= area.width || 4 + longest + 10 > area.width
        let nameWidth = min(longest, max(8, area.width - 4 - 10 - (showRanges ? rangeWidth : 0)))
        for output in run.layers where y < area.maxY {
            let selected = output.index == layer
            let name = names[output.index]
            let shape = shapeText(output.shape)
            let range = ranges[output.index]
            if name.count > nameWidth { buffer.noteHidden("layer name \(name)", in: area) }
            let text = (selected ? marker : " ") + "\(output.index)".leftPadded(to: 2) + " " + name.truncated(to: nameWidth).rightPadded(to: nameWidth)
                + " " + shape.rightPadded(to: 9) + (showRanges ? " " + range : "")
            buffer.write(text.truncated(to: area.width), x: area.x, y: y, role: selected ? .selection : .normal, context: context)
            y += 1
        }
        return y
    }

    /// Class probabilities as labelled bars, the predicted class marked (also without colour).
    func drawProbabilities(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard let probabilities = run.probabilities, area.height >= 2 else { return }
        buffer.write("class probabilities (softmax of layer \(run.layers.count - 1))", x: area.x, y: area.y, role: .title, context: context)
        let nameWidth = min(12, classNames.map(\.count).max() ?? 5)
        let barWidth = max(4, area.width - nameWidth - 14)
        let predicted = run.predicted
        for (index, p) in probabilities.enumerated() where area.y + 1 + index < area.maxY {
            let cells = Int((Double(p) * Double(barWidth)).rounded())
            let bar = String(repeating: context.capabilities.unicode ? "█" : "#", count: cells)
                + String(repeating: context.capabilities.unicode ? "·" : ".", count: barWidth - cells)
            let mark = index == predicted ? "<" : (index == image.label ? "t" : " ")
            let role: Role = index == predicted ? ((image.label ?? index) == index ? .success : .error) : (index == image.label ? .accent : .normal)
            let text = className(index).truncated(to: nameWidth).rightPadded(to: nameWidth) + " " + bar + " "
                + NumberText.percent(Double(p), decimals: 1).leftPadded(to: 6) + " " + mark
            buffer.write(text, x: area.x, y: area.y + 1 + index, role: role, context: context)
        }
    }

    /// Autoencoder: the reconstruction and the per-pixel error beside each other.
    func drawReconstruction(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let shape = setup.inspector.inputShape
        guard shape.count == 3, let last = run.layers.last, area.height >= 4 else { return }
        let half = (area.width - 2) / 2
        let zoom = InspectorPictures.zoom(fitting: half, area.height - 1, mapWidth: shape[2], mapHeight: shape[1], largest: 1)
        buffer.write("reconstruction", x: area.x, y: area.y, role: .title, context: context)
        buffer.write("per-pixel error |x - y|", x: area.x + half + 2, y: area.y, role: .title, context: context, clip: area)
        let step = zoom >= 1 ? 1 : -zoom
        let width = (shape[2] + step - 1) / step, height = (shape[1] + step - 1) / step
        var picture = [Float](repeating: 0, count: shape[0] * width * height)
        for c in 0..<shape[0] {
            for y in 0..<height { for x in 0..<width { picture[(c * height + y) * width + x] = last.values[(c * shape[1] + y * step) * shape[2] + x * step] } }
        }
        if let reconstruction = Image(width: width, height: height, channels: shape[0], floats: picture, layout: .planar) {
            ImageView(image: reconstruction).render(into: &buffer, at: (area.x, area.y + 1), context: context, clip: area)
        }
        let plane = shape[1] * shape[2]
        var error = [Float](repeating: 0, count: plane)
        for c in 0..<shape[0] { for i in 0..<plane { error[i] += abs(last.values[c * plane + i] - run.input[c * plane + i]) / Float(shape[0]) } }
        let top = error.max() ?? 1
        InspectorPictures.drawMap(error[...], width: shape[2], height: shape[1], zoom: zoom, limit: top, into: &buffer,
                                  at: (area.x + half + 2, area.y + 1), context: context, clip: area, unsigned: true)
    }

    // MARK: - Layer pane: every channel of the selected module

    func drawLayer(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let output = selectedOutput
        let (low, high) = InspectorPictures.range(output.values[...])
        buffer.write("\(output.index) \(output.layer)".truncated(to: area.width), x: area.x, y: area.y, role: .title, context: context)
        buffer.write("output \(shapeText(output.shape)), values \(InspectorPictures.number(low)) to \(InspectorPictures.number(high))".truncated(to: area.width),
                     x: area.x, y: area.y + 1, role: .dim, context: context)
        drawChannels(into: &buffer, area: Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 2), context: context, compact: false)
    }

    /// The selected module's output: maps as a grid of small pictures (each with its range, the
    /// selected one marked), flat outputs as bars.
    func drawChannels(into buffer: inout Buffer, area: Rect, context: RenderContext, compact: Bool) {
        let output = selectedOutput
        guard area.height >= 2 else { return }
        if !output.isMap {
            drawBars(output, into: &buffer, area: area, context: context)
            return
        }
        let legendRows = context.isMonochrome ? 1 : 0
        let grid = Rect(x: area.x, y: area.y, width: area.width, height: area.height - legendRows)
        // The largest pictures for which every channel fits: label row under each.
        var best: (zoom: Int, columns: Int, cell: (width: Int, height: Int))? = nil
        for zoom in [4, 3, 2, 1, -2, -3, -4, -6, -8] {
            let cell = InspectorPictures.cellSize(width: output.width, height: output.height, zoom: zoom)
            let boxWidth = max(cell.width, compact ? 3 : 6) + 1
            let columns = max(1, grid.width / boxWidth)
            let rows = (output.channels + columns - 1) / columns
            if rows * (cell.height + 1) <= grid.height && cell.width <= grid.width {
                best = (zoom, columns, (boxWidth, cell.height + 1))
                break
            }
        }
        guard let layout = best else {
            buffer.write("\(output.channels) channels: too many to draw here (Enter shows them)", x: area.x, y: area.y, role: .dim, context: context)
            return
        }
        let (globalLow, globalHigh) = InspectorPictures.range(output.values[...])
        let limit = max(abs(globalLow), abs(globalHigh))
        for c in 0..<output.channels {
            let x = grid.x + (c % layout.columns) * layout.cell.width
            let y = grid.y + (c / layout.columns) * layout.cell.height
            InspectorPictures.drawMap(output.channel(c), width: output.width, height: output.height, zoom: layout.zoom, limit: limit,
                                      into: &buffer, at: (x, y), context: context, clip: grid)
            let (low, high) = InspectorPictures.range(output.channel(c))
            let wide = layout.cell.width - 1 >= 11
            let label = wide ? "\(c):\(InspectorPictures.number(low, decimals: 1))…\(InspectorPictures.number(high, decimals: 1))" : "\(c)"
            let text = context.capabilities.unicode ? label : label.replacingOccurrences(of: "…", with: "..")
            buffer.write(text.truncated(to: layout.cell.width - 1), x: x, y: y + layout.cell.height - 1,
                         role: c == channel ? .selection : .dim, context: context, clip: grid)
        }
        if legendRows > 0 {
            let (low, high) = InspectorPictures.range(output.channel(channel))
            buffer.write("channel \(channel): \(InspectorPictures.number(low)) to \(InspectorPictures.number(high)); \(InspectorPictures.monoLegend)".truncated(to: area.width),
                         x: area.x, y: area.maxY - 1, role: .dim, context: context)
        }
    }

    /// A flat output: labelled bars when they fit one a row (a classifier's scores), else a
    /// two-row strip per line: positive values grow up from the axis, negative ones down.
    func drawBars(_ output: LayerActivation, into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let (low, high) = InspectorPictures.range(output.values[...])
        let limit = max(abs(low), abs(high))
        if output.values.count <= area.height {
            let labelled = output.values.count == classNames.count && output.index == run.layers.count - 1
            let nameWidth = labelled ? min(12, classNames.map(\.count).max() ?? 5) : 4
            let half = max(2, (area.width - nameWidth - 12) / 2)
            for (i, value) in output.values.enumerated() {
                let (left, right) = InspectorPictures.bar(value, limit: limit, half: half, unicode: context.capabilities.unicode)
                let name = (labelled ? className(i) : "\(i)").truncated(to: nameWidth).rightPadded(to: nameWidth)
                let role: Role = i == channel ? .selection : .normal
                var x = buffer.write(name + " ", x: area.x, y: area.y + i, role: role, context: context)
                x = buffer.write(left, x: x, y: area.y + i, role: .negative, context: context)
                x = buffer.write(context.capabilities.unicode ? "│" : "|", x: x, y: area.y + i, role: .dim, context: context)
                x = buffer.write(right, x: x, y: area.y + i, role: .positive, context: context)
                buffer.write(" " + InspectorPictures.number(value, decimals: 3), x: x, y: area.y + i, role: role, context: context)
            }
            return
        }
        let perLine = max(1, area.width - 6)
        let lines = (output.values.count + perLine - 1) / perLine
        let up: [Character] = context.capabilities.unicode ? [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : [" ", ".", ".", ":", ":", "+", "+", "#", "#"]
        let down: [Character] = context.capabilities.unicode ? [" ", "▔", "▔", "▀", "▀", "▀", "█", "█", "█"] : [" ", "'", "'", "-", "-", "=", "=", "%", "%"]
        var y = area.y
        for line in 0..<lines where y + 1 < area.maxY {
            let start = line * perLine
            buffer.write("\(start)".leftPadded(to: 5), x: area.x, y: y, role: .dim, context: context)
            for (offset, value) in output.values[start..<min(output.values.count, start + perLine)].enumerated() {
                let level = Int((min(abs(value) / (limit > 0 ? limit : 1), 1) * 8).rounded())
                let x = area.x + 6 + offset
                let selected = start + offset == channel
                if value >= 0 {
                    buffer[x, y] = Cell(up[level], style: context.style(selected ? .current : .positive))
                    buffer[x, y + 1] = Cell(selected ? "^" : " ", style: context.style(.current))
                } else {
                    buffer[x, y] = Cell(selected ? "v" : " ", style: context.style(.current))
                    buffer[x, y + 1] = Cell(down[level], style: context.style(selected ? .current : .negative))
                }
            }
            y += 2
        }
        if y < area.maxY {
            buffer.write("value \(channel) = \(InspectorPictures.number(output.values[channel], decimals: 4)); above the line > 0, below < 0 (scale ±\(InspectorPictures.number(limit)))".truncated(to: area.width),
                         x: area.x, y: y, role: .dim, context: context)
        }
    }

    // MARK: - Gallery

    func drawGallery(into buffer: inout Buffer, area: Rect, trueClass: Int, predicted: Int, context: RenderContext) {
        let what = trueClass == predicted ? "correctly classified \(className(trueClass))" : "\(className(trueClass)) taken for \(className(predicted))"
        buffer.write("\(what): \(galleryItems.count) test image\(galleryItems.count == 1 ? "" : "s")".truncated(to: area.width),
                     x: area.x, y: area.y, role: .title, context: context)
        guard !galleryItems.isEmpty, let test = setup.test else {
            buffer.write("none in this confusion cell; [ ] tries another predicted class", x: area.x, y: area.y + 2, role: .dim, context: context)
            return
        }
        let zoom = -2
        let cell = InspectorPictures.cellSize(width: test.width, height: test.height, zoom: zoom)
        let boxWidth = cell.width + 2, boxHeight = cell.height + 1
        let columns = max(1, area.width / boxWidth)
        let rows = max(1, (area.height - 1) / boxHeight)
        let perPage = columns * rows
        let first = (gallerySelection / perPage) * perPage
        for (slot, index) in galleryItems[first..<min(galleryItems.count, first + perPage)].enumerated() {
            let x = area.x + (slot % columns) * boxWidth, y = area.y + 1 + (slot / columns) * boxHeight
            let bytes = Array(test.imageBytes(at: index))
            var small = [UInt8](repeating: 0, count: test.channels * cell.width * cell.width)
            for c in 0..<test.channels {
                for py in 0..<cell.width { for px in 0..<cell.width {
                    small[(c * cell.width + py) * cell.width + px] = bytes[(c * test.height + min(test.height - 1, py * 2)) * test.width + min(test.width - 1, px * 2)]
                } }
            }
            if let picture = Image(width: cell.width, height: cell.width, channels: test.channels, bytes: small, layout: .planar) {
                ImageView(image: picture).render(into: &buffer, at: (x, y), context: context, clip: area)
            }
            buffer.write("\(index)", x: x, y: y + cell.height, role: first + slot == gallerySelection ? .selection : .dim, context: context, clip: area)
        }
    }

    // MARK: - Interpolation

    func drawInterpolation(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let shape = setup.inspector.inputShape
        guard shape.count == 3 else { return }
        buffer.write("Interpolation in the code (layer \(codeLayer), \(shapeText(run.layers[codeLayer].shape))): decode((1 - t) z_a + t z_b)".truncated(to: area.width),
                     x: area.x, y: area.y, role: .title, context: context)
        let count = Self.interpolationSteps.count + 2
        let zoom = InspectorPictures.zoom(fitting: (area.width - count) / count, area.height - 4, mapWidth: shape[2], mapHeight: shape[1], largest: 1)
        let cell = InspectorPictures.cellSize(width: shape[2], height: shape[1], zoom: zoom)
        let partner = try? setup.testImage(interpolationPartner)
        let pictures: [(String, [Float]?)] = [("a: \(testIndex ?? 0)", image.values)]
            + zip(Self.interpolationSteps, interpolationPictures).map { ("t=\(NumberText.compact($0.0))", $0.1) }
            + [("b: \(interpolationPartner)", partner?.values)]
        for (slot, (label, values)) in pictures.enumerated() {
            let x = area.x + slot * (cell.width + 1)
            buffer.write(label, x: x, y: area.y + 2, role: slot == 0 || slot == pictures.count - 1 ? .accent : .dim, context: context)
            guard let values else { continue }
            let step = zoom >= 1 ? 1 : -zoom
            let width = (shape[2] + step - 1) / step, height = (shape[1] + step - 1) / step
            var small = [Float](repeating: 0, count: shape[0] * width * height)
            for c in 0..<shape[0] { for y in 0..<height { for px in 0..<width {
                small[(c * height + y) * width + px] = values[(c * shape[1] + y * step) * shape[2] + px * step]
            } } }
            if let picture = Image(width: width, height: height, channels: shape[0], floats: small, layout: .planar) {
                ImageView(image: picture).render(into: &buffer, at: (x, area.y + 3), context: context, clip: area)
            }
        }
        buffer.write("a and b are test images (the originals); t = 0 and t = 1 decode their own codes.".truncated(to: area.width),
                     x: area.x, y: area.y + 4 + cell.height, role: .dim, context: context)
    }

    // MARK: - Help

    func drawHelp(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let lines = [
            "Keys of the inspector",
            "  ← → or n p     previous / next test image",
            "  c then 0-9     next test image of that class",
            "  m              next misclassified test image",
            "  ↑ ↓            choose a layer (module of the network)",
            "  Enter or Tab   the layer's channels; Enter again: explain a value",
            "  [ ]            previous / next channel",
            "  in the explanation: arrows move the cell, < > show another input channel,",
            "                  PgUp PgDn change layer, n p image, Esc goes back;",
            "                  Enter (or x) steps through the cell in the explorer, on the",
            "                  real numbers (Conv2d, ConvTranspose2d, MaxPool2d); q comes back",
            "  s              saliency: which pixels move the predicted class's score",
            "  g              gallery: the test images of this image's confusion cell",
            "  i              interpolation between two images' codes (autoencoder)",
            "                 (↑ ↓ second image, ← → first image)",
            "  gallery        ← → choose, Enter inspects it, [ ] another predicted class",
            "  q or Esc       back, or quit\(embedded ? " the inspector" : "")",
            "",
            "Every value is the network's real output for this image in eval mode; each module "
                + "runs on its own (a ReLU that training fuses into the pooling still has its output).",
        ]
        // Wrapped to the width (the note is a paragraph); rows that do not fit are counted.
        let shown = lines.enumerated().flatMap { i, line in
            let text = context.capabilities.unicode ? line : line.replacingOccurrences(of: "← →", with: "<- ->").replacingOccurrences(of: "↑ ↓", with: "up dn")
            // Only lines wider than the pane wrap (wrapping would close up the key column's spaces).
            let pieces = text.count <= area.width - 1 ? [text] : WrappedText(text, markup: false).plainLines(width: max(1, area.width - 1))
            return pieces.map { (text: $0, role: i == 0 ? Role.title : .normal) }
        }
        buffer.writeLines(shown, in: area.inset(left: 1), context: context)
    }
}
