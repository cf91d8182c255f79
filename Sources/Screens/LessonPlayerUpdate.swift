import Formatting
import Lessons
import Terminal

extension LessonPlayer {
    /// Reacts to a key or a resize; returns `.quit` when the student leaves the lesson, and the
    /// effects (saving progress, starting training) for the run loop. Pure.
    public mutating func update(_ event: Event) -> ProgramCommand<Effect> {
        let command = react(to: event)
        let pending = pendingEffects
        pendingEffects = []
        return pending.isEmpty ? command : .batch(pending.map { .perform($0) } + [command])
    }

    mutating func react(to event: Event) -> ProgramCommand<Effect> {
        if var open = inspector {
            if case .resize(let width, let height) = event { screenSize = (width, height) }
            inspector = open.update(event).quits ? nil : open
            return .none
        }
        if var view = interpolation {
            if case .resize(let width, let height) = event { screenSize = (width, height) }
            if case .key(let key) = event, !view.handle(key) {
                interpolation = nil
            } else {
                interpolation = view
            }
            return .none
        }
        if var open = dashboard {
            if case .resize(let width, let height) = event { screenSize = (width, height) }
            let command = open.update(event)
            return closeIfDone(open, command)
        }
        if trainingData != nil { return answerTrainingData(event) }
        switch event {
        case .resize(let width, let height):
            screenSize = (width, height)
            clampScroll()
            return .none
        case .tick:
            if watching, let path { pendingEffects.append(.checkFile(path)) }
            for (key, var explorer) in explorers where key.step == stepIndex && explorer.isPlaying {
                _ = explorer.handle(.tick)
                explorers[key] = explorer
            }
            return .none
        case .key(let key):
            handle(key)
            return isClosed ? .quit : .none
        }
    }

    mutating func handle(_ key: Key) {
        if showHelp {
            showHelp = false
            return
        }
        message = nil
        messageIsError = false
        let explorerFocused = focus == .pane && paneBlocks.indices.contains(paneIndex)
            && { if case .explore = paneBlocks[paneIndex] { return true } else { return false } }()
        if key == .tab || (key == .backTab && !explorerFocused) {
            moveFocus(backwards: key == .backTab)
            return
        }
        if focus == .pane {
            handlePaneKey(key)
            return
        }
        handleTextKey(key)
    }

    /// Tab order: text, then each pane block of the step, then back to the text.
    mutating func moveFocus(backwards: Bool) {
        guard !paneBlocks.isEmpty else {
            message = "this step has nothing in the pane"
            return
        }
        let stops = paneBlocks.count + 1          // 0 = text, i + 1 = pane block i
        let current = focus == .text ? 0 : paneIndex + 1
        let next = (current + (backwards ? stops - 1 : 1)) % stops
        if next == 0 {
            focus = .text
        } else {
            focus = .pane
            paneIndex = next - 1
        }
        clampScroll()
    }

