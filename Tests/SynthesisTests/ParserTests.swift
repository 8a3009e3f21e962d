import SynthesizerText
import Testing
@testable import Synthesis

@Suite struct PromptFormatTests {
    @Test func readingHasLeadingSpaceBeforeCONAndEndsWithBlankLine() {
        #expect(SynthesizerFormat.read("Cats purr.") == "<s> <CON> Cats purr. </CON>\n\n")
        #expect(SynthesizerFormat.read("") == "<s>")
    }

    @Test func entryIsReadingPairsAndEndOfSequence() {
        let pairs = [QAPair(question: "Who purrs?", answer: "Cats"), QAPair(question: "Loud?", answer: "No")]
        #expect(SynthesizerFormat.entry(text: "Cats purr.", pairs: pairs)
            == "<s> <CON> Cats purr. </CON>\n\n<QUE> Who purrs? <ANS> Cats </END>\n\n<QUE> Loud? <ANS> No </END></s>")
    }

    @Test func formattedPairsParseBackUnchanged() {
        let pairs = [QAPair(question: "Q one?", answer: "A one"), QAPair(question: "Q two?", answer: "A\ntwo")]
        #expect(SynthesizerOutputParser.parse(SynthesizerFormat.comprehension(pairs)) == pairs)
    }
}

@Suite struct OutputParserTests {
    @Test func completeOutputKeepsEveryPairTrimmed() {
        let output = "<QUE> What is X? <ANS> X is Y. </END>\n\n<QUE>  Why?\n <ANS>\tBecause. </END>"
        #expect(SynthesizerOutputParser.parse(output) == [
            QAPair(question: "What is X?", answer: "X is Y."), QAPair(question: "Why?", answer: "Because."),
        ])
    }

    @Test func missingFinalENDDropsTheLastPiece() {
        // The last pair looks complete but the output does not end with </END>: the reference
        // treats it as cut off by max_new_tokens and drops it.
        let output = "<QUE> A? <ANS> a </END>\n\n<QUE> B? <ANS> b"
        #expect(SynthesizerOutputParser.parse(output) == [QAPair(question: "A?", answer: "a")])
        #expect(SynthesizerOutputParser.parse("<QUE> A? <ANS> a </END>\n") == [QAPair(question: "A?", answer: "a")])
        #expect(SynthesizerOutputParser.parse("<QUE> A? <ANS> a") == [])
    }

    @Test func twoANSTagsDropThePair() {
        let output = "<QUE> A? <ANS> a <ANS> again </END>\n\n<QUE> B? <ANS> b </END>"
        #expect(SynthesizerOutputParser.parse(output) == [QAPair(question: "B?", answer: "b")])
        #expect(SynthesizerOutputParser.parse("<QUE> no answer tag </END>") == [])
    }

    @Test func emptyAnswerDropsThePair() {
        #expect(SynthesizerOutputParser.parse("<QUE> A? <ANS>   \n </END>\n\n<QUE> B? <ANS> b </END>")
            == [QAPair(question: "B?", answer: "b")])
    }

    @Test func questionMustStartWithQUE() {
        let output = "Sure! <QUE> A? <ANS> a </END>\n\n<QUE> B? <ANS> b </END>\n\nC? <ANS> c </END>"
        #expect(SynthesizerOutputParser.parse(output) == [QAPair(question: "B?", answer: "b")])
    }

    @Test func everyQUEInTheQuestionIsRemovedAndAnEmptyQuestionIsKept() {
        // As in the reference: only the answer must be non-empty.
        #expect(SynthesizerOutputParser.parse("<QUE> A <QUE> B? <ANS> b </END>") == [QAPair(question: "A  B?", answer: "b")])
        #expect(SynthesizerOutputParser.parse("<QUE> <ANS> b </END>") == [QAPair(question: "", answer: "b")])
    }

    @Test func duplicateQuestionsInDifferentCaseKeepTheFirst() {
        let output = "<QUE> What is X? <ANS> first </END>\n\n<QUE> WHAT IS x? <ANS> second </END>\n\n<QUE> what is x?  <ANS> third </END>"
        #expect(SynthesizerOutputParser.parse(output) == [QAPair(question: "What is X?", answer: "first")])
    }

    @Test func questionsAreComparedByCodePointsLikePython() {
        // Precomposed é and e + combining acute are different strings in Python.
        let output = "<QUE> caf\u{E9}? <ANS> a </END><QUE> cafe\u{301}? <ANS> b </END>"
        #expect(SynthesizerOutputParser.parse(output).count == 2)
    }

    @Test func pythonWhitespaceIncludesInformationSeparators() {
        #expect(SynthesizerOutputParser.parse("<QUE> A?\u{1C} <ANS> \u{1F}a\u{A0} </END>") == [QAPair(question: "A?", answer: "a")])
    }

    @Test func emptyAndGarbageOutputsGiveNoPairs() {
        #expect(SynthesizerOutputParser.parse("") == [])
        #expect(SynthesizerOutputParser.parse("</END>") == [])
        #expect(SynthesizerOutputParser.parse("lorem ipsum") == [])
    }
}

