import Foundation

/// `xs:duration` as metadata's cacheDuration uses it (`PT6H`, `P1D`). Years and months are
/// approximated (365 and 30 days); that is fine for a cache lifetime.
enum XMLDuration {
    static func parse(_ text: String) -> TimeInterval? {
        var scalars = Substring(text.trimmingCharacters(in: .whitespaces))
        var sign = 1.0
        if scalars.first == "-" {
            sign = -1
            scalars = scalars.dropFirst()
        }
        guard scalars.first == "P" else { return nil }
        scalars = scalars.dropFirst()
        var total = 0.0
        var number = ""
        var inTime = false
        var sawUnit = false
        for character in scalars {
            switch character {
            case "T" where number.isEmpty && !inTime: inTime = true
            case "0"..."9", ".": number.append(character)
            case "Y", "M", "W", "D", "H", "S":
                guard let value = Double(number) else { return nil }
                let unit: Double
                switch (character, inTime) {
                case ("Y", false): unit = 365 * 86_400
                case ("M", false): unit = 30 * 86_400
                case ("W", false): unit = 7 * 86_400
                case ("D", false): unit = 86_400
                case ("H", true): unit = 3600
                case ("M", true): unit = 60
                case ("S", true): unit = 1
                default: return nil
                }
                total += value * unit
                number = ""
                sawUnit = true
            default: return nil
            }
        }
        guard sawUnit, number.isEmpty else { return nil }
        return sign * total
    }
}