    mutating func handlePaneKey(_ pressed: Key) {
        let key = PaneKey(step: stepIndex, pane: paneIndex)
        switch paneBlocks[paneIndex] {
        case .explore:
            guard var explorer = explorers[key] else { break }
            // "v" switches the explorer's view (its own Tab key moves the lesson's focus here).
            let forwarded: Key = pressed == .character("v") ? .tab : pressed
            let stays = explorer.handle(.key(forwarded))
            explorers[key] = explorer
            if !stays {
                focus = .text
                clampScroll()
            } else if let refusal = explorer.refusal {
                message = refusal
                messageIsError = true
            } else if let status = explorer.status {
                message = status.text
                messageIsError = status.isError
            }
            return
        case .train(let block):
            guard let data = dataChoices[key] else {
                message = "looking for the data of this block; try again in a moment"
                return
            }
            if pressed == .character("i") && block.model == .autoencoder {
                guard let path = checkpointPath(for: block) else {
                    message = "interpolation needs saved weights, and this lesson has no state folder"
                    messageIsError = true
                    return
                }
                // The weights this block trained, on the data it trained on.
                pendingEffects.append(.openInterpolation(checkpoint: path, data: data))
                return
            }
            if pressed == .enter {
                // CIFAR-10 asked for and missing: ask first (download now, or the shapes).
                if data.isSubstitute {
                    trainingData = (TrainingDataChoice(block: block, savePath: checkpointPath(for: block)), key)
                    return
                }
                pendingEffects.append(.startTraining(block, data: data, savePath: checkpointPath(for: block)))
                return
            }
        case .inspect(let block):
            if pressed == .enter {
                guard let path = checkpointPath(for: block.train) else {
                    message = "the inspector needs saved weights, and this lesson has no state folder"
                    messageIsError = true
                    return
                }
                inspectorLoading = .checkpoint(LessonInspectPane.networkName(block.train))
                pendingEffects.append(.openInspector(block, checkpoint: path))
                return
            }
        case .model, .pytorch, .text, .preformatted, .quiz, .broken:
            break   // no keys of their own: the common keys below
        }
        switch pressed {
        case .escape, .character("q"):
            focus = .text
            clampScroll()
        case .character("?"):
            showHelp = true
        default:
            message = "the pane has focus: Tab returns to the text"
        }
    }

    mutating func handleTextKey(_ key: Key) {
        let quiz = activeQuiz
        switch key {
        case .right, .character("n"):
            go(by: 1)
        case .left, .character("p"):
            go(by: -1)
        case .down, .character("j"):
            scroll += 1
            clampScroll()
        case .up, .character("k"):
            scroll = max(0, scroll - 1)
        case .pageDown, .character(" "):
            scroll += max(1, layout.text.height - 1)
            clampScroll()
        case .pageUp:
            scroll = max(0, scroll - max(1, layout.text.height - 1))
        case .home:
            scroll = 0
        case .end:
            scroll = Int.max / 2
            clampScroll()
        case .escape, .character("q"):
            save()
            isClosed = true
        case .character("r"):
            if let path {
                pendingEffects.append(.reload(path))
            } else {
                message = "this lesson has no file to reload"
            }
        case .character("?"):
            showHelp = true
        case .character("h"):
            showHint(quiz)
        case .character("s"):
            reveal(quiz)
        case .enter:
            switch quiz?.answer {
            case nil:
                go(by: 1)
            case .numeric?:
                if let quiz, !typed.isEmpty {
                    submit(typed: quiz)
                } else {
                    message = "type your answer, then Enter (or n for the next step)"
                }
            case .choice?:
                message = "choose with a letter (or n for the next step)"
            }
        case .backspace, .delete:
            if !typed.isEmpty { typed.removeLast() }
        case .character(let character):
            guard let quiz else {
                message = "no question on this step: → or n for the next step"
                return
            }
            if case .choice(let choices, _) = quiz.answer {
                guard let scalar = character.unicodeScalars.first, character.isLetter,
                      case let index = Int(scalar.value) - 97, index >= 0, index < choices.count else {
                    message = "choose with a letter from a to \(Quiz.letter(choices.count - 1))"
                    return
                }
                submit(choice: index, quiz: quiz)
            } else if character.isNumber || "-−.,".contains(character) {
                if typed.count < 16 { typed.append(character) }
                revealQuiz(quiz)
            } else {
                message = "type a number (digits, - and .), then Enter"
            }
        default:
            break
        }
    }

    mutating func go(by delta: Int) {
        let target = stepIndex + delta
        guard lesson.steps.indices.contains(target) else {
            message = delta > 0 ? "this is the last step: q returns to the lessons" : "this is the first step"
            return
        }
        enterStep(target)
        if delta > 0 && target == stepCount - 1 && progress.visited.count >= stepCount {
            message = "last step of the lesson"
        }
    }