@Suite struct PairKindTests {
    @Test func plainPair() {
        let analysis = PairAnalysis(QAPair(question: "What is X?", answer: "Y"))
        #expect(analysis.kind == .plain)
        #expect(analysis.stem == "What is X?")
        #expect(analysis.finalAnswer == "Y")
        #expect(analysis.options == nil && analysis.chainOfThought == nil)
    }

    @Test func multipleChoice() {
        let analysis = PairAnalysis(QAPair(question: "Pick a colour.\nOptions:\n- red\n- blue\n- green", answer: "blue"))
        #expect(analysis.kind == .options)
        #expect(analysis.stem == "Pick a colour.")
        #expect(analysis.options == ["red", "blue", "green"])
        #expect(analysis.finalAnswer == "blue")
    }

    @Test func chainOfThought() {
        let analysis = PairAnalysis(QAPair(
            question: "How many legs do two cats have?\nLet's think step by step.",
            answer: "A cat has four legs. Two cats have 2 x 4.\nTherefore, the answer is 8"))
        #expect(analysis.kind == .cot)
        #expect(analysis.stem == "How many legs do two cats have?")
        #expect(analysis.chainOfThought == "A cat has four legs. Two cats have 2 x 4")
        #expect(analysis.finalAnswer == "8")
    }

    @Test func multipleChoiceWithChainOfThought() {
        let analysis = PairAnalysis(QAPair(
            question: "Is it wet?\nOptions:\n- yes\n- no\nLet's think step by step.",
            answer: "It rained.\nTherefore, the answer is yes"))
        #expect(analysis.kind == .optionsCot)
        #expect(analysis.stem == "Is it wet?")
        #expect(analysis.options == ["yes", "no"])
        #expect(analysis.chainOfThought == "It rained")
        #expect(analysis.finalAnswer == "yes")
    }

    @Test func brokenCuesMakeThePairUnusable() {
        // The step-by-step cue not at the end.
        #expect(PairAnalysis(QAPair(question: "Q?\nLet's think step by step. More", answer: "x\nTherefore, the answer is y")).kind == .unusable)
        // The cue but no "Therefore" in the answer.
        #expect(PairAnalysis(QAPair(question: "Q?\nLet's think step by step.", answer: "y")).kind == .unusable)
        // "Therefore" in the answer but no cue in the question.
        #expect(PairAnalysis(QAPair(question: "Q?", answer: "x\nTherefore, the answer is y")).kind == .unusable)
        // Two "Therefore".
        #expect(PairAnalysis(QAPair(question: "Q?\nLet's think step by step.",
                                    answer: "a\nTherefore, the answer is b\nTherefore, the answer is c")).kind == .unusable)
        // Empty chain of thought (only a full stop).
        #expect(PairAnalysis(QAPair(question: "Q?\nLet's think step by step.", answer: ".\nTherefore, the answer is y")).kind == .unusable)
        // Only the cue.
        #expect(PairAnalysis(QAPair(question: "\nLet's think step by step.", answer: "x\nTherefore, the answer is y")).kind == .unusable)
        // Two option headers, or options without a question before them.
        #expect(PairAnalysis(QAPair(question: "Q\nOptions:\n- a\nOptions:\n- b", answer: "a")).kind == .unusable)
        #expect(PairAnalysis(QAPair(question: "\nOptions:\n- a\n- b", answer: "a")).kind == .unusable)
    }

    @Test func optionsNeedTheExactHeader() {
        #expect(PairAnalysis(QAPair(question: "Pick.\nOptions: a, b", answer: "a")).kind == .plain)
        #expect(PairAnalysis(QAPair(question: "Pick.\noptions:\n- a", answer: "a")).kind == .plain)
    }
}
