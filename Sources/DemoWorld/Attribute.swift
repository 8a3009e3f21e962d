/// What the demo world knows about a person: each attribute has a closed set of values and
/// several ways of saying it.
public enum Attribute: String, CaseIterable, Sendable {
    case city
    case profession
    case instrument
    case pet
    case birthYear = "birth_year"
    case color

    public var values: [String] {
        switch self {
        case .city: return Vocabulary.cities
        case .profession: return Vocabulary.professions
        case .instrument: return Vocabulary.instruments
        case .pet: return Vocabulary.pets
        case .birthYear: return (1950...1965).map(String.init)
        case .color: return Vocabulary.colors
        }
    }

    /// Sentences stating the fact; `{name}` and `{value}` are filled in.
    public var phrasings: [String] {
        switch self {
        case .city:
            return ["{name} lives in {value}.", "Home for {name} is the city of {value}.",
                    "{name} settled in {value} years ago.", "These days {name} can be found in {value}.",
                    "{name} rents a small flat in {value}."]
        case .profession:
            return ["{name} works as a {value}.", "By trade, {name} is a {value}.",
                    "{name} earns a living as a {value}.", "Ask anyone and they will tell you {name} is a {value}.",
                    "For most of the week {name} is busy being a {value}."]
        case .instrument:
            return ["{name} plays the {value}.", "In the evenings {name} practises the {value}.",
                    "The {value} is the instrument {name} loves most.", "{name} has played the {value} since childhood.",
                    "Friends often hear {name} playing the {value}."]
        case .pet:
            return ["{name} keeps a {value} as a pet.", "A {value} shares the home of {name}.",
                    "{name} looks after a pet {value}.", "Every morning {name} feeds a {value}.",
                    "The household of {name} includes a {value}."]
        case .birthYear:
            return ["{name} was born in {value}.", "{name} came into the world in {value}.",
                    "The year {name} was born was {value}.", "Records show that {name} was born in {value}.",
                    "{name}, born in {value}, remembers that year fondly."]
        case .color:
            return ["The favourite colour of {name} is {value}.", "{name} likes {value} more than any other colour.",
                    "{name} paints the front door {value} every spring.", "Anything {value} catches the eye of {name}.",
                    "{name} always picks {value} when choosing a colour."]
        }
    }
}

enum Vocabulary {
    static let firstNames = [
        "Ada", "Bram", "Celia", "Dario", "Elin", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kaia", "Luca",
        "Mira", "Nils", "Oona", "Pavel", "Quinn", "Rosa", "Soren", "Talia", "Umar", "Vera", "Wim", "Xenia",
        "Yusuf", "Zora", "Anouk", "Bela", "Cyril", "Dagny", "Emeric", "Fenna", "Gideon", "Hedda", "Ivo", "Juno",
    ]
    static let lastNames = [
        "Adler", "Brandt", "Castell", "Dorn", "Eklund", "Falk", "Gruber", "Halloran", "Ibsen", "Jansen",
        "Kovac", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quist", "Rinaldi", "Sato", "Tamm",
        "Ulrich", "Varga", "Weber", "Yilmaz", "Zeller", "Arroyo", "Bakker", "Costa", "Dumont", "Engel",
    ]
    static let cities = [
        "Lisbon", "Tallinn", "Porto", "Ghent", "Bergen", "Krakow", "Lyon", "Turin", "Graz", "Utrecht",
        "Aarhus", "Bilbao", "Brno", "Cork", "Dresden", "Riga",
    ]
    static let professions = [
        "baker", "carpenter", "nurse", "pilot", "librarian", "geologist", "tailor", "chemist", "translator",
        "architect", "beekeeper", "glassblower", "cartographer", "locksmith", "veterinarian", "florist",
    ]
    static let instruments = [
        "cello", "violin", "flute", "oboe", "harp", "trumpet", "banjo", "accordion", "clarinet", "piano",
        "ukulele", "bassoon", "mandolin", "saxophone", "trombone", "harmonica",
    ]
    static let pets = [
        "parrot", "tortoise", "ferret", "goldfish", "rabbit", "hamster", "beagle", "tabby cat", "canary",
        "iguana", "hedgehog", "chinchilla", "gecko", "poodle", "guinea pig", "cockatoo",
    ]
    static let colors = [
        "crimson", "teal", "amber", "violet", "olive", "navy", "coral", "mustard", "indigo", "turquoise",
        "maroon", "lavender", "ochre", "emerald", "scarlet", "silver",
    ]
}
