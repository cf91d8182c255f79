import Formatting
import Foundation
import Inspection
import Terminal

/// A line of text in pieces of different roles.
typealias Spans = [(text: String, role: Role)]

extension InspectorScreen {
    /// The smallest terminal the inspector draws in (everything essential fits at 80x24).
    static let minimumSize = (width: 80, height: 24)

    public func view(into buffer: inout Buffer, context: RenderContext) {
        if TooSmallScreen.drawIfNeeded(into: &buffer, width: Self.minimumSize.width, height: Self.minimumSize.height, context: context) {
            return
        }
        let area = buffer.area
        drawTitle(into: &buffer, width: area.width, context: context)
        let body = Rect(x: 0, y: 1, width: area.width, height: area.height - 2)
        switch pane {
        case .interpolation:
            drawInterpolation(into: &buffer, area: body, context: context)
        case .help:
            drawHelp(into: &buffer, area: body, context: context)
        case .stepper:
            // The explorer draws its own keys on the last row.
            let top = stepperCrop == nil ? 1 : 2
            if var shown = stepper {
                // Without Unicode (LANG=C) the sums are written x and -, whoever opened the inspector.
                if !context.capabilities.unicode { shown.asciiNotation = true }
                shown.view(into: &buffer, rect: Rect(x: 0, y: top, width: area.width, height: area.height - top), context: context)
            }
            return
        case .network, .layer, .explain, .gallery:
            let leftWidth = 34
            let left = Rect(x: 0, y: body.y, width: leftWidth, height: body.height)
            let right = Rect(x: leftWidth + 1, y: body.y, width: body.width - leftWidth - 1, height: body.height)
            drawPictureColumn(into: &buffer, area: left, context: context)
            for y in body.y..<body.maxY { buffer[leftWidth, y] = Cell(context.glyphs.vertical, style: context.style(.border)) }
            switch pane {
            case .network: drawNetwork(into: &buffer, area: right, context: context)
            case .layer: drawLayer(into: &buffer, area: right, context: context)
            case .explain: drawExplanation(into: &buffer, area: right, context: context)
            case .gallery(let trueClass, let predicted):
                drawGallery(into: &buffer, area: right, trueClass: trueClass, predicted: predicted, context: context)
            case .interpolation, .help, .stepper: break
            }
        }
        drawStatus(into: &buffer, y: area.height - 1, width: area.width, context: context)
    }

    // MARK: - Title and status

    func drawTitle(into buffer: inout Buffer, width: Int, context: RenderContext) {
        if pane == .stepper, let stepper {
            let value = InspectorPictures.number(selectedOutput.value(channel: channel, row: row, column: column), decimals: 4)
            let edited = stepperOriginal != nil && stepper.setup != stepperOriginal
            write([("Step through ", .title), ("\(layer) \(shortName(selectedOutput.layer)) ch \(channel)", .accent),
                   (" (\(row), \(column)) = \(value) ", .normal),
                   edited ? ("edited: no longer the network's numbers (q, Enter: start again)", .error) : ("on the real numbers", .normal)],
                  into: &buffer, x: 0, y: 0, width: width, context: context)
            if let crop = stepperCrop, let position = stepper.outputPosition(ofStep: stepper.stepIndex) {
                // The explorer counts from the part of the map it holds: say where that is.
                let previous = layer == 0 ? "the image" : "layer \(layer - 1)"
                let text = "here output[\(position.row)][\(position.column)] is (\(crop.outputRows.lowerBound + position.row), "
                    + "\(crop.outputColumns.lowerBound + position.column)); input [0][0] is (\(crop.inputRow), \(crop.inputColumn)) of \(previous)"
                    + (crop.includesPadding ? "; 0 outside it: padding" : "")
                write([(text, .dim)], into: &buffer, x: 0, y: 1, width: width, context: context)
            }
            return
        }
        var spans: Spans = [("Inspect ", .title), (setup.network.displayName, .accent), ("  ", .normal)]
        switch image.reference {
        case .testSet(let index):
            spans.append(("test image \(index) of \(testCount)", .normal))
        case .file(let path):
            spans.append((path.split(separator: "/").last.map(String.init) ?? path, .normal))
        }
        if let label = image.label { spans.append(("  true: \(className(label))", .normal)) }
        if let predicted = run.predicted, let probabilities = run.probabilities {
            let right = image.label.map { $0 == predicted } ?? true
            spans.append(("  predicted: ", .normal))
            spans.append(("\(className(predicted)) \(NumberText.percent(Double(probabilities[predicted]), decimals: 1))", right ? .success : .error))
            if image.label != nil { spans.append((right ? " (right)" : " (wrong)", right ? .success : .error)) }
        }
        // Narrow: the image's number is written short, then "Inspect" goes, then the network's name.
        func tooWide() -> Bool { spans.map(\.0.count).reduce(0, +) > width }
        if tooWide(), case .testSet(let index) = image.reference { spans[3].0 = "image \(index)/\(testCount)" }
        if tooWide() { spans.removeFirst() }
        if tooWide() { spans.removeFirst(2) }
        write(spans, into: &buffer, x: 0, y: 0, width: width, context: context)
    }

