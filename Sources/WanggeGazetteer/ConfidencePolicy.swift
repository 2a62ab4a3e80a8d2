/// Every confidence `AddressMatcher` reports, and nowhere else a number.
///
/// A single place starts at `exactMatch` (or `fuzzyMatch`) and loses a penalty for each doubt, in
/// the order the matcher meets them; results that are not one place of ours get a fixed value.
/// The values only rank results against each other (a caller sorts or thresholds on them); they
/// are not measured probabilities. Output rounds them to two decimals.
enum ConfidencePolicy {
    // MARK: Fixed values: not one place of ours

    /// A token names a division outside the district from our own list: as sure as an exact name.
    static let outsideListed = 0.95
    /// Unmatched text ending in 省/市/县/区/州 before our names (仁寿县): a division guessed from its shape only.
    static let outsideUnlisted = 0.7
    /// Several villages, townships, streets, one street number in two villages, or a homonym outside
    /// the district fit: the reading is right but the caller must choose.
    static let ambiguous = 0.3
    /// Only townships named, and more than one: less to choose from than an ambiguous village.
    static let ambiguousTownships = 0.2
    /// Nothing of ours recognised.
    static let notFound = 0.0

    // MARK: Starting points of a match

    /// Every name read as the gazetteer or its alias table spells it.
    static let exactMatch = 0.95
    /// One name came from the fuzzy pass (a homophone or one-character typo): it may be another place.
    static let fuzzyMatch = 0.75

    // MARK: Penalties, subtracted from the starting point

    /// The landmark's village and the street number's village differ: the landmark wins, but one is wrong.
    static let landmarkAndStreetDisagree = 0.2
    /// A name of both a township and village (太平, 福禄) read as the township since no village fits.
    static let townshipReadingOfVillageName = 0.2
    /// The villager group named does not exist in the village: the village stands, the rest is doubtful.
    static let unknownGroup = 0.15
    /// The villager group exists but not that house number: the group's point (a house near its middle).
    static let groupWithoutHouse = 0.05
    /// A village without a group or house found: its point (committee or centroid) may be far off,
    /// but the village itself is as sure as its name.
    static let villageOnly = 0.05
    /// Several villages or streets share the name and only one has the group or number given: the
    /// number decides, but a wrong number would have decided wrongly.
    static let numberDecides = 0.1
    /// Several villages or streets share the name, and a word that names both the district and a
    /// town (沙湾) picked the town's: the caller may have meant the district.
    static let tieBrokenByTownName = 0.15
    /// The village's name is also a village of a neighbouring county, and nothing places the address
    /// in the district: ours, but the caller may mean the other.
    static let homonymElsewhere = 0.15
    /// The street lacks the number, but its neighbours (n±1, n±2) are all in one village.
    static let numberInterpolated = 0.1
    /// A street without a house found, and no village named: a street's point can be far along it.
    static let streetOnly = 0.15
    /// A township only: its point is the township government or centroid, far from most addresses.
    static let townshipOnly = 0.3
}
