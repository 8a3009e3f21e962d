/// How the demo asks about an attribute. Two disjoint sets of wordings: the synthesizer's
/// task collection uses `taskQuestions` (and the statement forms below), the evaluation uses
/// `evaluationQuestion` only, so no evaluation question appears verbatim in any training data.
extension Attribute {
    /// Question wordings for the synthesizer's task collection; `{name}` is filled in.
    public var taskQuestions: [String] {
        switch self {
        case .city:
            return ["Where does {name} live?", "In what city is {name} based?", "What city is home to {name}?",
                    "Name the city where {name} lives."]
        case .profession:
            return ["What is the job of {name}?", "What is the profession of {name}?", "How does {name} earn a living?",
                    "What line of work is {name} in?"]
        case .instrument:
            return ["What instrument does {name} play?", "Which instrument is {name} known for playing?",
                    "What does {name} like to play?", "Name the instrument {name} plays."]
        case .pet:
            return ["What pet does {name} have?", "Which animal does {name} keep?", "What animal does {name} look after?",
                    "Name the pet of {name}."]
        case .birthYear:
            return ["When was {name} born?", "What year was {name} born in?", "What is the birth year of {name}?",
                    "In what year did {name} come into the world?"]
        case .color:
            return ["What colour does {name} like best?", "Which colour does {name} prefer?",
                    "What is the preferred colour of {name}?", "Name the colour {name} likes most."]
        }
    }

    /// The one evaluation wording, a closed-book question about the attribute.
    public func evaluationQuestion(about name: String) -> String {
        switch self {
        case .city: return "Which city does \(name) live in?"
        case .profession: return "What does \(name) work as?"
        case .instrument: return "Which instrument does \(name) play?"
        case .pet: return "What kind of pet does \(name) keep?"
        case .birthYear: return "In which year was \(name) born?"
        case .color: return "What is the favourite colour of \(name)?"
        }
    }

    /// A plain statement of the fact, for true/false tasks: "Ada Adler lives in Lisbon."
    public func statement(name: String, value: String) -> String {
        switch self {
        case .city: return "\(name) lives in \(value)."
        case .profession: return "\(name) works as a \(value)."
        case .instrument: return "\(name) plays the \(value)."
        case .pet: return "\(name) keeps a \(value)."
        case .birthYear: return "\(name) was born in \(value)."
        case .color: return "\(name)'s favourite colour is \(value)."
        }
    }

    /// A yes/no question claiming `value`: "Does Ada Adler live in Lisbon?"
    public func yesNoQuestion(name: String, value: String) -> String {
        switch self {
        case .city: return "Does \(name) live in \(value)?"
        case .profession: return "Is \(name) a \(value) by trade?"
        case .instrument: return "Does \(name) play the \(value)?"
        case .pet: return "Does \(name) keep a \(value)?"
        case .birthYear: return "Was \(name) born in \(value)?"
        case .color: return "Is \(value) the favourite colour of \(name)?"
        }
    }

    /// A sentence with the value left blank, for fill-in-the-blank tasks.
    public func blankSentence(name: String) -> String {
        switch self {
        case .city: return "\(name) lives in ____."
        case .profession: return "\(name) works as a ____."
        case .instrument: return "\(name) plays the ____."
        case .pet: return "\(name) keeps a ____ as a pet."
        case .birthYear: return "\(name) was born in ____."
        case .color: return "The favourite colour of \(name) is ____."
        }
    }

    /// Words that mark a question as asking about this attribute, for the ground-truth check
    /// (whole words: "pet" must not match a name such as Petrov).
    var questionKeywords: Set<String> {
        switch self {
        case .city: return ["city", "live", "lives", "lived", "home", "based", "reside", "resides"]
        case .profession: return ["job", "work", "works", "worked", "profession", "trade", "living", "occupation"]
        case .instrument: return ["instrument", "play", "plays", "played", "playing"]
        case .pet: return ["pet", "pets", "animal", "animals"]
        case .birthYear: return ["born", "birth", "birthday", "year"]
        case .color: return ["colour", "color", "colours", "colors"]
        }
    }
}