    /// The keys of the pane shown, most useful first; the status line shows as many as fit and
    /// always ends with "? help", whose page lists every key.
    var paneKeys: [String] {
        let back = embedded ? "q back" : "q quit"
        switch pane {
        case .network:
            return ["←→ image", "↑↓ layer", "Enter channels", back, "m misclassified", "s saliency", "g gallery"]
                + (isReconstruction ? ["i interpolate"] : []) + ["c+digit class"]
        case .layer: return ["↑↓ layer", "[ ] channel", "Enter explain a value", "←→ image", "s saliency", "Tab/Esc network"]
        case .explain: return ["arrows move the cell", "Enter step through", "[ ] channel", "< > input channel", "PgUp/PgDn layer", "n/p image", "Esc back"]
        case .gallery: return ["←→ choose", "Enter inspect it", "[ ] other predicted class", "Esc back"]
        case .interpolation: return ["↑↓ second image", "←→ first image", "Esc back"]
        case .help, .stepper: return ["any key: back"]
        }
    }

    /// `keys` joined by two spaces, as many as fit in `width` before a closing "? help".
    static func keyLine(_ keys: [String], width: Int, help: String = "? help") -> String {
        var line = ""
        for key in keys {
            let next = line.isEmpty ? key : line + "  " + key
            guard next.count + 2 + help.count <= width else { break }
            line = next
        }
        return line.isEmpty ? help : line + "  " + help
    }

    func drawStatus(into buffer: inout Buffer, y: Int, width: Int, context: RenderContext) {
        let unicode = context.capabilities.unicode
        let ascii: (String) -> String = { text in
            unicode ? text : text.replacingOccurrences(of: "←→", with: "<- ->").replacingOccurrences(of: "↑↓", with: "up/down")
        }
        let keys = pane == .help ? "any key: back" : Self.keyLine(paneKeys.map(ascii), width: width - 3)
        let text = message.map(ascii) ?? (awaitingClass ? "class digit?" : keys)
        StatusLine(left: text.truncated(to: width - 1, ellipsis: context.glyphs.ellipsis)).render(
            into: &buffer, area: Rect(x: 0, y: y, width: width, height: 1), context: context)
    }

    // MARK: - Left column: the image, saliency, or the selected channel magnified

    func drawPictureColumn(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        var y = area.y
        let shape = setup.inspector.inputShape
        if pane == .explain && selectedOutput.isMap {
            // The map being explained, as large as fits, with the cell marked.
            let output = selectedOutput
            let available = Rect(x: area.x, y: y + 1, width: area.width - 1, height: area.height - 4)
            let zoom = InspectorPictures.zoom(fitting: available.width, available.height, mapWidth: output.width, mapHeight: output.height)
            let values = output.channel(channel)
            let (low, high) = InspectorPictures.range(values)
            buffer.write("\(layer) \(shortName(output.layer)) channel \(channel)".truncated(to: area.width - 1), x: area.x, y: y, role: .title, context: context)
            InspectorPictures.drawMap(values, width: output.width, height: output.height, zoom: zoom,
                                      limit: max(abs(low), abs(high)), into: &buffer, at: (available.x, available.y),
                                      context: context, clip: available, marker: (row, column))
            let used = InspectorPictures.cellSize(width: output.width, height: output.height, zoom: zoom).height
            y = available.y + used
            buffer.write("range \(InspectorPictures.number(low)) to \(InspectorPictures.number(high))", x: area.x, y: y, role: .dim, context: context)
            buffer.write("cell (\(row), \(column)) = \(InspectorPictures.number(output.value(channel: channel, row: row, column: column), decimals: 4))",
                         x: area.x, y: y + 1, role: .accent, context: context)
            if context.isMonochrome { buffer.write(InspectorPictures.monoLegend.truncated(to: area.width - 1), x: area.x, y: y + 2, role: .dim, context: context) }
            return
        }
        if let saliency, shape.count == 3 {
            buffer.write("saliency: what moves the score", x: area.x, y: y, role: .title, context: context, clip: area)
            InspectorPictures.drawMap(saliency[...], width: shape[2], height: shape[1], zoom: 1, limit: 1, into: &buffer,
                                      at: (area.x, y + 1), context: context, clip: area, unsigned: true)
            y += 1 + (shape[1] + 1) / 2
            if area.maxY - y >= 17 {
                drawInputImage(into: &buffer, at: (area.x, y), clip: area, context: context)
                y += (shape[1] + 1) / 2
            }
            buffer.write("of \(run.predicted.map(className) ?? "-") (darker: no effect)", x: area.x, y: y, role: .dim, context: context, clip: area)
            y += 1
        } else {
            drawInputImage(into: &buffer, at: (area.x, y), clip: area, context: context)
            y += (shape.count == 3 ? (shape[1] + 1) / 2 : 0)
            if let original = image.original, area.maxY - y >= 12 {
                buffer.write("before resizing (\(original.width)x\(original.height)):", x: area.x, y: y, role: .dim, context: context, clip: area)
                let available = Rect(x: area.x, y: y + 1, width: area.width - 1, height: area.maxY - y - 4)
                let zoom = InspectorPictures.zoom(fitting: available.width, available.height, mapWidth: original.width, mapHeight: original.height, largest: 1)
                drawDecoded(original, zoom: zoom, into: &buffer, at: (available.x, available.y), clip: available, context: context)
                y = available.y + InspectorPictures.cellSize(width: original.width, height: original.height, zoom: zoom).height
            }
        }
        var lines: Spans = []
        if let label = image.label { lines.append(("true: \(className(label))", .normal)) }
        if let note = image.note { lines.append((note, .dim)) }
        if let predicted = run.predicted, let probabilities = run.probabilities {
            let right = image.label.map { $0 == predicted } ?? true
            lines.append(("predicted: \(className(predicted)) \(NumberText.percent(Double(probabilities[predicted]), decimals: 1))", right ? .success : .error))
        } else if isReconstruction, let last = run.layers.last {
            let error = zip(last.values, run.input).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            lines.append(("squared error: \(InspectorPictures.number(error, decimals: 2))", .normal))
        }
        for line in lines where y < area.maxY {
            let wrapped = WrappedText(line.text, markup: false).plainLines(width: area.width - 1)
            for piece in wrapped where y < area.maxY {
                buffer.write(piece, x: area.x, y: y, role: line.role, context: context)
                y += 1
            }
        }
        // On a tall screen: the selected channel of the selected layer, large.
        let output = selectedOutput
        if output.isMap && area.maxY - y >= 10 {
            let values = output.channel(channel)
            let (low, high) = InspectorPictures.range(values)
            buffer.write("\(layer) \(shortName(output.layer)) ch \(channel)".truncated(to: area.width - 1), x: area.x, y: y + 1, role: .title, context: context)
            let box = Rect(x: area.x, y: y + 2, width: area.width - 1, height: area.maxY - y - 3)
            let zoom = InspectorPictures.zoom(fitting: box.width, box.height, mapWidth: output.width, mapHeight: output.height)
            InspectorPictures.drawMap(values, width: output.width, height: output.height, zoom: zoom, limit: max(abs(low), abs(high)),
                                      into: &buffer, at: (box.x, box.y), context: context, clip: box)
            let used = InspectorPictures.cellSize(width: output.width, height: output.height, zoom: zoom).height
            buffer.write("\(InspectorPictures.number(low)) to \(InspectorPictures.number(high))", x: area.x, y: min(area.maxY - 1, box.y + used),
                         role: .dim, context: context)
        }
    }

