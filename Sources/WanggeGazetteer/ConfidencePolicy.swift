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

    /// The landmark's village is not in the township the address names: the landmark wins, but one is wrong.
    static let landmarkOutsideNamedTownship = 0.2
    /// Several villages or streets share the name and 沙湾 (the district, or perhaps 沙湾镇) picked one.
    static let tieBrokenByShawan = 0.15
    /// A name of both a township and village (太平, 福禄) read as the township since no village fits.
    static let townshipReadingOfVillageName = 0.2
    /// No village of that name is in the township named: the village is believed, the address contradicts itself.
    static let villageOutsideNamedTownship = 0.25
    /// The villager group exists but not that house number: the group's point (a house near its middle).
    static let groupWithoutHouse = 0.05
    /// The street number found belongs to a village other than the one named.
    static let streetHouseInOtherVillage = 0.2
    /// A village without a group or house found: its point (committee or centroid) may be far off.
    static let villageOnly = 0.1
    /// A street without a house found, and no village named: a street's point can be far along it.
    static let streetOnly = 0.15
    /// A township only: its point is the township government or centroid, far from most addresses.
    static let townshipOnly = 0.3
}