    mutating func submit(typed quiz: Quiz) {
        guard let number = Quiz.number(from: typed) else {
            message = "'\(typed)' is not a number"
            messageIsError = true
            return
        }
        var record = self.record(quiz)
        record.attempts += 1
        let answer = NumberText.plain(number)
        if quiz.isCorrect(typed: typed) {
            record.solved = true
            feedback[quiz.key] = Feedback(message: "Right", correct: true)
        } else {
            feedback[quiz.key] = Feedback(message: "\(answer) is not right. Try again" + (quiz.hints.count > record.hintsShown ? ", or h for a hint." : "."),
                                          correct: false)
        }
        typed = ""
        finish(quiz, record: record)
    }

    mutating func submit(choice index: Int, quiz: Quiz) {
        var record = self.record(quiz)
        record.attempts += 1
        if quiz.isCorrect(choice: index) {
            record.solved = true
            feedback[quiz.key] = Feedback(message: "Right", correct: true)
        } else {
            feedback[quiz.key] = Feedback(message: "\(Quiz.letter(index))) is not right. Try again"
                                          + (quiz.hints.count > record.hintsShown ? ", or h for a hint." : "."), correct: false)
        }
        finish(quiz, record: record)
    }

    mutating func showHint(_ quiz: Quiz?) {
        guard let quiz else { message = "no question to give a hint for"; return }
        var record = self.record(quiz)
        guard record.hintsShown < quiz.hints.count else {
            message = quiz.hints.isEmpty ? "this quiz has no hints" : "no more hints"
            return
        }
        record.hintsShown += 1
        progress.quizzes[quiz.key] = record
        save()
        revealQuiz(quiz)
    }

    mutating func reveal(_ quiz: Quiz?) {
        guard let quiz else { message = "no question to show the answer of"; return }
        var record = self.record(quiz)
        guard record.attempts > 0 else {
            message = "try once before asking for the answer"
            return
        }
        record.solved = true
        record.revealed = true
        feedback[quiz.key] = nil
        typed = ""
        finish(quiz, record: record)
    }

    /// Stores the record, lets a predict explorer play its step, saves, keeps the quiz in view.
    mutating func finish(_ quiz: Quiz, record: LessonProgress.QuizRecord) {
        progress.quizzes[quiz.key] = record
        if record.solved { applyPredictStops() }
        if record.solved && quiz.predictStep != nil {
            if let explorePane = paneBlocks.firstIndex(where: { if case .explore = $0 { return true } else { return false } }) {
                paneIndex = explorePane
                message = "the explorer plays step \(quiz.predictStep!): see the value it computes"
            }
        }
        save()
        revealQuiz(quiz)
    }

    /// Scrolls so that the whole quiz is visible (its end first, then its start).
    mutating func revealQuiz(_ quiz: Quiz) {
        let text = layout.text
        // Only the quiz's place is needed: the parts above it are counted (once per width), not laid out.
        let lines = LessonTextLayout(player: self, width: text.width, glyphs: .utf8, from: Int.max / 2, needed: 0,
                                     untilQuiz: quiz.key)
        guard let range = lines.quizLines[quiz.key] else { return }
        if range.upperBound > scroll + text.height { scroll = range.upperBound - text.height }
        if range.lowerBound < scroll { scroll = range.lowerBound }
        clampScroll()
    }

    mutating func clampScroll() {
        let text = layout.text
        // Laid out only as far as the scroll asks, and the parts above it only counted (End
        // counts the whole step): a long step stays quick.
        let wanted = scroll > Int.max / 4 ? Int.max : max(0, scroll) + text.height
        let shown = LessonTextLayout(player: self, width: text.width, glyphs: .utf8, from: max(0, scroll), needed: wanted)
        if shown.complete { scroll = min(max(0, scroll), max(0, shown.totalLines - text.height)) }
        scroll = max(0, scroll)
    }
}