    func drawInputImage(into buffer: inout Buffer, at origin: (x: Int, y: Int), clip: Rect, context: RenderContext) {
        let shape = setup.inspector.inputShape
        guard shape.count == 3, let picture = Image(width: shape[2], height: shape[1], channels: shape[0],
                                                     floats: image.values, layout: .planar) else { return }
        ImageView(image: picture).render(into: &buffer, at: origin, context: context, clip: clip)
    }

    func drawDecoded(_ decoded: DecodedImage, zoom: Int, into buffer: inout Buffer, at origin: (x: Int, y: Int), clip: Rect, context: RenderContext) {
        let step = zoom >= 1 ? 1 : -zoom
        let width = (decoded.width + step - 1) / step, height = (decoded.height + step - 1) / step
        var bytes = [UInt8](repeating: 0, count: width * height * decoded.channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<decoded.channels {
                    bytes[(y * width + x) * decoded.channels + c] = decoded.pixels[((y * step) * decoded.width + x * step) * decoded.channels + c]
                }
            }
        }
        guard let picture = Image(width: width, height: height, channels: decoded.channels, bytes: bytes) else { return }
        ImageView(image: picture).render(into: &buffer, at: origin, context: context, clip: clip)
    }

    // MARK: - Helpers

    /// "Conv2d(3, 8, 5)" for "Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))": the short form for lists.
    func shortName(_ description: String) -> String {
        var text = description
        for (long, short) in [("kernel_size=", ""), (", stride=(1, 1)", ""), ("in_features=", ""), ("out_features=", ""),
                              (", bias=True", ""), ("(start_dim=1, end_dim=-1)", "()"), (", padding=0, dilation=1, ceil_mode=False", "")] {
            text = text.replacingOccurrences(of: long, with: short)
        }
        // (5, 5) -> 5 when square.
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "(") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: ")"), case let parts = after[..<close].split(separator: ","),
               parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == parts[1].trimmingCharacters(in: .whitespaces),
               Int(parts[0].trimmingCharacters(in: .whitespaces)) != nil {
                result += parts[0].trimmingCharacters(in: .whitespaces)
                rest = after[after.index(after: close)...]
            } else {
                result += "("
                rest = after
            }
        }
        return result + rest
    }

    func shapeText(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "x") }

    func write(_ spans: Spans, into buffer: inout Buffer, x: Int, y: Int, width: Int, context: RenderContext) {
        var column = x
        let clip = Rect(x: x, y: y, width: width, height: 1)
        for span in spans { column = buffer.write(span.text, x: column, y: y, role: span.role, context: context, clip: clip) }
    }
}
